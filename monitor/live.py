"""What one event does to the live metrics, as plain data.

The worker (``streams/agents.py``) parses a message, drops duplicates, and
applies the :class:`Observation` list this module returns to its Prometheus
handles (``streams/metrics.py``). The rules live here, in the domain, so they
are unit-testable without Kafka or a metrics client, and so the worker holds no
formula of its own.

Per-family dispatch: each event type has one rule function registered with
:func:`_rule`. Adding a family (callbacks, visits, …) is adding its rule
functions; :func:`observations` adds the pipeline-health observations
(``kcc_events``, ``kcc_last_event_timestamp_seconds``) to every event.

Labels are always bounded by configuration: ``Municipality.label`` turns any
line, queue, department, … that the municipality's file does not name into
``other``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from monitor import metricspec as spec
from monitor.config import Municipality
from monitor.events import CallAbandoned, CallAnswered, CallEnded, CallOffered, family
from monitor.metricspec import MetricSpec

Action = Literal["inc", "observe", "set"]


@dataclass(frozen=True)
class Observation:
    """One change to one live series: ``inc`` by ``value``, ``observe`` ``value`` in a histogram,
    or ``set`` a gauge to ``value``. ``labels`` names every label of ``metric`` (bounded values)."""

    metric: MetricSpec
    labels: Mapping[str, str]
    action: Action
    value: float = 1.0

    def __post_init__(self) -> None:
        if tuple(self.labels) != self.metric.labels:
            raise ValueError(f"{self.metric.name}: labels {tuple(self.labels)} != {self.metric.labels}")


_Rule = Callable[[Any, Municipality], list[Observation]]
_RULES: dict[str, _Rule] = {}


def _rule(*event_types: str) -> Callable[[_Rule], _Rule]:
    """Register the metric rule of one or more event types."""

    def register(function: _Rule) -> _Rule:
        for event_type in event_types:
            assert event_type not in _RULES, event_type
            _RULES[event_type] = function
        return function

    return register


def observations(event: Any, municipality: Municipality, *, now: float | None = None) -> list[Observation]:
    """The observations of one valid, non-duplicate event of ``municipality``.

    ``now`` is the processing time (Unix seconds) for ``kcc_last_event_timestamp_seconds``;
    default: the current time. Event types without a live rule yet only count as processed.
    """
    rule = _RULES.get(event.type)
    result = rule(event, municipality) if rule is not None else []
    result.append(Observation(spec.EVENTS, {"municipality": municipality.slug, "type": event.type}, "inc"))
    result.append(Observation(
        spec.LAST_EVENT, {"municipality": municipality.slug, "family": family(event.type)}, "set",
        time.time() if now is None else now))
    return result


def duplicate_observations(event: Any, municipality: Municipality) -> list[Observation]:
    """A repeated ``event_id``: counted in ``kcc_events_duplicate`` and nothing else."""
    return [Observation(spec.EVENTS_DUPLICATE, {"municipality": municipality.slug, "type": event.type}, "inc")]


def has_rule(event_type: str) -> bool:
    """Whether an event type changes more than the pipeline-health metrics."""
    return event_type in _RULES


# ---------------------------------------------------------------- phone (Call)

def _phone_labels(event: Any, municipality: Municipality) -> dict[str, str]:
    return {
        "municipality": municipality.slug,
        "line": municipality.label("line", event.line),
        "queue": municipality.label("queue", event.queue),
    }


@_rule("call.offered")
def _call_offered(event: CallOffered, municipality: Municipality) -> list[Observation]:
    return [
        Observation(spec.CALLS_OFFERED, _phone_labels(event, municipality), "inc"),
        Observation(spec.CONTACTS, {"municipality": municipality.slug, "channel": "phone"}, "inc"),
    ]


@_rule("call.answered")
def _call_answered(event: CallAnswered, municipality: Municipality) -> list[Observation]:
    labels = _phone_labels(event, municipality)
    result = [
        Observation(spec.CALLS_ANSWERED, labels, "inc"),
        Observation(spec.CALL_WAIT, labels, "observe", event.wait_seconds),
    ]
    # Service level: answered within the threshold, boundary included (KPIS.md "at most").
    if event.wait_seconds <= municipality.thresholds.service_level_seconds:
        result.append(Observation(spec.CALLS_ANSWERED_IN_SERVICE_LEVEL, labels, "inc"))
    return result


@_rule("call.abandoned")
def _call_abandoned(event: CallAbandoned, municipality: Municipality) -> list[Observation]:
    labels = _phone_labels(event, municipality)
    result = [Observation(spec.CALLS_ABANDONED, labels, "inc")]
    # Short abandon: strictly less than the threshold; a caller who waited exactly that long counts.
    if event.wait_seconds < municipality.thresholds.short_abandon_seconds:
        result.append(Observation(spec.CALLS_SHORT_ABANDONED, labels, "inc"))
    return result


@_rule("call.ended")
def _call_ended(event: CallEnded, municipality: Municipality) -> list[Observation]:
    labels = {**_phone_labels(event, municipality), "outcome": event.outcome}
    return [Observation(spec.CALLS_ENDED, labels, "inc")]

"""Events of the worker's unit tests: parsed Groningen events at minutes after :data:`T0` (built by
``tests.events``), and the few histories several test modules fold into a worker."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from streams.agents import process
from tests import events

TZ = ZoneInfo("Europe/Amsterdam")
T0 = datetime(2026, 4, 7, 10, 0, tzinfo=TZ)
"""Tuesday 7 April 2026, 10:00 local: a working day."""
NOW = T0.timestamp() + 3600
"""The worker's clock in the tests of one event: an hour after the events."""
PHONE = {"municipality": "groningen", "line": "14050", "queue": "algemeen"}
"""The labels of :func:`call`'s phone series."""
KEY = "groningen|call|k1"
"""The ``records`` key of :func:`call`'s default call."""


def metric_value(worker: Any, name: str, **labels: str) -> float:
    """A series' value once the batch is over (the agent publishes the metrics after each batch), 0 if absent."""
    worker.metrics.publish()
    return worker.metrics.registry.get_sample_value(name, labels) or 0.0


def event(event_type: str, minutes: float = 0, **fields: Any) -> Any:
    """A parsed Groningen event at ``T0 + minutes`` (``tests.events.event``)."""
    return events.event(event_type, (T0 + timedelta(minutes=minutes)).isoformat(), **fields)


def call(event_type: str, minutes: float = 0, call_id: str = "k1", **fields: Any) -> Any:
    """A call event on line 14050, queue ``algemeen``."""
    return event(event_type, minutes, call_id=call_id, line="14050", queue="algemeen", **fields)


BACKFILL_NOW = NOW + 90 * 86400
"""The wall clock of a backfill: after every event, and standing still while they are replayed."""


def finished_call(worker: Any, now: float = NOW) -> None:
    """Call :data:`KEY` offered at :data:`T0` and abandoned a minute later: final."""
    process(worker, call("call.offered"), 3, now=now, message="s1")
    process(worker, call("call.abandoned", 1, wait_seconds=40), 3, now=now, message="s2")


def push_watermark(worker: Any, days: float, partition: int = 3, call_id: str = "later") -> None:
    """Another call of the same source, ``days`` of event time after T0, as a backfill would bring it."""
    process(worker, call("call.offered", days * 24 * 60, call_id=call_id), partition, now=BACKFILL_NOW,
            message=f"s{call_id}")

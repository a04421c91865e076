"""Live metric rules: what each phone event does to the counters (monitor/live.py)."""

from __future__ import annotations

import pytest

from monitor import metricspec as spec
from monitor.config import Config
from monitor.events import parse_event
from monitor.live import Observation, duplicate_observations, observations


def _call(event_type: str, **fields: object) -> object:
    import json

    body = {"event_id": "e-1", "type": event_type, "ts": "2026-04-07T09:00:00+02:00",
            "municipality": "groningen", "call_id": "k1", "line": "14050", "queue": "algemeen", **fields}
    return parse_event(json.dumps(body))


def _by_metric(result: list[Observation]) -> dict[str, Observation]:
    names = [o.metric.name for o in result]
    assert len(names) == len(set(names)), names
    return {o.metric.name: o for o in result}


PHONE = {"municipality": "groningen", "line": "14050", "queue": "algemeen"}


def test_offered_call_counts_offered_and_a_phone_contact(config: Config) -> None:
    result = _by_metric(observations(_call("call.offered"), config["groningen"], now=100.0))
    assert set(result) == {spec.CALLS_OFFERED.name, spec.CONTACTS.name, spec.EVENTS.name, spec.LAST_EVENT.name}
    assert result[spec.CALLS_OFFERED.name] == Observation(spec.CALLS_OFFERED, PHONE, "inc", 1.0)
    assert result[spec.CONTACTS.name].labels == {"municipality": "groningen", "channel": "phone"}


def test_every_event_counts_as_processed_and_stamps_its_family(config: Config) -> None:
    result = _by_metric(observations(_call("call.offered"), config["groningen"], now=1234.5))
    assert result[spec.EVENTS.name] == Observation(
        spec.EVENTS, {"municipality": "groningen", "type": "call.offered"}, "inc", 1.0)
    assert result[spec.LAST_EVENT.name] == Observation(
        spec.LAST_EVENT, {"municipality": "groningen", "family": "call"}, "set", 1234.5)


def test_answered_call_observes_its_wait_and_counts_within_service_level(config: Config) -> None:
    result = _by_metric(observations(_call("call.answered", wait_seconds=12), config["groningen"]))
    assert result[spec.CALLS_ANSWERED.name] == Observation(spec.CALLS_ANSWERED, PHONE, "inc", 1.0)
    assert result[spec.CALL_WAIT.name] == Observation(spec.CALL_WAIT, PHONE, "observe", 12.0)
    assert result[spec.CALLS_ANSWERED_IN_SERVICE_LEVEL.name].action == "inc"


def test_call_answered_exactly_at_service_level_counts_within_it(config: Config) -> None:
    municipality = config["groningen"]
    wait = municipality.thresholds.service_level_seconds
    result = _by_metric(observations(_call("call.answered", wait_seconds=wait), municipality))
    assert spec.CALLS_ANSWERED_IN_SERVICE_LEVEL.name in result


def test_call_answered_just_after_service_level_is_outside_it(config: Config) -> None:
    municipality = config["groningen"]
    wait = municipality.thresholds.service_level_seconds + 0.001
    result = _by_metric(observations(_call("call.answered", wait_seconds=wait), municipality))
    assert spec.CALLS_ANSWERED_IN_SERVICE_LEVEL.name not in result
    assert result[spec.CALL_WAIT.name].value == wait


def test_abandon_before_threshold_is_short(config: Config) -> None:
    municipality = config["groningen"]
    wait = municipality.thresholds.short_abandon_seconds - 0.5
    result = _by_metric(observations(_call("call.abandoned", wait_seconds=wait), municipality))
    assert result[spec.CALLS_ABANDONED.name] == Observation(spec.CALLS_ABANDONED, PHONE, "inc", 1.0)
    assert result[spec.CALLS_SHORT_ABANDONED.name] == Observation(spec.CALLS_SHORT_ABANDONED, PHONE, "inc", 1.0)


def test_abandon_exactly_at_short_abandon_threshold_is_not_short(config: Config) -> None:
    municipality = config["groningen"]
    wait = municipality.thresholds.short_abandon_seconds
    result = _by_metric(observations(_call("call.abandoned", wait_seconds=wait), municipality))
    assert spec.CALLS_ABANDONED.name in result
    assert spec.CALLS_SHORT_ABANDONED.name not in result


def test_abandoned_call_is_no_answer_and_no_wait_observation(config: Config) -> None:
    result = _by_metric(observations(_call("call.abandoned", wait_seconds=60), config["groningen"]))
    assert spec.CALLS_ANSWERED.name not in result
    assert spec.CALL_WAIT.name not in result


@pytest.mark.parametrize("outcome", ["resolved", "transferred", "callback_requested", "other"])
def test_ended_call_counts_by_outcome(config: Config, outcome: str) -> None:
    result = _by_metric(observations(
        _call("call.ended", talk_seconds=200, outcome=outcome), config["groningen"]))
    assert result[spec.CALLS_ENDED.name] == Observation(
        spec.CALLS_ENDED, {**PHONE, "outcome": outcome}, "inc", 1.0)
    assert spec.CALLS_ANSWERED.name not in result


def test_unconfigured_queue_and_line_are_labelled_other(config: Config) -> None:
    event = _call("call.offered", queue="geheime-wachtrij", line="0800")
    result = _by_metric(observations(event, config["groningen"]))
    assert result[spec.CALLS_OFFERED.name].labels == {"municipality": "groningen", "line": "other", "queue": "other"}


def test_thresholds_come_from_the_municipalitys_configuration(config: Config) -> None:
    """A municipality with a 20 s service level and 10 s short abandons judges the same waits differently."""
    base = config["groningen"]
    strict = base.model_copy(update={"thresholds": base.thresholds.model_copy(
        update={"service_level_seconds": 20.0, "short_abandon_seconds": 10.0})})
    answered = _call("call.answered", wait_seconds=25)
    assert spec.CALLS_ANSWERED_IN_SERVICE_LEVEL.name in _by_metric(observations(answered, base))
    assert spec.CALLS_ANSWERED_IN_SERVICE_LEVEL.name not in _by_metric(observations(answered, strict))
    abandoned = _call("call.abandoned", wait_seconds=7)
    assert spec.CALLS_SHORT_ABANDONED.name not in _by_metric(observations(abandoned, base))
    assert spec.CALLS_SHORT_ABANDONED.name in _by_metric(observations(abandoned, strict))


def test_duplicate_counts_only_as_duplicate(config: Config) -> None:
    assert duplicate_observations(_call("call.offered"), config["groningen"]) == [
        Observation(spec.EVENTS_DUPLICATE, {"municipality": "groningen", "type": "call.offered"}, "inc", 1.0)]


def test_observation_refuses_labels_that_do_not_match_the_metric() -> None:
    with pytest.raises(ValueError):
        Observation(spec.CALLS_OFFERED, {"municipality": "groningen"}, "inc")

"""The event contract: what EVENTS.md accepts, and every rule it rejects with."""

from __future__ import annotations

import json

import pytest

from monitor.events import EVENT_TYPES, REASONS, InvalidEvent, parse_event

MUNICIPALITIES = {"groningen"}
BASE = {"event_id": "e-1", "ts": "2026-04-07T09:00:00+02:00", "municipality": "groningen"}

VALID = {
    "call.offered": {"call_id": "k1", "line": "14050", "queue": "algemeen"},
    "call.answered": {"call_id": "k1", "line": "14050", "queue": "algemeen", "wait_seconds": 40},
    "call.abandoned": {"call_id": "k1", "line": "14050", "queue": "algemeen", "wait_seconds": 3.5},
    "call.ended": {"call_id": "k1", "line": "14050", "queue": "algemeen", "talk_seconds": 210, "outcome": "resolved"},
    "callback.requested": {"callback_id": "t1", "department": "stadstoezicht"},
    "callback.completed": {"callback_id": "t1", "department": "stadstoezicht"},
    "callback.cancelled": {"callback_id": "t1", "department": "stadstoezicht"},
    "visit.checked_in": {"visit_id": "b1", "location": "kreupelstraat", "visit_type": "appointment",
                         "appointment_at": "2026-04-07T14:00:00+02:00", "product": "reisdocument"},
    "visit.called": {"visit_id": "b1", "location": "kreupelstraat", "visit_type": "appointment"},
    "visit.completed": {"visit_id": "b1", "location": "kreupelstraat", "visit_type": "walk_in"},
    "visit.no_show": {"visit_id": "b1", "location": "kreupelstraat"},
    "queue.snapshot": {"channel": "phone", "queue": "algemeen", "waiting": 3, "longest_wait_seconds": 75,
                       "agents_available": 2},
    "survey.answered": {"survey_id": "s1", "channel": "counter", "location": "haren", "score": 7.5},
    "letter.received": {"letter_id": "l1", "channel": "post", "department": "burgerzaken",
                        "due_at": "2026-04-21T17:00:00+02:00"},
    "letter.answered": {"letter_id": "l1", "channel": "email", "department": "burgerzaken"},
    "digital.completed": {"transaction_id": "d1", "product": "uittreksel"},
}


def _raw(event_type: str, **changes: object) -> bytes:
    body = {**BASE, "type": event_type, **VALID[event_type], **changes}
    return json.dumps({k: v for k, v in body.items() if v is not _DROP}).encode()


_DROP = object()


def _reason(raw: bytes | str) -> str:
    with pytest.raises(InvalidEvent) as caught:
        parse_event(raw, MUNICIPALITIES)
    assert caught.value.reason in REASONS
    return caught.value.reason


def test_every_contract_type_has_a_model_and_a_valid_example():
    assert set(EVENT_TYPES) == set(VALID)


@pytest.mark.parametrize("event_type", sorted(VALID))
def test_valid_event_of_every_type_parses_with_aware_time(event_type):
    event = parse_event(_raw(event_type), MUNICIPALITIES)
    assert event.type == event_type
    assert event.ts.utcoffset() is not None


def test_kafka_key_is_the_item_id_and_municipality_queue_for_snapshots():
    assert parse_event(_raw("call.answered")).kafka_key == "k1"
    assert parse_event(_raw("visit.no_show")).kafka_key == "b1"
    assert parse_event(_raw("queue.snapshot")).kafka_key == "groningen:algemeen"


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"{not json", "invalid_json"),
        (b"\xff\xfe", "invalid_json"),
        (b"[1, 2]", "not_an_object"),
        (b'"call.offered"', "not_an_object"),
        (json.dumps({**BASE, "type": "call.transferred"}).encode(), "unknown_type"),
        (json.dumps(BASE).encode(), "missing_field"),
    ],
)
def test_message_that_is_not_an_event_object_is_rejected(raw, reason):
    assert _reason(raw) == reason


def test_unknown_field_is_rejected():
    assert _reason(_raw("call.offered", caller_phone="0612345678")) == "unknown_field"


def test_timestamp_without_offset_is_rejected():
    assert _reason(_raw("call.offered", ts="2026-04-07T09:00:00")) == "naive_timestamp"


def test_appointment_time_without_offset_is_rejected():
    assert _reason(_raw("visit.checked_in", appointment_at="2026-04-07T14:00:00")) == "naive_timestamp"


def test_missing_required_field_is_rejected():
    assert _reason(_raw("call.answered", wait_seconds=_DROP)) == "missing_field"


def test_unconfigured_municipality_is_rejected():
    assert _reason(_raw("call.offered", municipality="utrecht")) == "unknown_municipality"


@pytest.mark.parametrize(
    "event_type, field, value",
    [
        ("call.offered", "event_id", ""),
        ("call.offered", "event_id", "x" * 65),
        ("call.offered", "event_id", "has space"),
        ("call.offered", "municipality", "Groningen"),
        ("call.offered", "queue", "Algemeen"),
        ("call.offered", "line", "14 050"),
        ("call.offered", "queue", "q" * 41),
        ("call.answered", "wait_seconds", -1),
        ("call.answered", "wait_seconds", 86401),
        ("call.answered", "wait_seconds", "40"),
        ("call.answered", "wait_seconds", True),
        ("call.ended", "outcome", "hung_up"),
        ("visit.called", "visit_type", "walkin"),
        ("queue.snapshot", "waiting", -1),
        ("queue.snapshot", "waiting", 1.5),
        ("queue.snapshot", "channel", "email"),
        ("survey.answered", "score", 0.5),
        ("survey.answered", "score", 11),
        ("survey.answered", "channel", "counter-desk"),
        ("letter.received", "channel", "fax"),
        ("call.offered", "ts", "7 april 2026"),
    ],
)
def test_out_of_range_or_malformed_value_is_rejected(event_type, field, value):
    assert _reason(_raw(event_type, **{field: value})) == "invalid_value"


def test_appointment_visit_without_appointment_time_is_rejected():
    assert _reason(_raw("visit.checked_in", appointment_at=_DROP)) == "invalid_value"


def test_walk_in_visit_with_appointment_time_is_rejected():
    assert _reason(_raw("visit.checked_in", visit_type="walk_in")) == "invalid_value"


def test_walk_in_visit_without_appointment_time_parses():
    event = parse_event(_raw("visit.checked_in", visit_type="walk_in", appointment_at=_DROP), MUNICIPALITIES)
    assert event.appointment_at is None


def test_rejection_detail_names_the_field():
    with pytest.raises(InvalidEvent) as caught:
        parse_event(_raw("call.answered", wait_seconds=-1), MUNICIPALITIES)
    assert "wait_seconds" in caught.value.detail


@pytest.mark.parametrize("field, value", [
    ("ts", "0001-01-01T00:00:00+14:00"), ("ts", "9999-12-31T23:59:59-12:00"), ("ts", "1999-12-31T23:59:59+00:00"),
    ("ts", "2101-01-01T00:00:00+01:00")])
def test_timestamp_outside_years_2000_to_2100_has_its_own_reason(field, value):
    assert _reason(_raw("call.offered", **{field: value})) == "timestamp_out_of_range"


def test_appointment_and_due_times_are_bounded_too():
    assert _reason(_raw("letter.received", due_at="3000-01-01T00:00:00+01:00")) == "timestamp_out_of_range"
    assert _reason(_raw("visit.checked_in", visit_type="appointment",
                        appointment_at="1970-01-01T00:00:00+01:00")) == "timestamp_out_of_range"


def test_timestamps_at_the_edges_of_the_years_parse():
    parse_event(_raw("call.offered", ts="2000-01-01T00:00:00+14:00"), MUNICIPALITIES)
    parse_event(_raw("call.offered", ts="2100-12-31T23:59:59-12:00"), MUNICIPALITIES)


@pytest.mark.parametrize("body", [
    {**BASE, "type": "é" * 300_000},
    {**BASE, "type": "call.offered", **VALID["call.offered"], "é" * 300_000: 1},
])
def test_rejection_detail_of_a_huge_name_is_bounded(body):
    with pytest.raises(InvalidEvent) as caught:
        parse_event(json.dumps(body, ensure_ascii=False), MUNICIPALITIES)
    assert len(caught.value.detail) < 400 and "300" in caught.value.detail

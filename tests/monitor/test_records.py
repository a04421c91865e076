"""Records fold an item's events in any order, any number of times, to the same record."""

from __future__ import annotations

import itertools
import json
import random

import pytest

from monitor.records import (
    CallRecord, DigitalRecord, RecordStore, VisitRecord, fold, record_from_json, record_key, slots,
)
from tests.events import call, event

T = "2026-04-07T09:00:00+02:00"


def _store(events) -> dict:
    store = RecordStore()
    for e in events:
        store.add(e)
    return {key: record.to_json() for key, record in store.items()}


def _visit_events():
    common = {"visit_id": "b1", "location": "kreupelstraat"}
    return [
        event("visit.checked_in", "2026-04-07T13:58:00+02:00", visit_type="appointment",
              appointment_at="2026-04-07T14:00:00+02:00", product="reisdocument", **common),
        event("visit.called", "2026-04-07T14:04:30+02:00", visit_type="appointment", **common),
        event("visit.completed", "2026-04-07T14:15:00+02:00", visit_type="appointment", **common),
    ]


def test_every_arrival_order_gives_the_same_records():
    events = call("k1", T, answered=("2026-04-07T09:00:40+02:00", 40), ended=("2026-04-07T09:04:00+02:00", "resolved"))
    events += _visit_events()[:2]
    events.append(event("callback.requested", T, callback_id="t1", department="stadstoezicht"))
    expected = _store(events)
    for order in itertools.permutations(events):
        assert _store(order) == expected


def test_duplicate_events_change_nothing():
    events = call("k1", T, answered=("2026-04-07T09:00:40+02:00", 40))
    assert _store(events + events + events[:1]) == _store(events)


def test_two_different_events_of_one_type_keep_the_earliest_whatever_the_order():
    first = event("call.answered", "2026-04-07T09:00:40+02:00", call_id="k1", line="14050", queue="algemeen",
                  wait_seconds=40)
    later = event("call.answered", "2026-04-07T09:01:00+02:00", call_id="k1", line="14050", queue="algemeen",
                  wait_seconds=60)
    a = fold(fold(None, first), later)
    b = fold(fold(None, later), first)
    assert a.to_json() == b.to_json()
    assert a.answered[1] == 40_000  # wait in ms of the earliest answer


def test_join_says_whether_the_record_changed():
    early, late = (event("call.answered", ts, call_id="k1", line="14050", queue="algemeen", wait_seconds=wait)
                   for ts, wait in (("2026-04-07T09:00:40+02:00", 40), ("2026-04-07T09:01:00+02:00", 60)))
    record = CallRecord("groningen", "k1")
    assert record.join(late) is True
    assert record.join(late) is False  # the same event again
    assert record.join(early) is True  # an earlier one of the type wins
    assert record.join(late) is False  # a later one loses
    assert record.answered[1] == 40_000
    visit = fold(None, _visit_events()[0])
    assert visit.join(_visit_events()[2]) is False  # visit.completed is taken and kept nowhere


def test_slots_are_the_record_slots_in_order_for_one_slot_and_many():
    record = fold(None, call("k1", T, answered=("2026-04-07T09:00:40+02:00", 40))[1])
    assert slots(record) == (None, record.answered, None, None)
    digital = DigitalRecord("groningen", "d1")
    assert slots(digital) == (None,)
    digital.completed = (1, "reisdocument")
    assert slots(digital) == ((1, "reisdocument"),)


def test_same_timestamp_ties_break_on_the_payload_not_on_arrival():
    common = {"call_id": "k1", "line": "14050", "queue": "algemeen"}
    x = event("call.ended", T, event_id="e-a", talk_seconds=1, outcome="transferred", **common)
    y = event("call.ended", T, event_id="e-b", talk_seconds=1, outcome="resolved", **common)
    assert fold(fold(None, x), y).ended[1] == "resolved"
    assert fold(fold(None, y), x).ended[1] == "resolved"


def test_called_before_checked_in_is_joined_when_the_check_in_arrives():
    checked_in, called, _ = _visit_events()
    record = fold(None, called)
    assert isinstance(record, VisitRecord) and record.origin is None
    record = fold(record, checked_in)
    assert record.location == "kreupelstraat" and record.visit_type == "appointment"
    assert record.called is not None


def test_originating_event_fields_win_when_events_disagree():
    record = fold(None, event("visit.called", "2026-04-07T10:05:00+02:00", visit_id="v", location="haren",
                              visit_type="appointment"))
    fold(record, event("visit.checked_in", "2026-04-07T10:00:00+02:00", visit_id="v", location="kreupelstraat",
                       visit_type="walk_in"))
    assert (record.location, record.visit_type) == ("kreupelstraat", "walk_in")


def test_records_survive_a_json_round_trip():
    events = call("k1", T, answered=("2026-04-07T09:00:40+02:00", 40.5)) + _visit_events()
    events.append(event("letter.received", T, letter_id="l1", channel="post", department="burgerzaken",
                        due_at="2026-04-20T17:00:00+02:00"))
    events.append(event("survey.answered", T, survey_id="s1", channel="counter", score=7.5))
    events.append(event("digital.completed", T, transaction_id="d1", product="uittreksel"))
    store = RecordStore()
    for e in events:
        store.add(e)
    for record in store:
        text = json.dumps(record.to_json())
        back = record_from_json(json.loads(text))
        assert back == record
        assert back.to_json() == record.to_json()


def test_merging_partial_records_equals_folding_all_events():
    events = call("k1", T, answered=("2026-04-07T09:00:40+02:00", 40), ended=("2026-04-07T09:04:00+02:00", "other"))
    rng = random.Random(7)
    for _ in range(20):
        shuffled = events[:]
        rng.shuffle(shuffled)
        cut = rng.randrange(len(events) + 1)
        left = CallRecord("groningen", "k1")
        right = CallRecord("groningen", "k1")
        for e in shuffled[:cut]:
            left.fold(e)
        for e in shuffled[cut:]:
            right.fold(e)
        assert left.merge(right).to_json() == _store(events)[("groningen", "call", "k1")]


def test_an_event_of_another_item_is_refused():
    record = fold(None, call("k1", T)[0])
    with pytest.raises(ValueError):
        record.fold(call("k2", T)[0])


def test_queue_snapshots_have_no_record():
    snapshot = event("queue.snapshot", T, channel="phone", queue="algemeen", waiting=3, longest_wait_seconds=40)
    assert record_key(snapshot) is None
    assert RecordStore().add(snapshot) is None

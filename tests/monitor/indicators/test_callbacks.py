"""Callbacks within 1 and 2 working days: in time, late, open past the deadline, pending, cancelled."""

from __future__ import annotations

from tests.events import event
from tests.monitor.reportkit import at, row

FRIDAY = "2026-04-24T15:00:00+02:00"   # Friday before Koningsdag (Monday 27 April 2026)


def _callback(callback_id: str, requested: str, *, completed: str | None = None, cancelled: str | None = None,
              department: str = "stadstoezicht") -> list:
    common = {"callback_id": callback_id, "department": department}
    events = [event("callback.requested", requested, **common)]
    if completed:
        events.append(event("callback.completed", completed, **common))
    if cancelled:
        events.append(event("callback.cancelled", cancelled, **common))
    return events


def test_callback_on_friday_before_koningsdag_is_due_tuesday(config):
    as_of = at("2026-05-15T00:00:00+02:00")
    events = (_callback("on-time", FRIDAY, completed="2026-04-28T15:00:00+02:00")     # exactly at the deadline
              + _callback("late", FRIDAY, completed="2026-04-28T15:00:01+02:00"))
    one = row(events, config, "groningen", as_of, "terugbellen_1_werkdag")
    assert (one.n, one.hits, one.pending) == (2, 1, 0)
    two = row(events, config, "groningen", as_of, "terugbellen_2_werkdagen")   # due Wednesday 29 April 15:00
    assert (two.n, two.hits, two.pending) == (2, 2, 0)


def test_an_open_callback_past_its_deadline_counts_as_missed(config):
    events = _callback("open", FRIDAY)
    got = row(events, config, "groningen", at("2026-04-28T15:00:01+02:00"), "terugbellen_1_werkdag")
    assert (got.n, got.hits, got.pending) == (1, 0, 0)


def test_an_open_callback_before_its_deadline_is_pending(config):
    events = _callback("open", FRIDAY)
    at_deadline = at("2026-04-28T15:00:00+02:00")   # it can still be completed in time
    got = row(events, config, "groningen", at_deadline, "terugbellen_1_werkdag")
    assert (got.n, got.hits, got.pending) == (0, 0, 1)
    assert got.value("ratio") is None
    later = row(events + _callback("open", FRIDAY, completed="2026-04-28T14:00:00+02:00")[1:], config,
                "groningen", at("2026-05-01T00:00:00+02:00"), "terugbellen_1_werkdag")
    assert (later.n, later.hits, later.pending) == (1, 1, 0)


def test_a_cancelled_callback_leaves_the_indicator(config):
    events = (_callback("gone", FRIDAY, cancelled="2026-04-24T16:00:00+02:00")
              + _callback("kept", FRIDAY, completed="2026-04-24T16:00:00+02:00"))
    got = row(events, config, "groningen", at("2026-05-15T00:00:00+02:00"), "terugbellen_1_werkdag")
    assert (got.n, got.hits, got.pending) == (1, 1, 0)


def test_callback_rows_per_department_with_unknown_departments_as_other(config):
    events = (_callback("a", FRIDAY, completed="2026-04-24T16:00:00+02:00")
              + _callback("b", FRIDAY, completed="2026-04-24T16:00:00+02:00", department="geheim"))
    as_of = at("2026-05-15T00:00:00+02:00")
    assert row(events, config, "groningen", as_of, "terugbellen_1_werkdag", department="stadstoezicht").n == 1
    assert row(events, config, "groningen", as_of, "terugbellen_1_werkdag", department="other").n == 1

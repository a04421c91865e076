"""Counter indicators: waiting time at the counter (minutes) and the share served within the norm."""

from __future__ import annotations

import itertools

from tests.events import event
from tests.monitor.reportkit import at, row, rows

AS_OF = at("2026-05-01T00:00:00+02:00")


def _visit(visit_id: str, checked_in: str, called: str | None = None, *, appointment_at: str | None = None,
           location: str = "kreupelstraat", no_show: str | None = None, municipality: str = "groningen") -> list:
    visit_type = "appointment" if appointment_at else "walk_in"
    common = {"visit_id": visit_id, "location": location, "municipality": municipality}
    extra = {"appointment_at": appointment_at} if appointment_at else {}
    events = [event("visit.checked_in", checked_in, visit_type=visit_type, **extra, **common)]
    if called:
        events.append(event("visit.called", called, visit_type=visit_type, **common))
    if no_show:
        events.append(event("visit.no_show", no_show, **common))
    return events


def test_an_appointment_visitor_arriving_early_waits_from_the_appointment_time(config):
    events = _visit("b1", "2026-04-07T13:58:00+02:00", "2026-04-07T14:04:30+02:00",
                    appointment_at="2026-04-07T14:00:00+02:00")
    got = row(events, config, "groningen", AS_OF, "wachttijd_balie", visit_type="appointment")
    assert (got.n, got.sum) == (1, 270_000)
    assert got.value("minutes") == 4.5


def test_waiting_time_is_the_mean_over_visits_and_never_below_zero(config):
    events = (_visit("b1", "2026-04-07T13:58:00+02:00", "2026-04-07T14:04:30+02:00",
                     appointment_at="2026-04-07T14:00:00+02:00")               # 4.5 min
              + _visit("b2", "2026-04-07T14:10:00+02:00", "2026-04-07T14:12:00+02:00",
                       appointment_at="2026-04-07T14:00:00+02:00")             # late: 2 min from arrival
              + _visit("b3", "2026-04-07T13:50:00+02:00", "2026-04-07T13:55:00+02:00",
                       appointment_at="2026-04-07T14:00:00+02:00")             # called early: 0
              + _visit("w1", "2026-04-07T10:00:00+02:00", "2026-04-07T10:15:00+02:00"))  # walk-in 15 min
    got = row(events, config, "groningen", AS_OF, "wachttijd_balie")
    assert (got.n, got.sum, got.pending) == (4, (270 + 120 + 0 + 900) * 1000, 0)
    assert got.value("minutes") == 21.5 / 4


def test_no_shows_leave_and_visitors_not_yet_called_are_pending(config):
    events = (_visit("w1", "2026-04-07T10:00:00+02:00", "2026-04-07T10:06:00+02:00")
              + _visit("w2", "2026-04-07T10:00:00+02:00")                                    # waiting
              + _visit("a1", "2026-04-07T13:55:00+02:00", appointment_at="2026-04-07T14:00:00+02:00",
                       no_show="2026-04-07T14:15:00+02:00")
              + [event("visit.no_show", "2026-04-07T15:15:00+02:00", visit_id="a2", location="haren")])
    got = row(events, config, "groningen", AS_OF, "wachttijd_balie")
    assert (got.n, got.sum, got.pending) == (1, 360_000, 1)
    within = row(events, config, "groningen", AS_OF, "balie_binnen_norm")
    assert (within.n, within.hits, within.pending) == (1, 1, 1)


def test_within_norm_uses_the_threshold_of_the_visit_type_inclusive(config):
    # Groningen: appointment 5 min, walk-in 15 min.
    appointment = "2026-04-07T14:00:00+02:00"
    events = (_visit("a1", "2026-04-07T13:59:00+02:00", "2026-04-07T14:05:00+02:00", appointment_at=appointment)
              + _visit("a2", "2026-04-07T13:59:00+02:00", "2026-04-07T14:05:01+02:00", appointment_at=appointment)
              + _visit("w1", "2026-04-07T10:00:00+02:00", "2026-04-07T10:15:00+02:00")
              + _visit("w2", "2026-04-07T10:00:00+02:00", "2026-04-07T10:15:01+02:00"))
    a = row(events, config, "groningen", AS_OF, "balie_binnen_norm", visit_type="appointment")
    w = row(events, config, "groningen", AS_OF, "balie_binnen_norm", visit_type="walk_in")
    assert (a.n, a.hits, w.n, w.hits) == (2, 1, 2, 1)
    both = row(events, config, "groningen", AS_OF, "balie_binnen_norm", visit_type="walk_in", location="kreupelstraat")
    assert (both.n, both.hits) == (2, 1)


def test_a_called_event_arriving_before_its_check_in_gives_the_same_rows(config):
    events = _visit("b1", "2026-04-07T13:58:00+02:00", "2026-04-07T14:04:30+02:00",
                    appointment_at="2026-04-07T14:00:00+02:00") + _visit("w2", "2026-04-07T10:00:00+02:00")
    expected = rows(events, config, "groningen", AS_OF)
    for order in itertools.permutations(events):
        assert rows(list(order), config, "groningen", AS_OF) == expected


def test_unconfigured_locations_are_reported_as_other(config):
    events = _visit("w1", "2026-04-07T10:00:00+02:00", "2026-04-07T10:01:00+02:00", location="elsewhere")
    assert row(events, config, "groningen", AS_OF, "wachttijd_balie", location="other").n == 1

"""Phone indicators of calls: reachability, service level, waiting time, resolved by the KCC."""

from __future__ import annotations

import itertools
import random

import pytest

from monitor.indicators import contributions, is_final
from monitor.records import fold
from tests.events import call
from tests.monitor.reportkit import at, row, rows

AS_OF = at("2026-05-01T00:00:00+02:00")
T = "2026-04-07T09:00:00+02:00"


def _t(seconds: int) -> str:
    return f"2026-04-07T09:{seconds // 60:02d}:{seconds % 60:02d}+02:00"


def test_short_abandons_leave_the_denominator_and_unanswered_calls_are_pending(config):
    events = (call("k1", T, answered=(_t(40), 40))
              + call("k2", T, abandoned=(_t(4), 4.999))      # short: leaves
              + call("k3", T, abandoned=(_t(5), 5))          # exactly 5 s is not short: a miss
              + call("k4", T))                               # neither answered nor abandoned yet
    got = row(events, config, "groningen", AS_OF, "bereikbaarheid")
    assert (got.n, got.hits, got.pending) == (2, 1, 1)
    assert got.value("ratio") == 0.5


def test_service_level_counts_answers_within_the_threshold_inclusive(config):
    events = (call("k1", T, answered=(_t(30), 30))
              + call("k2", T, answered=(_t(31), 30.001))
              + call("k3", T, answered=(_t(5), 5))
              + call("k4", T, abandoned=(_t(50), 50)))
    got = row(events, config, "groningen", AS_OF, "servicelevel")
    assert (got.n, got.hits, got.pending) == (4, 2, 0)


def test_phone_waiting_time_is_the_mean_wait_of_answered_calls_in_seconds(config):
    events = (call("k1", T, answered=(_t(40), 40))
              + call("k2", T, answered=(_t(21), 21))
              + call("k3", T, abandoned=(_t(90), 90)))
    got = row(events, config, "groningen", AS_OF, "wachttijd_telefoon")
    assert (got.n, got.sum, got.pending) == (2, 61_000, 0)
    assert got.value("seconds") == 30.5


def test_direct_geholpen_is_resolved_over_all_ended_calls(config):
    events = (call("k1", T, answered=(_t(10), 10), ended=(_t(200), "resolved"))
              + call("k2", T, answered=(_t(10), 10), ended=(_t(200), "resolved"))
              + call("k3", T, answered=(_t(10), 10), ended=(_t(200), "transferred"))
              + call("k4", T, answered=(_t(10), 10))          # still talking: pending
              + call("k5", T, abandoned=(_t(60), 60)))        # never in this indicator
    got = row(events, config, "groningen", AS_OF, "direct_geholpen")
    assert (got.n, got.hits, got.pending) == (3, 2, 1)
    assert got.value("ratio") == pytest.approx(2 / 3)


def test_rows_per_line_per_queue_and_per_combination_with_unknown_queues_as_other(config):
    events = (call("k1", T, answered=(_t(10), 10), queue="algemeen")
              + call("k2", T, answered=(_t(10), 10), queue="belastingen")
              + call("k3", T, abandoned=(_t(60), 60), queue="not-configured"))
    found = rows(events, config, "groningen", AS_OF)
    scopes = {key for (ind, key) in found if ind == "bereikbaarheid"}
    assert scopes == {
        (), (("line", "14050"),),
        (("queue", "algemeen"),), (("queue", "belastingen"),), (("queue", "other"),),
        (("line", "14050"), ("queue", "algemeen")), (("line", "14050"), ("queue", "belastingen")),
        (("line", "14050"), ("queue", "other")),
    }
    assert found[("bereikbaarheid", (("queue", "other"),))].n == 1
    assert found[("bereikbaarheid", ())].n == 3


def test_events_after_as_of_are_not_known_yet(config):
    events = call("k1", T, answered=("2026-04-07T09:00:40+02:00", 40))
    before_answer = at("2026-04-07T09:00:30+02:00")
    got = row(events, config, "groningen", before_answer, "bereikbaarheid")
    assert (got.n, got.pending) == (0, 1)
    assert rows(events, config, "groningen", at("2026-04-07T08:59:59+02:00")) == {}


def test_an_answer_wins_over_an_abandon_of_the_same_call(config):
    events = call("k1", T, answered=(_t(40), 40), abandoned=(_t(41), 41))
    got = row(events, config, "groningen", AS_OF, "bereikbaarheid")
    assert (got.n, got.hits) == (1, 1)


def test_a_call_at_half_past_eleven_utc_on_the_last_day_of_a_month_counts_on_the_next_day(config):
    [offered] = call("k1", "2026-10-31T23:30:00Z")
    days = {c.day.isoformat() for c in contributions(fold(None, offered), config["groningen"], AS_OF.replace(year=2027))}
    assert days == {"2026-11-01"}


def test_phone_rows_are_the_same_for_every_arrival_order(config):
    events = (call("k1", T, answered=(_t(40), 40), ended=(_t(200), "resolved"))
              + call("k2", T, abandoned=(_t(3), 3))
              + call("k1", T, answered=(_t(40), 40))[1:]   # duplicate answer, new event id
              + call("k3", T, answered=(_t(20), 20)))
    expected = rows(events, config, "groningen", AS_OF)
    for order in itertools.islice(itertools.permutations(events), 0, 5040, 7):
        assert rows(list(order), config, "groningen", AS_OF) == expected
    rng = random.Random(3)
    for _ in range(50):
        shuffled = events + events[:3]
        rng.shuffle(shuffled)
        assert rows(shuffled, config, "groningen", AS_OF) == expected


def test_a_call_is_final_once_answered_and_ended_or_abandoned(config):
    m = config["groningen"]
    open_call = fold(None, call("k1", T)[0])
    assert not is_final(open_call, m, AS_OF)
    talking = call("k2", T, answered=(_t(10), 10))
    record = fold(fold(None, talking[0]), talking[1])
    assert not is_final(record, m, AS_OF)
    done = call("k3", T, answered=(_t(10), 10), ended=(_t(100), "resolved"))
    record = None
    for e in done:
        record = fold(record, e)
    assert is_final(record, m, AS_OF)
    assert not is_final(record, m, at("2026-04-07T09:00:50+02:00"))

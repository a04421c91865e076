"""Live metrics as facts of records (monitor/live.py): every family's rules, boundaries, duplicates,
order independence and the configured series; the "now" gauges where a fact and a gauge change together."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

import pytest

from monitor import metricspec as ms
from monitor.config import Config
from monitor.gauges import has_deadline, open_gauges
from monitor.live import apply, configured_label_sets, duplicate, facts, join, settle
from monitor.instants import to_us
from tests.monitor.itemkit import CB, LATER, T0, call, callback, ev, letter, record_of, visit

def names(result: Counter) -> Counter:
    """{(metric name, labels): count} with observations' values kept: easier to compare."""
    return Counter({(spec.name, labels, op, value): n for (spec, labels, op, value), n in result.items()})


PHONE = ("groningen", "14050", "algemeen")


# ------------------------------------------------------------------ calls

def test_offered_call_is_offered_and_a_phone_contact(config: Config) -> None:
    result = names(facts(record_of(call("call.offered")), config["groningen"], LATER))
    assert result == Counter({("kcc_calls_offered", PHONE, "inc", 1.0): 1,
                              ("kcc_contacts", ("groningen", "phone"), "inc", 1.0): 1})


@pytest.mark.parametrize("wait, within", [(30, True), (30.001, False), (0, True)])
def test_answered_call_observes_its_wait_and_service_level_boundary_is_included(config, wait, within) -> None:
    result = names(facts(record_of(call("call.offered"), call("call.answered", 1, wait_seconds=wait)),
                         config["groningen"], LATER))
    assert result[("kcc_calls_answered", PHONE, "inc", 1.0)] == 1
    assert result[("kcc_call_wait_seconds", PHONE, "observe", float(wait))] == 1
    assert result[("kcc_calls_answered_within_service_level", PHONE, "inc", 1.0)] == (1 if within else 0)


@pytest.mark.parametrize("wait, short", [(4.999, True), (5, False), (60, False)])
def test_abandon_shorter_than_the_threshold_is_short(config, wait, short) -> None:
    result = names(facts(record_of(call("call.offered"), call("call.abandoned", 1, wait_seconds=wait)),
                         config["groningen"], LATER))
    assert result[("kcc_calls_abandoned", PHONE, "inc", 1.0)] == 1
    assert result[("kcc_calls_short_abandoned", PHONE, "inc", 1.0)] == (1 if short else 0)
    assert not any(key[0] == "kcc_calls_answered" for key in result)


def test_ended_call_counts_by_outcome_and_unknown_queue_is_other(config) -> None:
    events = [ev("call.offered", call_id="k9", line="14050", queue="geheim"),
              ev("call.answered", 1, call_id="k9", line="14050", queue="geheim", wait_seconds=3),
              ev("call.ended", 3, call_id="k9", line="14050", queue="geheim", talk_seconds=60, outcome="transferred")]
    result = names(facts(record_of(*events), config["groningen"], LATER))
    assert result[("kcc_calls_ended", ("groningen", "14050", "other", "transferred"), "inc", 1.0)] == 1


def test_partner_without_its_originating_event_has_no_facts_until_it_arrives(config) -> None:
    m = config["groningen"]
    lonely = apply(None, Counter(), call("call.answered", 1, wait_seconds=12), m, LATER)
    assert facts(lonely.record, m, LATER) == Counter()
    assert names(lonely.delta) == Counter({("kcc_events", ("groningen", "call.answered"), "inc", 1.0): 1})
    joined = apply(lonely.record, lonely.counted, call("call.offered"), m, LATER)
    assert joined.duplicate is None and joined.writes_record
    assert names(joined.delta)[("kcc_calls_answered", PHONE, "inc", 1.0)] == 1
    assert names(joined.delta)[("kcc_calls_offered", PHONE, "inc", 1.0)] == 1


@pytest.mark.parametrize("redelivered, cause", [(False, "source"), (True, "redelivery")])
def test_duplicate_event_adds_only_a_duplicate_with_its_cause(config, redelivered, cause) -> None:
    m = config["groningen"]
    first = apply(None, Counter(), call("call.offered"), m, LATER)
    second = apply(first.record, first.counted, call("call.answered", 1, wait_seconds=12), m, LATER)
    again = apply(second.record, second.counted, call("call.answered", 1, wait_seconds=12), m, LATER,
                  redelivered=redelivered)
    assert again.duplicate == cause and not again.writes_record and again.gauges == []
    assert names(again.delta) == Counter(
        {("kcc_events_duplicate", ("groningen", "call.answered", cause), "inc", 1.0): 1})


def test_event_of_a_compacted_item_is_a_compacted_duplicate(config) -> None:
    change = duplicate(call("call.offered"), config["groningen"], "compacted")
    assert change.record is None and not change.writes_record
    assert names(change.delta) == Counter(
        {("kcc_events_duplicate", ("groningen", "call.offered", "compacted"), "inc", 1.0): 1})


def test_visit_completed_is_an_event_never_a_duplicate(config) -> None:
    m = config["groningen"]
    checked_in = apply(None, Counter(), visit("visit.checked_in"), m, LATER)
    for _ in range(2):
        completed = apply(checked_in.record, checked_in.counted, visit("visit.completed", 5), m, LATER)
        assert completed.duplicate is None
        assert names(completed.delta) == Counter({("kcc_events", ("groningen", "visit.completed"), "inc", 1.0): 1})


# ------------------------------------------------------------------ callbacks

def test_callback_completed_at_the_deadline_is_in_time_for_both_terms(config) -> None:
    record = record_of(callback("callback.requested"), callback("callback.completed", 24 * 60))  # Wed 10:00
    result = names(facts(record, config["groningen"], LATER))
    assert result[("kcc_callbacks_requested", CB, "inc", 1.0)] == 1
    assert result[("kcc_callbacks_completed", CB, "inc", 1.0)] == 1
    assert result[("kcc_callbacks_completed_in_time", CB + ("1",), "inc", 1.0)] == 1
    assert result[("kcc_callbacks_completed_in_time", CB + ("2",), "inc", 1.0)] == 1
    assert not any(key[0] == "kcc_callbacks_missed_deadline" for key in result)


def test_callback_one_minute_late_misses_one_working_day_but_not_two(config) -> None:
    record = record_of(callback("callback.requested"), callback("callback.completed", 24 * 60 + 1))
    result = names(facts(record, config["groningen"], LATER))
    assert result[("kcc_callbacks_missed_deadline", CB + ("1",), "inc", 1.0)] == 1
    assert result[("kcc_callbacks_completed_in_time", CB + ("2",), "inc", 1.0)] == 1


def test_open_callback_misses_its_deadline_only_when_it_passes(config) -> None:
    m = config["groningen"]
    record = record_of(callback("callback.requested"))
    deadline_1 = to_us(T0 + timedelta(days=1))
    assert has_deadline(record)
    at_deadline = names(facts(record, m, deadline_1))
    assert not any(key[0] == "kcc_callbacks_missed_deadline" for key in at_deadline)
    just_after = facts(record, m, deadline_1 + 1) - facts(record, m, deadline_1)
    assert names(just_after) == Counter({("kcc_callbacks_missed_deadline", CB + ("1",), "inc", 1.0): 1})
    assert open_gauges(record, m, deadline_1 + 1) == [(ms.CALLBACKS_OPEN, CB, 1.0),
                                                      (ms.CALLBACKS_OPEN_PAST_DEADLINE, CB + ("1",), 1.0)]
    assert open_gauges(record, m, deadline_1) == [(ms.CALLBACKS_OPEN, CB, 1.0)]


def test_cancelled_callback_is_counted_and_decides_nothing(config) -> None:
    record = record_of(callback("callback.requested"), callback("callback.cancelled", 60))
    result = names(facts(record, config["groningen"], LATER))
    assert result[("kcc_callbacks_cancelled", CB, "inc", 1.0)] == 1
    assert not any(key[0] in ("kcc_callbacks_missed_deadline", "kcc_callbacks_completed_in_time") for key in result)
    assert not has_deadline(record)


# ------------------------------------------------------------------ visits

def test_walk_in_visit_wait_and_norm_boundary(config) -> None:
    m = config["groningen"]  # walk-in threshold 15 min
    within = record_of(visit("visit.checked_in", visit_type="walk_in"), visit("visit.called", 15))
    result = names(facts(within, m, LATER))
    labels = ("groningen", "haren", "walk_in")
    assert result[("kcc_visits_checked_in", labels, "inc", 1.0)] == 1
    assert result[("kcc_contacts", ("groningen", "counter"), "inc", 1.0)] == 1
    assert result[("kcc_visit_wait_seconds", labels, "observe", 900.0)] == 1
    assert result[("kcc_visits_within_norm", labels, "inc", 1.0)] == 1
    late = names(facts(record_of(visit("visit.checked_in", visit_type="walk_in"), visit("visit.called", 15.01)), m,
                       LATER))
    assert late[("kcc_visits_within_norm", labels, "inc", 1.0)] == 0


def test_appointment_visitor_early_waits_from_the_appointment(config) -> None:
    appointment = (T0 + timedelta(minutes=10)).isoformat()
    record = record_of(visit("visit.checked_in", visit_type="appointment", appointment_at=appointment),
                       visit("visit.called", 13, visit_type="appointment"))
    result = names(facts(record, config["groningen"], LATER))
    assert result[("kcc_visit_wait_seconds", ("groningen", "haren", "appointment"), "observe", 180.0)] == 1


def test_called_before_checked_in_joins_when_the_check_in_arrives(config) -> None:
    m = config["groningen"]
    called_first = record_of(visit("visit.called", 4))
    assert facts(called_first, m, LATER) == Counter()
    joined = record_of(visit("visit.called", 4), visit("visit.checked_in", visit_type="walk_in"))
    result = names(facts(joined, m, LATER) - facts(called_first, m, LATER))
    assert result[("kcc_visit_wait_seconds", ("groningen", "haren", "walk_in"), "observe", 240.0)] == 1


def test_no_show_counts_per_location_and_has_no_wait(config) -> None:
    record = record_of(visit("visit.checked_in", visit_type="appointment"), visit("visit.no_show", 30))
    result = names(facts(record, config["groningen"], LATER))
    assert result[("kcc_visits_no_show", ("groningen", "haren"), "inc", 1.0)] == 1
    assert not any(key[0] == "kcc_visit_wait_seconds" for key in result)


# ------------------------------------------------------------------ surveys, letters, digital

@pytest.mark.parametrize("score, positive", [(6, True), (5.9, False)])
def test_survey_score_and_positive_boundary(config, score, positive) -> None:
    record = record_of(ev("survey.answered", survey_id="s1", channel="counter", location="haren", score=score))
    result = names(facts(record, config["groningen"], LATER))
    labels = ("groningen", "counter", "haren")
    assert result[("kcc_survey_score", labels, "observe", float(score))] == 1
    assert result[("kcc_surveys_positive", labels, "inc", 1.0)] == (1 if positive else 0)


def test_survey_without_location_has_an_empty_location_label(config) -> None:
    record = record_of(ev("survey.answered", survey_id="s2", channel="website", score=8))
    assert names(facts(record, config["groningen"], LATER))[
        ("kcc_survey_score", ("groningen", "website", ""), "observe", 8.0)] == 1


def test_letter_answered_by_due_is_in_time_later_is_missed(config) -> None:
    m = config["groningen"]
    due = (T0 + timedelta(days=3)).isoformat()
    labels = ("groningen", "post", "afval")
    in_time = names(facts(record_of(letter("letter.received", due_at=due), letter("letter.answered", 3 * 24 * 60)),
                          m, LATER))
    assert in_time[("kcc_letters_received", labels, "inc", 1.0)] == 1
    assert in_time[("kcc_contacts", ("groningen", "post"), "inc", 1.0)] == 1
    assert in_time[("kcc_letters_answered", labels, "inc", 1.0)] == 1
    assert in_time[("kcc_letters_answered_in_time", labels, "inc", 1.0)] == 1
    late = names(facts(record_of(letter("letter.received", due_at=due), letter("letter.answered", 3 * 24 * 60 + 1)),
                       m, LATER))
    assert late[("kcc_letters_missed_due", labels, "inc", 1.0)] == 1
    assert late[("kcc_letters_answered_in_time", labels, "inc", 1.0)] == 0


def test_open_letter_past_due_is_missed_once_and_a_gauge(config) -> None:
    m = config["groningen"]
    due = T0 + timedelta(days=3)
    record = record_of(letter("letter.received", due_at=due.isoformat()))
    labels = ("groningen", "post", "afval")
    assert open_gauges(record, m, to_us(due)) == []
    assert open_gauges(record, m, to_us(due) + 1) == [(ms.LETTERS_OPEN_PAST_DUE, labels, 1.0)]
    once = facts(record, m, to_us(due) + 1) - facts(record, m, to_us(due))
    assert names(once) == Counter({("kcc_letters_missed_due", labels, "inc", 1.0): 1})
    assert facts(record, m, LATER) - facts(record, m, to_us(due) + 1) == Counter()


def test_digital_transaction_counts_by_product_and_as_a_digital_contact(config) -> None:
    record = record_of(ev("digital.completed", transaction_id="d1", product="rijbewijs"))
    assert names(facts(record, config["groningen"], LATER)) == Counter({
        ("kcc_digital_completed", ("groningen", "rijbewijs"), "inc", 1.0): 1,
        ("kcc_contacts", ("groningen", "digital"), "inc", 1.0): 1})


# ------------------------------------------------------------------ per event, gauges, series

def test_event_counts_once_with_its_facts_and_sets_the_last_event_gauge(config) -> None:
    m = config["groningen"]
    change = apply(None, Counter(), call("call.offered"), m, 1_234_500_000)
    assert names(change.delta) == Counter({("kcc_events", ("groningen", "call.offered"), "inc", 1.0): 1,
                                           ("kcc_calls_offered", PHONE, "inc", 1.0): 1,
                                           ("kcc_contacts", ("groningen", "phone"), "inc", 1.0): 1})
    assert change.counted == facts(change.record, m, 1_234_500_000)
    assert change.gauges == [(ms.LAST_EVENT, ("groningen", "call"), 1234.5)]


def test_queue_snapshot_sets_queue_gauges_with_bounded_labels(config) -> None:
    m = config["groningen"]
    snapshot = ev("queue.snapshot", channel="counter", queue="haren", waiting=3, longest_wait_seconds=120,
                  agents_available=2)
    change = apply(None, Counter(), snapshot, m, 1_000_000)
    assert change.record is None and not change.writes_record
    assert names(change.delta) == Counter({("kcc_events", ("groningen", "queue.snapshot"), "inc", 1.0): 1})
    assert change.gauges[1:] == [
        (ms.QUEUE_WAITING, ("groningen", "counter", "haren"), 3.0),
        (ms.QUEUE_LONGEST_WAIT, ("groningen", "counter", "haren"), 120.0),
        (ms.QUEUE_AGENTS_AVAILABLE, ("groningen", "counter", "haren"), 2.0)]
    phone = ev("queue.snapshot", channel="phone", queue="geheim", waiting=0, longest_wait_seconds=0)
    assert apply(None, Counter(), phone, m, 1_000_000).gauges[1][1] == ("groningen", "phone", "other")


def test_configured_series_cover_bounded_label_sets_without_other(config) -> None:
    sets = configured_label_sets(config)
    assert len(sets) == len(set(sets)) < 2000
    assert (ms.CALLS_OFFERED, ("groningen", "14050", "afval")) in sets
    assert (ms.VISITS_CHECKED_IN, ("groningen", "haren", "walk_in")) in sets
    assert (ms.CALLBACKS_MISSED_DEADLINE, ("groningen", "afval", "2")) in sets
    assert not any("other" in labels[1:] and spec is not ms.CALLS_ENDED for spec, labels in sets)
    for spec, labels in sets:
        assert len(labels) == len(spec.labels), spec.name


# ------------------------------------------------------------------ order independence

def _all_family_events() -> list[object]:
    due = (T0 + timedelta(days=3)).isoformat()
    return [
        call("call.offered"), call("call.answered", 1, wait_seconds=22), call("call.ended", 4, talk_seconds=120,
                                                                            outcome="resolved"),
        callback("callback.requested"), callback("callback.completed", 30 * 60),
        visit("visit.checked_in", visit_type="walk_in"), visit("visit.called", 12), visit("visit.completed", 20),
        letter("letter.received", due_at=due), letter("letter.answered", 24 * 60),
    ]


def test_summed_deltas_are_the_same_in_every_order_and_with_duplicates(config) -> None:
    """Live, each event is processed about when it happens (now = its ts): any order of arrival and any
    duplicates give the same counters. (A replay long after the deadlines is the documented exception:
    an open letter is missed at once, and its later answer cannot take that back.)"""
    m = config["groningen"]
    events = _all_family_events()
    expected = None
    for order in itertools.islice(itertools.permutations(events + events[:3]), 0, 4000, 97):
        records: dict = {}
        total: Counter = Counter()
        for event in order:
            key = (event.type.split(".")[0], event.item_id)
            record, counted = records.get(key, (None, Counter()))
            change = apply(record, counted, event, m, to_us(event.ts))
            total += Counter({fact: n for fact, n in change.delta.items()
                              if fact[0] not in (ms.EVENTS, ms.EVENTS_DUPLICATE)})
            records[key] = (change.record, change.counted)
        if expected is None:
            expected = total
            assert sum(total.values()) > 15
        assert total == expected


def test_a_batch_settled_once_counts_what_its_events_one_by_one_count(config) -> None:
    """A worker joins a batch's events and settles each changed record once: the same counters as applying
    every event on its own (the events' own ``kcc_events`` apart, which the arrival counts)."""
    m = config["groningen"]
    events = _all_family_events()
    now = max(to_us(event.ts) for event in events)
    one_by_one: Counter = Counter()
    records: dict = {}
    for event in events + events[:3]:
        key = (event.type.split(".")[0], event.item_id)
        record, counted = records.get(key, (None, None))
        change = apply(record, counted, event, m, now)
        one_by_one += Counter({fact: n for fact, n in change.delta.items()
                               if fact[0] not in (ms.EVENTS, ms.EVENTS_DUPLICATE)})
        records[key] = (change.record, change.counted)
    joined: dict = {}
    for event in events + events[:3]:
        key = (event.type.split(".")[0], event.item_id)
        joined[key], _ = join(joined.get(key), event)
    settled: Counter = Counter()
    for record in joined.values():
        delta, counted = settle(record, None, m, now)
        settled += delta
        assert counted == delta
    assert settled == one_by_one and sum(settled.values()) > 15


# ------------------------------------------------------------------ reused label sets

def test_facts_of_another_configuration_of_the_same_municipality_use_its_labels(config) -> None:
    groningen = config["groningen"]
    without_queue = groningen.model_copy(update={"queues": [q for q in groningen.queues if q != "algemeen"]})
    record = record_of(call("call.offered"), call("call.answered", 1, wait_seconds=22))
    offered = lambda m: {labels for spec, labels, _, _ in facts(record, m, LATER) if spec is ms.CALLS_OFFERED}  # noqa: E731
    assert offered(groningen) == {PHONE}
    assert offered(without_queue) == {("groningen", "14050", "other")}
    assert offered(groningen) == {PHONE}


def test_reused_label_sets_are_bounded_and_facts_stay_the_same(config, monkeypatch) -> None:
    import monitor.labelsets

    m = config["groningen"]
    records = [record_of(ev("call.offered", i, call_id=f"k{i}", line="14050", queue=f"q{i}"),
                         ev("call.answered", i + 1, call_id=f"k{i}", line="14050", queue=f"q{i}", wait_seconds=5))
               for i in range(12)]
    expected = [names(facts(r, m, LATER)) for r in records]
    monkeypatch.setattr(monitor.labelsets, "LABEL_SETS_KEPT", 4)
    monitor.labelsets._KEPT.clear()
    for _ in range(2):
        assert [names(facts(r, m, LATER)) for r in records] == expected
        known = monitor.labelsets.label_sets(m)
        assert len(known.items) <= 4 and len(known.decisions) <= 4

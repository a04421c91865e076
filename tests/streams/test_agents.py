"""``streams.agents.process`` with an injected clock, on an assembled worker without a broker: what one event
does to the metrics and the ``records`` table."""

from __future__ import annotations

from streams.agents import process
from tests.streams.unitkit import KEY, NOW, PHONE, call, event, metric_value as value


def test_first_event_counts_its_facts_and_stores_the_record_with_the_message_id(unit_worker) -> None:
    worker = unit_worker()
    change = process(worker, call("call.offered"), 2, now=NOW, message="s7")
    assert change.duplicate is None
    assert value(worker, "kcc_calls_offered_total", **PHONE) == 1
    assert value(worker, "kcc_events_total", municipality="groningen", type="call.offered") == 1
    assert value(worker, "kcc_last_event_timestamp_seconds", municipality="groningen", family="call") == NOW
    entry = worker.cache.get(KEY)
    assert (entry.partition, entry.updated, entry.folded) == (2, NOW, ["s7"])
    assert worker.cache.flush() == 1


def test_same_message_again_is_a_redelivery_another_message_with_the_same_event_a_source_duplicate(
        unit_worker) -> None:
    worker = unit_worker()
    offered = call("call.offered")
    process(worker, offered, 0, now=NOW, message="s1")
    assert process(worker, offered, 0, now=NOW + 1, message="s1").duplicate == "redelivery"
    assert process(worker, offered, 0, now=NOW + 2, message="r9").duplicate == "source"
    dup = {"municipality": "groningen", "type": "call.offered"}
    assert value(worker, "kcc_events_duplicate_total", **dup, cause="redelivery") == 1
    assert value(worker, "kcc_events_duplicate_total", **dup, cause="source") == 1
    assert value(worker, "kcc_calls_offered_total", **PHONE) == 1
    assert worker.cache.get(KEY).updated == NOW  # a duplicate writes nothing


def test_partner_before_its_originating_event_counts_when_the_origin_arrives(unit_worker) -> None:
    worker = unit_worker()
    process(worker, call("call.answered", 1, wait_seconds=12), 0, now=NOW, message="s1")
    assert value(worker, "kcc_calls_answered_total", **PHONE) == 0
    process(worker, call("call.offered"), 0, now=NOW, message="s2")
    assert value(worker, "kcc_calls_answered_total", **PHONE) == 1
    assert value(worker, "kcc_call_wait_seconds_sum", **PHONE) == 12
    assert worker.cache.get(KEY).folded == ["s1", "s2"]


def test_queue_snapshot_sets_gauges_and_stores_no_record(unit_worker) -> None:
    worker = unit_worker()
    snapshot = event("queue.snapshot", channel="phone", queue="afval", waiting=4, longest_wait_seconds=90)
    process(worker, snapshot, 1, now=NOW)
    assert value(worker, "kcc_queue_waiting", municipality="groningen", channel="phone", queue="afval") == 4
    assert worker.cache.flush() == 0 and not worker.cache.entries

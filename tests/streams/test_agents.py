"""``streams.agents.fold``, ``settle`` and ``process`` (the two for one event) with an injected clock, on an
assembled worker without a broker: what events do to the metrics and the ``records`` table."""

from __future__ import annotations

from streams.agents import fold, process, settle
from tests.streams.unitkit import KEY, NOW, PHONE, call, event, metric_value as value


def test_first_event_counts_its_facts_and_stores_the_record_with_the_message_id(unit_worker) -> None:
    worker = unit_worker()
    assert process(worker, call("call.offered"), 2, now=NOW, message="s7") is None
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
    assert process(worker, offered, 0, now=NOW + 1, message="s1") == "redelivery"
    assert process(worker, offered, 0, now=NOW + 2, message="r9") == "source"
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


def test_a_batch_counts_a_records_facts_once_when_settled_and_stores_every_message_id(unit_worker) -> None:
    worker = unit_worker()
    history = [call("call.offered"), call("call.answered", 1, wait_seconds=12),
               call("call.ended", 5, talk_seconds=240, outcome="resolved")]
    for offset, e in enumerate(history):
        assert fold(worker, e, 0, NOW, f"s{offset}") is None
    assert fold(worker, history[1], 0, NOW, "s1") == "redelivery"  # the same message again, in the same batch
    assert fold(worker, history[1], 0, NOW, "r5") == "source"
    assert value(worker, "kcc_calls_answered_total", **PHONE) == 0 and worker.cache.get(KEY) is None
    assert value(worker, "kcc_events_total", municipality="groningen", type="call.answered") == 1
    settle(worker, NOW)
    assert value(worker, "kcc_calls_offered_total", **PHONE) == 1
    assert value(worker, "kcc_calls_answered_total", **PHONE) == 1
    assert value(worker, "kcc_call_wait_seconds_sum", **PHONE) == 12
    assert worker.cache.get(KEY).folded == ["s0", "s1", "s2"] and worker.cache.flush() == 1
    assert not worker.unsettled


def test_a_record_settled_in_an_earlier_batch_adds_only_what_the_next_batch_changed(unit_worker) -> None:
    worker = unit_worker()
    process(worker, call("call.offered"), 0, now=NOW, message="s1")
    fold(worker, call("call.answered", 1, wait_seconds=12), 0, NOW, "s2")
    assert fold(worker, call("call.offered"), 0, NOW, "s1") == "redelivery"  # stored before this batch
    settle(worker, NOW)
    assert value(worker, "kcc_calls_offered_total", **PHONE) == 1
    assert value(worker, "kcc_calls_answered_total", **PHONE) == 1
    assert worker.cache.get(KEY).folded == ["s1", "s2"]

"""``streams.settling``: a backfill's catch-up looks only at the records their source's watermark may have
settled, on an assembled worker without a broker and with an injected clock."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from monitor.records import fold
from streams.agents import process
from streams.compaction import catch_up
from tests.streams.unitkit import BACKFILL_NOW, KEY, T0, call, event, finished_call, push_watermark

MARGIN = 86400


def _letter(worker, letter_id: str, minutes: float, answered_after: float | None = None) -> str:
    fields = {"letter_id": letter_id, "channel": "post", "department": "afval"}
    due = (T0 + timedelta(minutes=minutes, days=10)).isoformat()
    process(worker, event("letter.received", minutes, due_at=due, **fields), 3, now=BACKFILL_NOW,
            message=f"s{letter_id}r")
    if answered_after is not None:
        process(worker, event("letter.answered", minutes + answered_after, **fields), 3, now=BACKFILL_NOW,
                message=f"s{letter_id}a")
    return f"groningen|letter|{letter_id}"


def _catch_up(worker, partitions=frozenset({3})) -> int:
    worker.active_partitions = lambda: set(partitions)  # no broker: the partitions this worker would own
    return catch_up(worker, now=BACKFILL_NOW)


def test_a_catch_up_looks_only_at_the_records_their_sources_watermark_may_have_settled(unit_worker) -> None:
    worker = unit_worker(compaction_margin_event_seconds=MARGIN)
    finished_call(worker, now=BACKFILL_NOW)
    for n in range(1_000):
        push_watermark(worker, 0.5, call_id=f"open{n}")  # half a day later: not settled before 1.5 days
    push_watermark(worker, 1.01)
    assert _catch_up(worker) == 1
    assert worker.settling.looked_at == 1 and worker.cache.get(KEY) is None
    push_watermark(worker, 1.2, call_id="later2")
    assert _catch_up(worker) == 0 and worker.settling.looked_at == 0


def test_a_settled_record_not_final_yet_is_looked_at_again_a_quarter_margin_later(unit_worker) -> None:
    worker = unit_worker(compaction_margin_event_seconds=MARGIN)
    key = _letter(worker, "l1", 0)  # open for weeks: settled in event time after a day, never final
    _letter(worker, "l2", 1.1 * 24 * 60)
    assert _catch_up(worker) == 0 and worker.settling.looked_at == 1
    _letter(worker, "l3", 1.3 * 24 * 60)
    assert _catch_up(worker) == 0 and worker.settling.looked_at == 0  # 0.2 day further: not yet again
    _letter(worker, "l4", 1.4 * 24 * 60)
    assert _catch_up(worker) == 0 and worker.settling.looked_at == 1
    assert worker.cache.get(key) is not None


def test_a_record_changed_by_a_later_event_settles_a_margin_after_that_event(unit_worker) -> None:
    worker = unit_worker(compaction_margin_event_seconds=MARGIN)
    key = _letter(worker, "l1", 0, answered_after=12 * 60)  # answered after half a day: final
    _letter(worker, "l2", 1.1 * 24 * 60)
    assert _catch_up(worker) == 0 and worker.cache.get(key) is not None
    _letter(worker, "l3", 1.6 * 24 * 60)
    assert _catch_up(worker) == 1 and worker.cache.get(key) is None


def test_the_records_of_a_partition_gained_or_recovered_are_looked_at(unit_worker) -> None:
    worker = unit_worker(compaction_margin_event_seconds=MARGIN)
    finished_call(worker, now=BACKFILL_NOW)
    push_watermark(worker, 1.01)
    for partition in (1, 2):
        push_watermark(worker, 0, partition=partition, call_id=f"old{partition}")
        push_watermark(worker, 1.01, partition=partition, call_id=f"new{partition}")
    assert _catch_up(worker) == 1  # partition 3's
    assert _catch_up(worker, {1, 3}) == 0  # the call on partition 1 is not final: looked at, left open
    assert worker.settling.looked_at == 1
    recovered = fold(fold(None, call("call.offered", call_id="r1")), call("call.abandoned", 1, call_id="r1",
                                                                          wait_seconds=40))
    value = {"record": recovered.to_json(), "updated": BACKFILL_NOW, "partition": 1, "folded": []}
    worker.records.apply_changelog_batch([SimpleNamespace(key="groningen|call|r1", value=value,
                                                          message=SimpleNamespace(value=b"{}", partition=1))])
    assert _catch_up(worker, {1, 3}) == 1 and worker.cache.get("groningen|call|r1") is None


def test_a_worker_without_an_event_time_margin_holds_no_record_for_the_catch_up(unit_worker) -> None:
    worker = unit_worker()  # live: compaction by the wall clock only, no catch-up ever
    for n in range(100):
        push_watermark(worker, n / 100, call_id=f"c{n}")
    assert worker.settling.held == 0
    worker = unit_worker(compaction_margin_event_seconds=MARGIN)
    finished_call(worker, now=BACKFILL_NOW)
    push_watermark(worker, 1.01)
    _catch_up(worker)
    push_watermark(worker, 1.02, call_id="later2")
    _catch_up(worker)
    assert worker.settling.held == 2  # the open calls "later" and "later2"; the compacted one forgotten


"""``streams.tables``: ``daily``'s per-partition parts, ``compacted``'s chunks and their recovery."""

from __future__ import annotations

import json
from types import SimpleNamespace

from monitor.indicators import contributions
from monitor.instants import to_us
from monitor.records import fold
from streams.tables import daily_key
from tests.streams.unitkit import T0, call


def test_daily_keeps_each_partitions_part_and_totals_add_them(unit_worker, config) -> None:
    worker = unit_worker()
    m = config["groningen"]
    answered = fold(fold(None, call("call.offered")), call("call.answered", 1, wait_seconds=10))
    items = contributions(answered, m, to_us(T0) + 10**9)
    assert worker.daily.add(0, items, "groningen") == 1
    assert worker.daily.add(2, items, "groningen") == 1
    key = daily_key("groningen", T0.date())
    assert set(worker.daily.parts) == {(0, key), (2, key)}
    one = worker.daily.parts[(0, key)]
    total = worker.daily.total(key)
    assert all(total.cells[cell].n == 2 * one.cells[cell].n for cell in one.cells)


def _replayed(table, writes, into) -> None:
    """Apply the changelog messages ``writes`` queued for ``table`` to the table ``into``, as recovery does."""
    into.apply_changelog_batch([
        SimpleNamespace(key=json.loads(key), value=None if value is None else json.loads(value),
                        message=SimpleNamespace(partition=partition, value=value))
        for topic, partition, key, value, _ in writes.pending if topic == table.changelog_name])


def test_compacted_writes_one_chunk_per_group_and_batch_and_confirms_its_items_once_it_is_durable(
        unit_worker) -> None:
    worker = unit_worker()
    compacted, confirmed = worker.compacted, []
    compacted.on_durable = confirmed.append
    day = 20_000 * 86400.0
    for i in range(3):
        compacted.add(1, f"groningen|call|k{i}", day, int(day * 1_000_000))
    compacted.add(1, "groningen|visit|v1", day, int(day * 1_000_000))
    compacted.add(2, "groningen|call|k9", day, int(day * 1_000_000))
    assert compacted.flush() == 5
    chunks = [(partition, json.loads(value)) for _, partition, _, value, _ in worker.writes.pending]
    assert sorted((p, v["group"][2], sorted(v["items"])) for p, v in chunks) == [
        (1, "call", ["groningen|call|k0", "groningen|call|k1", "groningen|call|k2"]),
        (1, "visit", ["groningen|visit|v1"]), (2, "call", ["groningen|call|k9"])]
    assert not confirmed
    for *_, on_durable in worker.writes.pending:
        on_durable()  # what the broker's acknowledgement calls
    assert sorted(confirmed) == sorted(compacted.days)


def test_a_recovered_compacted_table_holds_the_chunks_keys_until_their_tombstones(unit_worker) -> None:
    worker, recovered = unit_worker(), unit_worker()
    compacted = worker.compacted
    day = 20_000 * 86400.0
    compacted.add(1, "groningen|call|k1", day, int(day * 1_000_000))
    compacted.flush()
    compacted.add(1, "groningen|call|k2", day + 86400, int(day * 1_000_000))
    compacted.flush()
    _replayed(compacted, worker.writes, recovered.compacted)
    assert recovered.compacted.days == compacted.days and len(recovered.compacted.chunks) == 2
    worker.writes.pending.clear()
    assert compacted.expire(1, day + 86400 * 2, 86400, by_event_time=False) == 1  # k1's compaction day ended
    compacted.flush()
    assert [value for *_, value, _ in worker.writes.pending] == [None]  # one tombstone: k1's chunk
    _replayed(compacted, worker.writes, recovered.compacted)
    assert set(recovered.compacted.days) == {"groningen|call|k2"} == set(compacted.days)


def test_compacted_entries_of_single_items_written_before_chunks_are_still_read(unit_worker) -> None:
    compacted = unit_worker().compacted
    old = [("groningen|call|k1", [20_000, 19_999]), ("groningen|call|k2", 20_000),
           ("groningen|call|k3", [20_001, 20_001])]
    compacted.apply_changelog_batch([
        SimpleNamespace(key=key, value=value, message=SimpleNamespace(partition=1, value=b".")) for key, value in old])
    assert set(compacted.days) == {key for key, _ in old}
    compacted.apply_changelog_batch([SimpleNamespace(key="groningen|call|k2", value=None,
                                                     message=SimpleNamespace(partition=1, value=None))])
    assert not compacted.holds("groningen|call|k2")
    assert compacted.expire(1, 20_001 * 86400 + 86400, 86400, by_event_time=False) == 1  # k1's day ended
    assert compacted.holds("groningen|call|k3") and not compacted.holds("groningen|call|k1")

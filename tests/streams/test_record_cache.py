"""``streams.record_cache``: the decoded records beside the ``records`` table, their changelog writes per batch."""

from __future__ import annotations

from collections import Counter

from monitor.live import facts
from monitor.records import fold
from streams.record_cache import FOLDED_KEPT, message_id
from tests.streams.unitkit import T0, call

NOW = T0.timestamp() + 60
KEY = "groningen|call|k1"


def _answered():
    return fold(fold(None, call("call.offered")), call("call.answered", 1, wait_seconds=10))


def test_a_key_written_twice_in_a_batch_is_one_changelog_message(unit_worker) -> None:
    worker = unit_worker()
    record = _answered()
    worker.cache.put(KEY, record, Counter(), 1, NOW)
    worker.cache.put(KEY, record, Counter(), 1, NOW + 1)
    assert worker.cache.flush() == 1
    assert worker.cache.flush() == 0


def test_cached_entry_is_the_one_put_until_the_table_value_is_replaced(unit_worker, config) -> None:
    worker = unit_worker()
    record = _answered()
    put = worker.cache.put(KEY, record, Counter({"counted": 1}), 1, NOW)
    assert worker.cache.get(KEY) is put
    recovered = dict(put.value)  # what a changelog recovery writes: an equal value, another object
    worker.cache._data[KEY] = recovered
    entry = worker.cache.get(KEY)
    assert entry is not put and entry.record.to_json() == record.to_json()
    assert entry.counted == facts(record, config["groningen"], int(NOW * 1_000_000))


def test_only_the_last_message_ids_are_kept(unit_worker) -> None:
    worker = unit_worker()
    record = _answered()
    for offset in range(FOLDED_KEPT + 3):
        worker.cache.put(KEY, record, Counter(), 0, NOW, [message_id(offset % 2 == 1, offset)])
    folded = worker.cache.get(KEY).folded
    assert len(folded) == FOLDED_KEPT and folded[-1] == f"s{FOLDED_KEPT + 2}" and folded[-2] == f"r{FOLDED_KEPT + 1}"


def test_a_put_of_a_batchs_messages_appends_them_all_and_keeps_the_last(unit_worker) -> None:
    worker = unit_worker()
    worker.cache.put(KEY, _answered(), Counter(), 0, NOW, ["s1", "s2"])
    worker.cache.put(KEY, _answered(), Counter(), 0, NOW, [f"s{offset}" for offset in range(3, FOLDED_KEPT + 4)])
    assert worker.cache.get(KEY).folded == [f"s{offset}" for offset in range(4, FOLDED_KEPT + 4)]


def test_delete_removes_the_record_and_a_pending_write(unit_worker) -> None:
    worker = unit_worker()
    worker.cache.put(KEY, _answered(), Counter(), 0, NOW)
    worker.cache.delete(KEY, 0)
    assert worker.cache.get(KEY) is None and worker.cache.flush() == 0


def test_a_deleted_key_written_again_before_the_flush_sends_no_tombstone(unit_worker) -> None:
    worker = unit_worker()
    worker.cache.put(KEY, _answered(), Counter(), 0, NOW)
    worker.cache.delete(KEY, 0)
    worker.cache.delete("groningen|call|never", 0)
    worker.cache.put(KEY, _answered(), Counter(), 0, NOW + 1)
    assert worker.cache.flush() == 1 and worker.cache.flush_deleted() == 0
    worker.cache.delete(KEY, 0)
    assert worker.cache.flush_deleted() == 1 and worker.cache.flush_deleted() == 0


def test_keys_of_lists_owned_partitions_and_forgets_the_others(unit_worker) -> None:
    worker = unit_worker()
    worker.cache.put(KEY, _answered(), Counter(), 0, NOW)
    worker.cache.put("groningen|call|k2", fold(None, call("call.offered", call_id="k2")), Counter(), 1, NOW)
    assert worker.cache.keys_of({1}) == ["groningen|call|k2"]
    assert set(worker.cache.entries) == {"groningen|call|k2"}
    assert worker.cache.get(KEY) is not None  # still in the table (a standby or revoked partition)
    assert worker.cache.keys_of({1}) == ["groningen|call|k2"]
    assert worker.cache.keys_of({0}) == [KEY]  # a rebalance
    assert set(worker.cache.entries) == {KEY}

"""``streams.compaction`` with an injected clock, on an assembled worker without a broker: when a record moves
into ``daily``, what a compacted item's later events do, the order of a batch's writes, and the backfill's
compaction by event time."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from streams.agents import process
from streams.compaction import catch_up, compact, data_moved, flush
from streams.tables import daily_key
from tests.streams.unitkit import (BACKFILL_NOW, KEY, NOW, PHONE, T0, call, event, finished_call,
                                  metric_value as value, push_watermark)


def test_compact_moves_a_final_settled_record_into_daily_and_deletes_it(unit_worker) -> None:
    worker = unit_worker(compaction_after_seconds=60)
    finished_call(worker)
    assert compact(worker, KEY, 3, now=NOW + 60)
    assert worker.cache.get(KEY) is None
    day = worker.daily.total(daily_key("groningen", T0.date()))
    reachability = [cell for (indicator, _, _), cell in day.cells.items() if indicator == "bereikbaarheid"]
    assert sum(cell.n for cell in reachability) >= 1
    assert {p for p, _ in worker.daily.parts} == {3}


def test_compact_refuses_a_recent_an_open_or_another_partitions_record(unit_worker) -> None:
    worker = unit_worker(compaction_after_seconds=60)
    finished_call(worker)
    assert not compact(worker, KEY, 3, now=NOW + 59)  # changed too recently
    assert not compact(worker, KEY, 2, now=NOW + 600)  # the record is in partition 3
    process(worker, call("call.offered", call_id="k2"), 3, now=NOW, message="s3")
    assert not compact(worker, "groningen|call|k2", 3, now=NOW + 600)  # not final: no answer or abandon yet
    assert not compact(worker, "groningen|call|nope", 3, now=NOW + 600)
    assert worker.cache.get(KEY) is not None and not worker.daily.parts


def test_events_of_a_compacted_item_change_nothing_within_the_horizon(unit_worker) -> None:
    worker = unit_worker(compaction_after_seconds=60, redelivery_horizon_seconds=7 * 86400)
    finished_call(worker)
    assert compact(worker, KEY, 3, now=NOW + 60)
    parts = {key: part.to_json() for key, part in worker.daily.parts.items()}
    later = NOW + 6 * 86400
    for message, e in enumerate([call("call.offered"), call("call.abandoned", 1, wait_seconds=40),
                                 call("call.ended", 9, talk_seconds=5, outcome="resolved")]):
        assert process(worker, e, 3, now=later, message=f"s{100 + message}") == "compacted"
    assert value(worker, "kcc_calls_offered_total", **PHONE) == 1
    assert value(worker, "kcc_events_duplicate_total", municipality="groningen", type="call.offered",
                 cause="compacted") == 1
    assert worker.cache.get(KEY) is None
    assert {key: part.to_json() for key, part in worker.daily.parts.items()} == parts


def test_compacted_keys_are_forgotten_after_the_horizon(unit_worker) -> None:
    worker = unit_worker(compaction_after_seconds=0, redelivery_horizon_seconds=2 * 86400)
    finished_call(worker)
    assert compact(worker, KEY, 3, now=NOW)
    assert worker.compacted.holds(KEY)
    compact(worker, "groningen|call|none", 3, now=NOW + 2 * 86400)  # any command of the partition expires
    assert worker.compacted.holds(KEY)  # the day of its compaction has not ended 2 days ago yet
    compact(worker, "groningen|call|none", 0, now=NOW + 4 * 86400)
    assert worker.compacted.holds(KEY)  # another partition's command leaves partition 3 alone
    compact(worker, "groningen|call|none", 3, now=NOW + 4 * 86400)
    assert not worker.compacted.holds(KEY) and not worker.compacted.groups
    assert process(worker, call("call.offered"), 3, now=NOW + 4 * 86400, message="s9") is None


def test_a_record_found_again_although_compacted_is_deleted_without_counting_it_twice(unit_worker) -> None:
    """A crash between the ``compacted`` write and the record's tombstone: the record is recovered."""
    worker = unit_worker(compaction_after_seconds=0)
    record, counted, parts = _compacted_call(worker)
    worker.cache.put(KEY, record, counted, 3, NOW)  # as recovered from the changelog
    assert compact(worker, KEY, 3, now=NOW + 1)
    assert worker.cache.get(KEY) is None
    assert {key: part.to_json() for key, part in worker.daily.parts.items()} == parts


def test_a_record_found_again_before_its_compacted_entry_was_written_is_not_added_to_daily_twice(
        unit_worker) -> None:
    """A crash between the ``daily`` write and the ``compacted`` write: the record and the ``daily`` parts
    naming it are recovered, ``compacted`` is not."""
    worker = unit_worker(compaction_after_seconds=0)
    record, counted, parts = _compacted_call(worker)
    assert all(KEY in items for items in worker.daily.items.values())
    worker.compacted._forget(KEY)  # its write never reached the broker
    worker.cache.put(KEY, record, counted, 3, NOW)
    assert compact(worker, KEY, 3, now=NOW + 1)
    assert worker.cache.get(KEY) is None and worker.compacted.holds(KEY)
    assert {key: part.to_json() for key, part in worker.daily.parts.items()} == parts


def test_a_daily_part_stops_naming_an_item_once_its_compacted_entry_is_durable(unit_worker) -> None:
    worker = unit_worker(compaction_after_seconds=0)
    finished_call(worker)
    assert compact(worker, KEY, 3, now=NOW)
    worker.daily.confirm(KEY)  # what the acknowledgement of the ``compacted`` write calls
    assert worker.daily.items and not any(worker.daily.items.values())


def _changelog(worker) -> Callable[[], list[tuple[str, str, bool]]]:
    """From now on, the changelog writes of the worker's three tables queued for the producer: ``(table, key,
    is a tombstone)`` in the order the agent hands them to it."""
    worker.writes.pending.clear()
    tables = {worker.cache.changelog_name: "records", worker.daily.changelog_name: "daily",
              worker.compacted.changelog_name: "compacted"}

    def written() -> list[tuple[str, str, bool]]:
        return [(tables[topic], json.loads(key), value is None) for topic, _, key, value, _ in worker.writes.pending]
    return written


def test_compacting_many_items_of_one_day_in_a_batch_writes_its_daily_part_once(unit_worker) -> None:
    worker = unit_worker(compaction_after_seconds=0)
    keys = [f"groningen|call|k{i}" for i in range(50)]
    for i in range(50):
        process(worker, call("call.offered", i, call_id=f"k{i}"), 3, now=NOW, message=f"s{2 * i}")
        process(worker, call("call.abandoned", i + 1, call_id=f"k{i}", wait_seconds=40), 3, now=NOW,
                message=f"s{2 * i + 1}")
    flush(worker)
    written = _changelog(worker)
    assert all(compact(worker, key, 3, now=NOW) for key in keys)
    assert not written()  # nothing leaves before the batch's flush
    flush(worker)
    part = daily_key("groningen", T0.date())
    assert [(table, key) for table, key, _ in written() if table == "daily"] == [("daily", part)]
    assert sorted(worker.daily.items[(3, part)]) == sorted(keys)
    cells = worker.daily.total(part).cells.items()
    assert sum(cell.n for (indicator, _, _), cell in cells if indicator == "bereikbaarheid") == 50


def test_a_batchs_compactions_are_written_daily_first_then_compacted_then_the_tombstones(unit_worker) -> None:
    worker = unit_worker(compaction_after_seconds=0)
    finished_call(worker)
    process(worker, call("call.offered", call_id="k2"), 3, now=NOW, message="s3")
    process(worker, call("call.abandoned", 1, call_id="k2", wait_seconds=5), 3, now=NOW, message="s4")
    written = _changelog(worker)
    assert compact(worker, KEY, 3, now=NOW) and compact(worker, "groningen|call|k2", 3, now=NOW)
    flush(worker)
    tables = [table for table, key, _ in written() if not key.startswith("~watermark|")]
    assert tables == ["daily", "compacted", "records", "records"]  # both items of one group in one chunk
    assert [tombstone for table, _, tombstone in written() if table == "records"] == [True, True]


def test_an_orphan_is_dropped_and_counted_once_unchanged_for_the_horizon(unit_worker) -> None:
    worker = unit_worker(compaction_after_seconds=0, redelivery_horizon_seconds=86400)
    no_show = event("visit.no_show", visit_id="v1", location="haren")
    process(worker, no_show, 1, now=NOW, message="s1")
    assert not compact(worker, "groningen|visit|v1", 1, now=NOW + 86399)
    assert compact(worker, "groningen|visit|v1", 1, now=NOW + 86400)
    assert worker.cache.get("groningen|visit|v1") is None and not worker.daily.parts
    assert value(worker, "kcc_orphan_records_dropped_total", municipality="groningen", kind="visit") == 1
    assert not worker.compacted.holds("groningen|visit|v1")  # its originating event, if ever, still counts


def _compacted_call(worker) -> tuple[object, object, dict]:
    """A finished call compacted once: its record and counted facts before, and the ``daily`` parts after."""
    finished_call(worker)
    entry = worker.cache.get(KEY)
    record, counted = entry.record, entry.counted
    assert compact(worker, KEY, 3, now=NOW)
    return record, counted, {key: part.to_json() for key, part in worker.daily.parts.items()}


def test_a_backfilled_final_record_is_compacted_once_its_sources_watermark_is_a_margin_past(unit_worker) -> None:
    worker = unit_worker(compaction_margin_event_seconds=86400)  # the wall clock never settles anything here
    finished_call(worker, now=BACKFILL_NOW)
    push_watermark(worker, 1.0, partition=2)  # another partition's data says nothing about partition 3
    other_family = event("letter.received", 25 * 60, letter_id="l1", channel="post", department="afval",
                         due_at=(T0 + timedelta(days=9)).isoformat())
    process(worker, other_family, 3, now=BACKFILL_NOW, message="s9")
    assert not compact(worker, KEY, 3, now=BACKFILL_NOW)
    push_watermark(worker, 0.99)
    assert not compact(worker, KEY, 3, now=BACKFILL_NOW)
    push_watermark(worker, 1.01, call_id="later2")
    assert compact(worker, KEY, 3, now=BACKFILL_NOW)
    assert worker.cache.get(KEY) is None and worker.compacted.holds(KEY)


def test_a_late_partner_within_the_margin_meets_its_record_and_one_beyond_is_a_compacted_duplicate(
        unit_worker) -> None:
    worker = unit_worker(compaction_margin_event_seconds=86400)
    requested = event("callback.requested", callback_id="cb1", department="afval")
    process(worker, requested, 3, now=BACKFILL_NOW, message="s1")
    completed = event("callback.completed", 60, callback_id="cb1", department="afval")
    process(worker, completed, 3, now=BACKFILL_NOW, message="s2")
    key = "groningen|callback|cb1"
    later = event("callback.requested", 23 * 60, callback_id="cb2", department="afval")
    process(worker, later, 3, now=BACKFILL_NOW, message="s3")
    assert not compact(worker, key, 3, now=BACKFILL_NOW)  # final, but 22 hours of event time only
    cancelled = event("callback.cancelled", 30, callback_id="cb1", department="afval")  # before the completion
    assert process(worker, cancelled, 3, now=BACKFILL_NOW, message="s4") is None
    assert worker.cache.get(key).record.cancelled is not None
    process(worker, event("callback.requested", 26 * 60, callback_id="cb3", department="afval"), 3,
            now=BACKFILL_NOW, message="s5")
    assert compact(worker, key, 3, now=BACKFILL_NOW)
    late = event("callback.cancelled", 10, callback_id="cb1", department="afval")
    assert process(worker, late, 3, now=BACKFILL_NOW, message="s6") == "compacted"


def test_a_letter_answered_weeks_later_in_event_time_meets_its_open_record(unit_worker) -> None:
    worker = unit_worker(compaction_margin_event_seconds=86400)
    letter = {"letter_id": "l1", "channel": "post", "department": "afval"}
    process(worker, event("letter.received", due_at=(T0 + timedelta(days=10)).isoformat(), **letter), 3,
            now=BACKFILL_NOW, message="s1")
    process(worker, event("letter.received", 30 * 24 * 60, letter_id="l2", channel="post", department="afval",
                          due_at=(T0 + timedelta(days=40)).isoformat()), 3, now=BACKFILL_NOW, message="s2")
    assert not compact(worker, "groningen|letter|l1", 3, now=BACKFILL_NOW)  # open: not final
    answered = event("letter.answered", 30 * 24 * 60 + 1, **letter)
    assert process(worker, answered, 3, now=BACKFILL_NOW, message="s3") is None
    assert worker.cache.get("groningen|letter|l1").record.answered is not None


def test_compacted_keys_are_forgotten_in_event_time_and_their_events_still_count_nothing(unit_worker) -> None:
    worker = unit_worker(redelivery_horizon_seconds=2 * 86400, compaction_margin_event_seconds=86400)
    finished_call(worker, now=BACKFILL_NOW)
    push_watermark(worker, 1.01)
    assert compact(worker, KEY, 3, now=BACKFILL_NOW)
    push_watermark(worker, 2.5, call_id="later2")
    compact(worker, "groningen|call|none", 3, now=BACKFILL_NOW)
    assert worker.compacted.holds(KEY)  # its event day has not ended two days before the watermark
    push_watermark(worker, 3.6, call_id="later3")
    compact(worker, "groningen|call|none", 3, now=BACKFILL_NOW)
    assert not worker.compacted.holds(KEY)
    assert ("groningen", "call") in worker.compacted.watermarks.of_partition(3)
    assert worker.compacted._written[(3, "groningen", "call")] == worker.watermarks.get(3, "groningen", "call")
    offered = value(worker, "kcc_calls_offered_total", **PHONE)
    assert process(worker, call("call.offered"), 3, now=BACKFILL_NOW, message="s1") == "compacted"
    assert value(worker, "kcc_calls_offered_total", **PHONE) == offered and worker.cache.get(KEY) is None


def test_an_agent_scans_for_compaction_itself_once_thedata_moved_a_quarter_margin_on_average(unit_worker) -> None:

    worker = unit_worker(compaction_margin_event_seconds=86400)
    push_watermark(worker, 0, call_id="a")
    push_watermark(worker, 0, partition=2, call_id="b")
    push_watermark(worker, 0.4, call_id="c")  # 0.4 day of one source of two: 0.2 on average
    assert not data_moved(worker)
    push_watermark(worker, 0.11, partition=2, call_id="d")
    assert data_moved(worker)


def test_catch_up_compacts_the_settled_records_of_owned_partitions_without_a_command(unit_worker) -> None:

    worker = unit_worker(compaction_margin_event_seconds=86400)
    worker.active_partitions = lambda: {3}  # no broker: the partitions this worker would own
    finished_call(worker, now=BACKFILL_NOW)
    process(worker, call("call.offered", call_id="open"), 3, now=BACKFILL_NOW, message="s3")
    push_watermark(worker, 1.01)
    assert catch_up(worker, now=BACKFILL_NOW) == 1
    assert worker.cache.get(KEY) is None and worker.compacted.holds(KEY)
    assert worker.cache.get("groningen|call|open") is not None  # not final
    assert worker.scanned_progress_us == worker.watermarks.progress_us


def test_without_an_event_time_margin_only_the_wall_clock_settles_and_no_late_event_is_dropped(unit_worker) -> None:
    worker = unit_worker(redelivery_horizon_seconds=2 * 86400)  # the default: arrival order never matters
    finished_call(worker, now=BACKFILL_NOW)
    push_watermark(worker, 30)
    assert not compact(worker, KEY, 3, now=BACKFILL_NOW)
    assert process(worker, call("call.offered", call_id="new"), 3, now=BACKFILL_NOW, message="s7") is None


def test_catch_up_moves_and_drops_what_compact_would_without_checking_twice(unit_worker) -> None:
    """The catch-up moves the records it examined itself (``streams.timers.examine``), without ``compact``'s
    second check: the same ``daily`` parts, ``compacted`` keys and dropped orphans as the timer's commands."""
    orphan = "groningen|call|orphan"

    def settled(compacting: Callable[[object], object]) -> object:
        worker = unit_worker(redelivery_horizon_seconds=3 * 86400, compaction_margin_event_seconds=86400)
        worker.active_partitions = lambda: {3}
        finished_call(worker, now=BACKFILL_NOW)
        process(worker, call("call.answered", 2, call_id="orphan", wait_seconds=10), 3, now=BACKFILL_NOW,
                message="s3")
        push_watermark(worker, 3.01)  # past the margin, and past the horizon for the orphan
        compacting(worker)
        return worker

    by_command = settled(lambda worker: [compact(worker, key, 3, now=BACKFILL_NOW) for key in (KEY, orphan)])
    caught_up = settled(lambda worker: catch_up(worker, now=BACKFILL_NOW))
    for worker in (by_command, caught_up):
        assert worker.cache.get(KEY) is None and worker.cache.get(orphan) is None
        assert worker.compacted.holds(KEY) and not worker.compacted.holds(orphan)
        assert value(worker, "kcc_orphan_records_dropped_total", municipality="groningen", kind="call") == 1
    parts = {key: part.to_json() for key, part in caught_up.daily.parts.items()}
    assert parts and parts == {key: part.to_json() for key, part in by_command.daily.parts.items()}

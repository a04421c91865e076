"""Compaction: a final, settled record moves into the per-day aggregates and leaves the ``records`` table.

An open item lives in ``records`` (:mod:`streams.tables`) until it is final (``monitor.indicators``) and
settled: in wall-clock time (``Settings.compaction_after_seconds`` after its last change) or in event time
(its source's watermark the margin past its latest event, :mod:`streams.watermarks`). Then :func:`compact`
adds its contributions to its partition's ``daily`` part, remembers its key in ``compacted`` (an event of it
arriving later is a duplicate of cause ``compacted``) and deletes the record. Live, the timer asks for that
with a command on the re-keyed topic (:mod:`streams.timers`, :mod:`streams.agenda`) and the family agent
that reads it compacts; in a backfill the agent compacts directly between two batches (:func:`catch_up`).

:func:`flush` writes a batch's table changes in the order a crash between two writes relies on: records,
``daily``, ``compacted``, tombstones. The fault tests stop a worker between them (:data:`EXIT_IN_COMPACTION`).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from typing import TYPE_CHECKING

from monitor.config import Municipality
from monitor.indicators import contributions
from monitor.live import latest_us
from monitor.records import Record
from streams.timers import examine
from streams.watermarks import compactable

if TYPE_CHECKING:
    from streams.agents import Worker

EXIT_IN_COMPACTION = "KCC_TEST_EXIT_IN_COMPACTION"
"""Test hook of the fault tests (``tests/integration/test_faults.py``), never set in production: ``daily``
or ``compacted`` makes the worker exit (status :data:`EXIT_IN_COMPACTION_STATUS`, like ``kill -9``: no
clean shutdown, no offset commit) in the :func:`flush` of its first compactions, once that table's writes have
reached the broker and before the next writes: the windows a crash can hit between :func:`compact`'s writes."""
EXIT_IN_COMPACTION_STATUS = 70


def compact(worker: Worker, table_key: str, partition: int, now: float | None = None) -> bool:
    """Move a final, settled record into ``daily`` (its partition's part), remember it in ``compacted`` and
    delete it; or drop an orphan (no originating event) settled for the redelivery horizon (settled: in
    wall-clock or event time, ``streams.watermarks.compactable``). Returns whether it did either. Re-checks
    everything: the record may have changed since the timer asked. Also forgets the partition's compacted
    keys older than the horizon (``CompactedTable.expire``).

    Changes the tables in memory only; :func:`flush` writes them after the batch, ``daily`` first, then
    ``compacted``, then the tombstone. A record found again (a crash between the writes) is only deleted, never
    added twice: ``compacted`` holds it, or else the ``daily`` parts name it until the ``compacted`` write is
    acknowledged (``DailyTable.add``)."""
    now = time.time() if now is None else now
    settings = worker.settings
    _expire(worker, partition, now)
    entry = worker.cache.get(table_key)
    if entry is None or entry.partition != partition:
        return False
    record = entry.record
    municipality = worker.config.municipalities.get(record.municipality)
    watermark = worker.watermarks.get(partition, record.municipality, record.KIND)
    if municipality is None or not compactable(record, municipality, entry.updated, now, watermark,
                                               settings.compaction_after_seconds,
                                               settings.redelivery_horizon_seconds,
                                               settings.compaction_margin_event_seconds):
        return False
    _move(worker, table_key, record, municipality, partition, now)
    return True


def _expire(worker: Worker, partition: int, now: float) -> None:
    settings = worker.settings
    worker.compacted.expire(partition, now, settings.redelivery_horizon_seconds,
                            by_event_time=settings.compaction_margin_event_seconds is not None)


def _move(worker: Worker, table_key: str, record: Record, municipality: Municipality, partition: int,
          now: float) -> None:
    """:func:`compact`'s work once the record was found compactable: drop the orphan, or move the final record."""
    if record.origin is None:
        worker.cache.delete(table_key, partition)
        worker.metrics.orphan_dropped(record.municipality, record.KIND)
        return
    if not worker.compacted.holds(table_key):
        latest = latest_us(record)
        worker.daily.add(partition, contributions(record, municipality, max(int(now * 1_000_000), latest)),
                         record.municipality, item=table_key)
        worker.compacted.add(partition, table_key, now, latest)
    worker.cache.delete(table_key, partition)


def flush(worker: Worker) -> None:
    """Queue a batch's changelog writes in ``worker.writes``, each record and ``daily`` part once: the records,
    then the ``daily`` parts the compactions changed, then the ``compacted`` entries (and expiries, watermarks),
    then the records' tombstones, the order :func:`compact` relies on. Called after every batch; the agent then
    hands them to the producer (``ChangelogWrites.send``) before it asks for the next batch: only then may the
    batch's offsets be committed (module docstring)."""
    worker.cache.flush()
    if worker.daily.flush():
        _exit_point("daily")
    if worker.compacted.flush():
        _exit_point("compacted")
    worker.cache.flush_deleted()


class ExitInCompaction(BaseException):
    """Raised by the :data:`EXIT_IN_COMPACTION` hook; the agent flushes the producer and exits."""


def _exit_point(written: str) -> None:
    if os.environ.get(EXIT_IN_COMPACTION) == written:
        raise ExitInCompaction(written)


def catch_up(worker: Worker, now: float | None = None) -> int:
    """Compact the records their sources' watermarks settled, run by an agent between two batches when the data
    outran the timer (:func:`data_moved`), directly instead of by commands: in a backfill the commands would
    wait behind the backlog on the re-keyed topics while the records pile up. Looks only at the records whose
    source's watermark reached the instant they may have settled (:mod:`streams.settling`), adding their
    deadline facts first (``streams.timers.examine``) as the live timer would. Safe in the agent: it is
    synchronous (no other agent runs in between, so what ``examine`` found compactable still is, and is moved
    without :func:`compact`'s second check: a backfill compacts about one item per three events) and writes every
    table to the record's partition explicitly. Returns records compacted or dropped; 0 without an event-time
    margin."""
    settings = worker.settings
    worker.scanned_progress_us = worker.watermarks.progress_us
    event_after = settings.compaction_margin_event_seconds
    if event_after is None:
        return 0
    now = time.time() if now is None else now
    now_us = int(now * 1_000_000)
    partitions = worker.active_partitions()
    added: Counter = Counter()
    commands: list[tuple[str, str, int]] = []
    for key in worker.settling.due(partitions, worker.watermarks, event_after, settings.redelivery_horizon_seconds):
        entry = worker.cache.get(key)
        municipality = None if entry is None else worker.config.municipalities.get(entry.record.municipality)
        if municipality is not None:
            examine(key, entry, municipality, now, now_us, added, commands, settings.compaction_after_seconds,
                    settings.redelivery_horizon_seconds, worker.watermarks, event_after)
    worker.metrics.apply_facts(added)
    for partition in dict.fromkeys(partition for _, _, partition in commands):
        _expire(worker, partition, now)
    for _, table_key, partition in commands:  # examine found each compactable just now: no second check
        record = worker.cache.entries[table_key].record
        _move(worker, table_key, record, worker.config.municipalities[record.municipality], partition, now)
    return len(commands)


def data_moved(worker: Worker) -> bool:
    """Whether the sources' watermarks advanced, on average, a quarter of the compaction margin since the last
    catch-up. Live they advance with the wall clock and a catch-up runs a few times a day; in a backfill a day
    of data passes in seconds, and the live timer's agenda knows only wall-clock instants (``streams.agenda``):
    without this scan the records of every day replayed would wait a day of wall clock (memory would grow with
    the replay speed, not with the margin)."""
    marks, margin = worker.watermarks, worker.settings.compaction_margin_event_seconds
    if margin is None:
        return False
    step = margin * 1_000_000 / 4 * max(1, len(marks.values))
    return marks.progress_us - worker.scanned_progress_us >= step

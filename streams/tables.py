"""The worker's three tables and what it keeps beside them in memory.

Contract (read back by :mod:`streams.changelog` and ``monitor.sources.StreamSource``):

- ``records`` (changelog ``{app_id}-records-changelog``, JSON): key
  ``municipality|kind|item_id`` (:func:`record_table_key`), value
  ``{"record": Record.to_json(), "updated": unix seconds (wall clock), "partition": n,
  "folded": [message id, …]}`` — one per open item, deleted (tombstone) when the item is
  compacted; ``folded`` names the last :data:`FOLDED_KEPT` messages that changed the record
  (:func:`message_id`), so a message delivered again after a crash is told from a source
  duplicate;
- ``daily`` (changelog ``{app_id}-daily-changelog``, JSON): key
  ``municipality|YYYY-MM-DD`` (local day), value ``{"cells": Aggregates.to_json(),
  "items": [item key, …]}`` of the contributions of the compacted items *of one
  partition* (a bare ``Aggregates.to_json()`` list is read as ``cells``). The reader sums a
  key's cells over partitions, so each partition keeps and writes only its own part.
  ``items`` names the items whose contributions the part holds but whose ``compacted``
  chunk the broker has not acknowledged yet: a worker that dies between the
  two writes finds the item there after its restart and does not add it twice;
- ``compacted`` (changelog ``{app_id}-compacted-changelog``, JSON): key ``~chunk|…`` (unique), value
  ``{"group": [compaction day, municipality, family, event day], "items": [item key, …]}``: the items of
  one group a batch compacted (days: UTC day numbers, days since 1970-01-01, of the compaction and of
  the items' latest event); deleted (tombstone) ``Settings.redelivery_horizon_seconds`` after either day,
  the event day measured against the partition's watermark (:class:`CompactedTable`). An event of an
  item held here changes nothing: its contributions are in ``daily`` already. Keys
  ``~watermark|municipality|family`` hold the partition's watermarks (:mod:`streams.watermarks`). An item
  key with value ``[compaction day, event day]`` (or a bare compaction day) is one item's entry as written
  until 3 December 2026, still read.

Why ``daily`` is not a plain Faust table: the memory store keeps one value per key
for the whole worker, but a worker owning partitions 0 and 1 must write two parts
of ``amersfoort|2026-04-07``, each to its own changelog partition. :class:`DailyTable`
keeps the parts per ``(partition, key)`` (also when recovering from the changelog)
and writes them to the partition explicitly (through :class:`~streams.changelog_writes.ChangelogWrites`, as
every table of the worker does).

Beside the ``records`` table the worker keeps a cache of decoded records: :mod:`streams.record_cache`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from functools import cached_property, lru_cache, partial
from typing import Any

import faust

from monitor.aggregates import Aggregates
from monitor.indicators import Contribution
from streams.changelog import DAILY_TABLE, RECORDS_TABLE
from streams.changelog_writes import ChangelogWrites
from streams.watermarks import WatermarkKey, Watermarks

COMPACTED_TABLE = "compacted"

__all__ = ["COMPACTED_TABLE", "DAILY_TABLE", "RECORDS_TABLE", "CompactedTable", "DailyTable", "RecordsTable",
           "daily_key"]


@lru_cache(maxsize=4096)
def daily_key(municipality: str, day: Any) -> str:
    """``municipality|YYYY-MM-DD`` (cached: a backfill's catch-up asks it for every contribution of thousands of
    items of the same few days)."""
    return f"{municipality}|{day.isoformat()}"


class _QueuedTable(faust.Table):
    """A table whose changelog messages go through :class:`~streams.changelog_writes.ChangelogWrites`."""

    def __init__(self, app: faust.App, writes: ChangelogWrites, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.writes = writes

    @cached_property
    def changelog_name(self) -> str:
        return self.changelog_topic.get_topic_name()


class RecordsTable(faust.Table):
    """The ``records`` table: Faust's memory table, which also names the keys recovery (or standby
    replication) changed, for the live timer's agenda (``streams.agenda``; an agent's writes go through
    ``RecordCache``, which names them itself)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watchers: list[dict[str, None]] = []

    def watch(self) -> dict[str, None]:
        """An ordered set that every key applied from the changelog from now on is added to; its reader
        empties it."""
        keys: dict[str, None] = {}
        self._watchers.append(keys)
        return keys

    def apply_changelog_batch(self, batch: Iterable[Any]) -> None:
        batch = list(batch)
        super().apply_changelog_batch(batch)
        for event in batch:
            key = self._to_key(event.key)
            for keys in self._watchers:
                keys[key] = None


class DailyTable(_QueuedTable):
    """The ``daily`` table: aggregates of compacted items per ``(partition, municipality|day)``, and per part
    the items added whose ``compacted`` write is not acknowledged yet (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parts: dict[tuple[int, str], Aggregates] = {}
        self.items: dict[tuple[int, str], dict[str, None]] = {}
        """Per part: items whose contributions it holds, not yet :meth:`confirm`-ed (an ordered set: a backfill's
        catch-up adds thousands to one part before the first is confirmed)."""
        self._holding: dict[str, list[tuple[int, str]]] = {}
        self._dirty: dict[tuple[int, str], None] = {}
        """Parts changed since the last :meth:`flush` (an ordered set)."""

    def apply_changelog_batch(self, batch: Iterable[Any]) -> None:
        """Recovery (and standby replication): keep every partition's part separately."""
        for event in batch:
            key = self._to_key(event.key)
            part = (event.message.partition, key)
            if event.message.value is None or not event.value:
                self.parts.pop(part, None)
                self.items.pop(part, None)
            elif isinstance(event.value, dict):
                self.parts[part] = Aggregates.from_json(event.value["cells"])
                self.items[part] = dict.fromkeys(event.value.get("items") or ())
            else:
                self.parts[part] = Aggregates.from_json(event.value)
                self.items.pop(part, None)

    def add(self, partition: int, contributions: Iterable[Contribution], municipality: str,
            item: str | None = None) -> int:
        """Add one partition's contributions (of the item ``item``) to its parts; a part that names ``item``
        already holds them and is left alone. The changed parts are written by :meth:`flush`: a batch compacts
        thousands of items of the same few days in a backfill, and each part is written once. Returns parts
        changed."""
        changed: dict[tuple[int, str], None] = {}
        day = part = None
        for contribution in contributions:
            if contribution.day != day:  # an item's contributions are mostly of one day
                day = contribution.day
                part_id = (partition, daily_key(municipality, day))
                if item is not None and item in self.items.get(part_id, ()):
                    part = None
                else:
                    part = self.parts.get(part_id)
                    if part is None:
                        part = self.parts[part_id] = Aggregates()
                    changed[part_id] = None
            if part is not None:
                part.add(contribution)
        for part_id in changed:
            items = self.items.setdefault(part_id, {})
            if item is not None:
                items[item] = None
                self._holding.setdefault(item, []).append(part_id)
            self._dirty[part_id] = None
        return len(changed)

    def flush(self) -> int:
        """Queue every part changed since the last flush, once, naming the items it holds unconfirmed; returns
        parts written."""
        written = 0
        for part_id in self._dirty:
            part = self.parts.get(part_id)
            if part is not None:
                partition, key = part_id
                items = list(self.items.get(part_id, ()))
                self.writes.write(self.changelog_name, partition, key, {"cells": part.to_json(), "items": items})
                written += 1
        self._dirty.clear()
        return written

    def confirm(self, item: str) -> None:
        """The item's ``compacted`` chunk is durable: its parts need not name it any more (from their next
        write on)."""
        for part in self._holding.pop(item, ()):
            items = self.items.get(part)
            if items is not None:
                items.pop(item, None)

    def total(self, key: str) -> Aggregates:
        """The sum of every partition's part of ``key`` this worker knows (tests, diagnostics)."""
        result = Aggregates()
        for (_, part_key), part in self.parts.items():
            if part_key == key:
                result.merge(part)
        return result


DAY_SECONDS = 86400
Group = tuple[int, int, str, str, int | None]
"""``(partition, compaction day, municipality, family, event day)``: UTC day numbers; event day None for an
entry of the old format that had none."""
CHUNK_PREFIX = "~chunk|"
"""Changelog keys of the ``compacted`` table that hold a chunk of items (``~chunk|writer.n``)."""


class CompactedTable(_QueuedTable):
    """The ``compacted`` table: keys of the items compacted within the redelivery horizon, and the
    partitions' watermarks (:mod:`streams.watermarks`).

    Bounded in wall-clock time and in event time: a key is forgotten once the UTC day of its compaction
    ended ``horizon`` ago (wall clock, as live) *or* once the UTC day of its item's latest event ended
    ``horizon`` before its source's watermark (as in a backfill, where a year passes in minutes). An event
    of a forgotten key is still recognised: it lies more than ``horizon`` behind its watermark
    (``streams.agents.fold`` counts it as a ``compacted`` duplicate). So a backfill holds the keys of
    about ``horizon`` of data, and a replay of the backfill (offsets reset, retention not yet passed)
    counts nothing twice. Keys are grouped by ``(partition, compaction day, municipality, family, event
    day)`` so :meth:`expire` drops whole groups.

    Written as chunks (module docstring): per batch one changelog message per group it added to, naming the
    group's new items, and one tombstone per chunk when the group expires. A backfill compacts about one item
    per three events, a few dozen groups per batch: an entry and a tombstone per item were two of the
    worker's four changelog messages per item (docs/performance.md). Like ``daily``, written through
    ``ChangelogWrites`` to the items' partition explicitly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.days: dict[str, Group] = {}
        """Item key → its group."""
        self.groups: dict[Group, set[str]] = {}
        self.chunks: dict[str, tuple[Group, list[str]]] = {}
        """Changelog key of a chunk → its group and items (an item entry of the old format: a chunk of itself)."""
        self._group_chunks: dict[Group, dict[str, None]] = {}
        self.on_durable: Callable[[str], None] | None = None
        """Called with each item key once the broker acknowledged its chunk (``DailyTable.confirm``)."""
        self.watermarks = Watermarks()
        self._written: dict[WatermarkKey, int] = {}
        """Watermarks as last written to the changelog."""
        self._thresholds: dict[int, tuple[Any, ...]] = {}
        """Per partition: the expiry thresholds of its last :meth:`expire` that walked the groups."""
        self._asked: dict[int, tuple[Any, ...]] = {}
        """Per partition: the arguments and watermarks' state of its last :meth:`expire` (a catch-up compacts
        thousands of one partition's items at one ``now``: the thresholds are computed once)."""
        self._unsent: list[tuple[int, str, Any]] = []
        """Changelog writes ``(partition, key, value or None)`` of watermarks and expiries in their order, until
        :meth:`flush`."""
        self._adding: dict[Group, list[str]] = {}
        """Items :meth:`add`-ed since the last :meth:`flush`, per group."""
        self._chunk_prefix = f"{CHUNK_PREFIX}{uuid.uuid4().hex[:16]}."
        self._chunk_count = 0

    def apply_changelog_batch(self, batch: Iterable[Any]) -> None:
        """Recovery (and standby replication)."""
        for event in batch:
            key = self._to_key(event.key)
            partition = event.message.partition
            if key.startswith(WATERMARK_PREFIX):
                if event.message.value is not None and event.value is not None:
                    municipality, family = key[len(WATERMARK_PREFIX):].split("|", 1)
                    self.watermarks.advance(partition, municipality, family, int(event.value), int(event.value))
                    self._written[(partition, municipality, family)] = int(event.value)
            elif event.message.value is None or event.value is None:
                self._drop_chunk(key)
            elif key.startswith(CHUNK_PREFIX):
                day, municipality, family, event_day = event.value["group"]
                self._add_chunk(key, (partition, day, municipality, family, event_day), list(event.value["items"]))
            else:  # one item's entry (the format before chunks)
                day, event_day = (event.value, None) if isinstance(event.value, int) else event.value
                self._add_chunk(key, (partition, int(day), *_source(key), event_day), [key])

    def holds(self, key: str) -> bool:
        """Whether the item ``key`` was compacted and is not forgotten yet."""
        return key in self.days

    def add(self, partition: int, key: str, now: float, latest_us: int) -> None:
        """Remember that ``key`` (an item of ``partition`` whose latest event is ``latest_us``) was compacted at
        ``now`` (Unix seconds); written by :meth:`flush` in its group's chunk."""
        group = (partition, int(now // DAY_SECONDS), *_source(key), latest_us // DAY_US)
        self._remember(key, group)
        adding = self._adding.get(group)
        if adding is None:
            self._adding[group] = [key]
        else:
            adding.append(key)

    def flush(self) -> int:
        """Queue the writes of :meth:`expire` and :meth:`persist_watermarks` since the last flush, in their order,
        then a chunk per group of the items :meth:`add`-ed since; returns the items written. An item whose group
        expired in between is forgotten already: it is left out, and confirmed at once (``on_durable``)."""
        write, topic = self.writes.write, self.changelog_name
        for partition, key, value in self._unsent:
            write(topic, partition, key, value)
        self._unsent.clear()
        entries = 0
        days, confirm = self.days, self.on_durable
        for group, keys in self._adding.items():
            items = [key for key in keys if days.get(key) == group]
            if confirm is not None and len(items) < len(keys):
                for key in set(keys).difference(items):
                    confirm(key)
            if not items:
                continue
            self._chunk_count += 1
            chunk = f"{self._chunk_prefix}{self._chunk_count}"
            self.chunks[chunk] = (group, items)
            self._group_chunks.setdefault(group, {})[chunk] = None
            partition, day, municipality, family, event_day = group
            write(topic, partition, chunk, {"group": [day, municipality, family, event_day], "items": items},
                  None if confirm is None else partial(_confirm_all, confirm, items))
            entries += len(items)
        self._adding.clear()
        return entries

    def expire(self, partition: int, now: float, horizon: float, by_event_time: bool = True) -> int:
        """Forget (tombstone the chunks of) the keys of ``partition`` compacted on a UTC day that ended at least
        ``horizon`` seconds before ``now``, or whose latest event's UTC day ended at least ``horizon`` before
        their source's watermark; returns how many keys. Cheap unless a threshold moved (once a day of either
        clock). Writes (at the next :meth:`flush`) the partition's watermarks first: a recovered worker must not
        forget less than this one.
        ``by_event_time`` False: by the wall clock only."""
        asked = (now, horizon, by_event_time, self.watermarks.progress_us, len(self.watermarks.values))
        if self._asked.get(partition) == asked:
            return 0
        self._asked[partition] = asked
        last_kept = int((now - horizon) // DAY_SECONDS)
        horizon_us = int(horizon * 1_000_000)
        event_kept = {source: (watermark - horizon_us) // DAY_US
                      for source, watermark in self.watermarks.of_partition(partition).items()} if by_event_time else {}
        thresholds = (last_kept, *sorted(event_kept.items()))
        if self._thresholds.get(partition) == thresholds:
            return 0
        self._thresholds[partition] = thresholds
        self.persist_watermarks(partition)
        expired = 0
        for group in [g for g in self.groups if g[0] == partition and (
                g[1] < last_kept or (g[4] is not None and g[4] < event_kept.get((g[2], g[3]), g[4])))]:
            for key in self.groups.pop(group):
                self.days.pop(key, None)
                expired += 1
            for chunk in self._group_chunks.pop(group, ()):
                self.chunks.pop(chunk, None)
                self._unsent.append((partition, chunk, None))
        return expired

    def persist_watermarks(self, partition: int) -> int:
        """Write (at the next :meth:`flush`) the watermarks of ``partition`` that moved since their last write;
        returns how many."""
        written = 0
        for (municipality, family), value in self.watermarks.of_partition(partition).items():
            if self._written.get((partition, municipality, family)) != value:
                self._written[(partition, municipality, family)] = value
                self._unsent.append((partition, f"{WATERMARK_PREFIX}{municipality}|{family}", value))
                written += 1
        return written

    def _add_chunk(self, chunk: str, group: Group, items: list[str]) -> None:
        self._drop_chunk(chunk)
        self.chunks[chunk] = (group, items)
        self._group_chunks.setdefault(group, {})[chunk] = None
        for key in items:
            self._remember(key, group)

    def _drop_chunk(self, chunk: str) -> None:
        """Forget a chunk (recovery: its tombstone) and those of its items no later chunk holds."""
        found = self.chunks.pop(chunk, None)
        if found is None:
            return
        group, items = found
        chunks = self._group_chunks.get(group)
        if chunks is not None:
            chunks.pop(chunk, None)
            if not chunks:
                del self._group_chunks[group]
        for key in items:
            if self.days.get(key) == group:
                self._forget(key)

    def _remember(self, key: str, group: Group) -> None:
        self._forget(key)
        self.days[key] = group
        self.groups.setdefault(group, set()).add(key)

    def _forget(self, key: str) -> None:
        group = self.days.pop(key, None)
        if group is not None:
            keys = self.groups.get(group)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self.groups[group]


def _confirm_all(confirm: Callable[[str], None], items: list[str]) -> None:
    for item in items:
        confirm(item)


WATERMARK_PREFIX = "~watermark|"
"""Changelog keys of the ``compacted`` table that hold a watermark (``~watermark|municipality|family``)."""
DAY_US = DAY_SECONDS * 1_000_000


def _source(key: str) -> tuple[str, str]:
    """``(municipality, family)`` of a record table key (a record's kind is its family)."""
    municipality, kind, _ = key.split("|", 2)
    return municipality, kind


def create_tables(app: faust.App, partitions: int,
                  writes: ChangelogWrites) -> tuple[RecordsTable, DailyTable, CompactedTable]:
    """Define ``records``, ``daily`` and ``compacted`` on ``app`` (memory store, changelog-backed, JSON); ``daily``
    and ``compacted`` queue their changelog messages in ``writes`` (as :class:`RecordCache` does for ``records``)."""
    records = app.tables.add(RecordsTable(app, name=RECORDS_TABLE, default=None, beacon=app.tables.beacon,
                                          partitions=partitions,
                                          help="Open items: the record of every item not yet compacted."))
    daily = app.tables.add(DailyTable(app, writes, name=DAILY_TABLE, default=None, beacon=app.tables.beacon,
                                      partitions=partitions,
                                      help="Per-day aggregates of compacted (finished) items, per partition."))
    compacted = app.tables.add(CompactedTable(app, writes, name=COMPACTED_TABLE, default=None, beacon=app.tables.beacon,
                                              partitions=partitions,
                                              help="Keys of items compacted within the redelivery horizon."))
    compacted.on_durable = daily.confirm
    return records, daily, compacted

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
  entry the broker has not acknowledged yet (a handful): a worker that dies between the
  two writes finds the item there after its restart and does not add it twice;
- ``compacted`` (changelog ``{app_id}-compacted-changelog``, JSON): key as in ``records``,
  value the UTC day number (days since 1970-01-01) the item was compacted; deleted
  (tombstone) ``Settings.redelivery_horizon_seconds`` later (:class:`CompactedTable`). An
  event of an item held here changes nothing: its contributions are in ``daily`` already.

Why ``daily`` is not a plain Faust table: the memory store keeps one value per key
for the whole worker, but a worker owning partitions 0 and 1 must write two parts
of ``amersfoort|2026-04-07``, each to its own changelog partition. :class:`DailyTable`
keeps the parts per ``(partition, key)`` (also when recovering from the changelog)
and writes them with ``send_changelog`` to the partition explicitly.

Beside the ``records`` table the worker keeps a cache of decoded records
(:class:`RecordCache`): an :class:`Entry` holds the table value object it was
decoded from (so a value replaced by recovery is noticed by identity), the
:class:`~monitor.records.Record` itself and the facts already added to the
counters (``monitor.live``), so the agent neither decodes JSON per event nor
recomputes the "before" facts.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import faust

from monitor.aggregates import Aggregates
from monitor.config import Config
from monitor.indicators import Contribution
from monitor.live import Facts, facts
from monitor.records import Record, RecordKey, record_from_json
from streams.changelog import DAILY_TABLE, RECORDS_TABLE

COMPACTED_TABLE = "compacted"

__all__ = ["COMPACTED_TABLE", "DAILY_TABLE", "RECORDS_TABLE", "CompactedTable", "DailyTable", "Entry", "RecordCache",
           "daily_key", "record_table_key"]


FOLDED_KEPT = 8
"""Message ids kept per record (a record changes once per slot, a few times more out of order)."""


def message_id(rekeyed: bool, offset: int) -> str:
    """A message within its partition: ``s<offset>`` on the family topic, ``r<offset>`` on its re-keyed
    copy (an item's messages are all in one partition number of both)."""
    return f"{'r' if rekeyed else 's'}{offset}"


def record_table_key(key: RecordKey) -> str:
    """``municipality|kind|item_id``."""
    return "|".join(key)


def daily_key(municipality: str, day: Any) -> str:
    """``municipality|YYYY-MM-DD``."""
    return f"{municipality}|{day.isoformat()}"


class DailyTable(faust.Table):
    """The ``daily`` table: aggregates of compacted items per ``(partition, municipality|day)``, and per part
    the items added whose ``compacted`` write is not acknowledged yet (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parts: dict[tuple[int, str], Aggregates] = {}
        self.items: dict[tuple[int, str], list[str]] = {}
        """Per part: items whose contributions it holds, not yet :meth:`confirm`-ed."""
        self._holding: dict[str, list[tuple[int, str]]] = {}

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
                self.items[part] = list(event.value.get("items") or [])
            else:
                self.parts[part] = Aggregates.from_json(event.value)
                self.items.pop(part, None)

    def add(self, partition: int, contributions: Iterable[Contribution], municipality: str,
            item: str | None = None) -> int:
        """Add one partition's contributions (of the item ``item``) to its parts and write the changed parts;
        a part that names ``item`` already holds them and is left alone. Returns parts written."""
        changed: dict[str, Aggregates] = {}
        for contribution in contributions:
            key = daily_key(municipality, contribution.day)
            if item is not None and item in self.items.get((partition, key), ()):
                continue
            part = changed.get(key)
            if part is None:
                part = changed[key] = self.parts.setdefault((partition, key), Aggregates())
            part.add(contribution)
        for key, part in changed.items():
            items = self.items.setdefault((partition, key), [])
            if item is not None:
                items.append(item)
                self._holding.setdefault(item, []).append((partition, key))
            self.send_changelog(partition, key, {"cells": part.to_json(), "items": items})
        return len(changed)

    def confirm(self, item: str) -> None:
        """The item's ``compacted`` entry is durable: its parts need not name it any more (from their next
        write on)."""
        for part in self._holding.pop(item, ()):
            items = self.items.get(part)
            if items is not None and item in items:
                items.remove(item)

    def total(self, key: str) -> Aggregates:
        """The sum of every partition's part of ``key`` this worker knows (tests, diagnostics)."""
        result = Aggregates()
        for (_, part_key), part in self.parts.items():
            if part_key == key:
                result.merge(part)
        return result


DAY_SECONDS = 86400


class CompactedTable(faust.Table):
    """The ``compacted`` table: keys of the items compacted within the redelivery horizon.

    Bounded: one entry per item compacted in the last ``horizon`` (plus a day), grouped in memory
    by ``(partition, UTC day of compaction)`` so :meth:`expire` drops a whole day at once. Like
    ``daily``, written with ``send_changelog`` to the item's partition explicitly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.days: dict[str, tuple[int, int]] = {}
        """Item key → (partition, UTC day number of its compaction)."""
        self.by_day: dict[tuple[int, int], set[str]] = {}

    def apply_changelog_batch(self, batch: Iterable[Any]) -> None:
        """Recovery (and standby replication)."""
        for event in batch:
            key = self._to_key(event.key)
            if event.message.value is None or event.value is None:
                self._forget(key)
            else:
                self._remember(key, event.message.partition, int(event.value))

    def holds(self, key: str) -> bool:
        """Whether the item ``key`` was compacted within the horizon."""
        return key in self.days

    def add(self, partition: int, key: str, now: float, on_durable: Callable[[], None] | None = None) -> None:
        """Remember that ``key`` (an item of ``partition``) was compacted at ``now`` (Unix seconds);
        ``on_durable`` is called once the broker acknowledged the write."""
        day = int(now // DAY_SECONDS)
        self._remember(key, partition, day)
        sent = self.send_changelog(partition, key, day)
        if on_durable is not None:
            sent.add_done_callback(lambda done: None if done.cancelled() or done.exception() else on_durable())

    def expire(self, partition: int, now: float, horizon: float) -> int:
        """Forget (tombstone) the keys of ``partition`` compacted on a UTC day that ended at least ``horizon``
        seconds before ``now``; returns how many."""
        last_kept = int((now - horizon) // DAY_SECONDS)
        expired = 0
        for part, day in [pd for pd in self.by_day if pd[0] == partition and pd[1] < last_kept]:
            for key in self.by_day.pop((part, day)):
                self.days.pop(key, None)
                self.send_changelog(partition, key, None, value_serializer="raw")
                expired += 1
        return expired

    def _remember(self, key: str, partition: int, day: int) -> None:
        self._forget(key)
        self.days[key] = (partition, day)
        self.by_day.setdefault((partition, day), set()).add(key)

    def _forget(self, key: str) -> None:
        where = self.days.pop(key, None)
        if where is not None:
            keys = self.by_day.get(where)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self.by_day[where]


def create_tables(app: faust.App, partitions: int) -> tuple[Any, DailyTable, CompactedTable]:
    """Define ``records``, ``daily`` and ``compacted`` on ``app`` (memory store, changelog-backed, JSON)."""
    records = app.Table(RECORDS_TABLE, default=None, partitions=partitions,
                        help="Open items: the record of every item not yet compacted.")
    daily = app.tables.add(DailyTable(app, name=DAILY_TABLE, default=None, beacon=app.tables.beacon,
                                      partitions=partitions,
                                      help="Per-day aggregates of compacted (finished) items, per partition."))
    compacted = app.tables.add(CompactedTable(app, name=COMPACTED_TABLE, default=None, beacon=app.tables.beacon,
                                              partitions=partitions,
                                              help="Keys of items compacted within the redelivery horizon."))
    return records, daily, compacted


@dataclass
class Entry:
    """One open item as the worker knows it."""

    value: dict[str, Any]
    """The ``records`` table value this entry belongs to (compared by identity)."""
    record: Record
    counted: Facts = field(default_factory=Counter)
    """Counter increments and observations already applied for this record (``monitor.live`` facts)."""
    compact_sent: float = 0.0
    """When a compaction command was last sent for it (Unix seconds), to not send one every scan."""

    @property
    def partition(self) -> int:
        return self.value["partition"]

    @property
    def updated(self) -> float:
        return self.value["updated"]

    @property
    def folded(self) -> list[str]:
        """Ids of the last messages that changed the record (:func:`message_id`)."""
        return self.value.get("folded") or []


class RecordCache:
    """Decoded records of the ``records`` table, kept in step with it by value identity."""

    def __init__(self, table: Any, config: Config) -> None:
        self.table = table
        self.config = config
        self.entries: dict[str, Entry] = {}
        self._dirty: dict[str, int] = {}
        """Keys written since the last :meth:`flush` → their partition (one changelog message per key
        and batch: a call's four events in one batch are one write)."""

    @property
    def _data(self) -> Any:
        store = self.table.data
        return getattr(store, "data", store)

    def get(self, key: str) -> Entry | None:
        """The entry of ``key``: cached when the table still holds the same value object, else decoded.

        A record decoded from the table (after recovery) counts as already counted at its
        ``updated`` time: a restarted worker's counters start from zero and only grow from here."""
        value = self._data.get(key)
        if value is None:
            self.entries.pop(key, None)
            return None
        entry = self.entries.get(key)
        if entry is not None and entry.value is value:
            return entry
        record = record_from_json(value["record"])
        municipality = self.config.municipalities.get(record.municipality)
        counted = facts(record, municipality, int(value["updated"] * 1_000_000)) if municipality else Counter()
        entry = self.entries[key] = Entry(value, record, counted)
        return entry

    def put(self, key: str, record: Record, counted: Facts, partition: int, now: float | None = None,
            message: str | None = None) -> Entry:
        """Store ``record`` in the table and cache it; its changelog message goes out with :meth:`flush`.
        ``message``: the id of the message that changed it (:func:`message_id`).

        Writes name the partition explicitly (the event's), so a batch mixing partitions is safe."""
        previous = self._data.get(key)
        folded = list((previous or {}).get("folded") or [])
        if message is not None:
            folded = [*folded, message][-FOLDED_KEPT:]
        value = {"record": record.to_json(), "updated": time.time() if now is None else now,
                 "partition": partition, "folded": folded}
        self._data[key] = value
        self._dirty[key] = partition
        entry = self.entries[key] = Entry(value, record, counted)
        return entry

    def flush(self) -> int:
        """Send the changelog message of every key written since the last flush; returns how many."""
        data, send = self._data, self.table.send_changelog
        for key, partition in self._dirty.items():
            value = data.get(key)
            if value is not None:
                send(partition, key, value)
        written = len(self._dirty)
        self._dirty.clear()
        return written

    def delete(self, key: str, partition: int) -> None:
        """Delete ``key`` from the table (a tombstone on the changelog, now) and the cache."""
        self.entries.pop(key, None)
        self._dirty.pop(key, None)
        if self._data.pop(key, None) is not None:
            self.table.send_changelog(partition, key, None, value_serializer="raw")

    def active(self, partitions: set[int]) -> Iterator[tuple[str, Entry]]:
        """Every entry of the given partitions, decoding table values not cached yet; entries of other
        partitions are dropped from the cache (the table keeps standby and revoked values)."""
        for key, value in list(self._data.items()):
            if value and value.get("partition") in partitions:
                entry = self.get(key)
                if entry is not None:
                    yield key, entry
        for key in [k for k, e in self.entries.items() if e.partition not in partitions]:
            del self.entries[key]

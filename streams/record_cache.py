"""The worker's cache of decoded records beside the ``records`` table (contract: :mod:`streams.tables`).

An :class:`Entry` holds the table value object it was decoded from (so a value replaced by recovery is
noticed by identity), the :class:`~monitor.records.Record` itself and the facts already added to the
counters (``monitor.live``), so the agent neither decodes JSON per event nor recomputes the "before"
facts. Writes are queued per key and batch (:meth:`RecordCache.flush`) in
:class:`~streams.changelog_writes.ChangelogWrites`.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from monitor.config import Config
from monitor.live import Facts, facts
from monitor.records import Record, RecordKey, record_from_json
from streams.changelog_writes import ChangelogWrites

FOLDED_KEPT = 8
"""Message ids kept per record (a record changes once per slot, a few times more out of order)."""


def message_id(rekeyed: bool, offset: int) -> str:
    """A message within its partition: ``s<offset>`` on the family topic, ``r<offset>`` on its re-keyed
    copy (an item's messages are all in one partition number of both)."""
    return f"{'r' if rekeyed else 's'}{offset}"


def record_table_key(key: RecordKey) -> str:
    """``municipality|kind|item_id``."""
    return "|".join(key)


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

    def __init__(self, table: Any, config: Config, writes: ChangelogWrites) -> None:
        self.table = table
        self.config = config
        self.writes = writes
        """Where :meth:`flush` and :meth:`flush_deleted` queue the changelog messages."""
        self.changelog_name: str = table.changelog_topic.get_topic_name()
        self.entries: dict[str, Entry] = {}
        self._dirty: dict[str, int] = {}
        """Keys written since the last :meth:`flush` → their partition (one changelog message per key
        and batch: a call's four events in one batch are one write)."""
        self._deleted: dict[str, int] = {}
        """Keys deleted since the last :meth:`flush_deleted` → their partition."""
        self._watchers: list[dict[str, None]] = []
        """The ordered sets of :meth:`watch`."""
        self._partitions: set[int] | None = None
        """The partitions of the last :meth:`keys_of`."""
        self._dict: Any = None

    @property
    def _data(self) -> Any:
        """The table's dict (Faust's memory store keeps one for its life and never replaces it; looked up once:
        the agents ask for it several times per event)."""
        data = self._dict
        if data is None:
            store = self.table.data
            data = self._dict = getattr(store, "data", store)
        return data

    def watch(self) -> dict[str, None]:
        """An ordered set that every later write or delete adds its key to; its reader empties it (the live
        timer's agenda, ``streams.agenda``; the catch-up's settling heap, ``streams.settling``)."""
        keys: dict[str, None] = {}
        self._watchers.append(keys)
        return keys

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
            messages: Sequence[str] = ()) -> Entry:
        """Store ``record`` in the table and cache it; its changelog message goes out with :meth:`flush`.
        ``messages``: the ids of the messages that changed it since it was last stored (:func:`message_id`).

        Writes name the partition explicitly (the event's), so a batch mixing partitions is safe."""
        data = self._data
        previous = data.get(key)
        folded = previous.get("folded") if previous is not None else None
        if messages:
            folded = [*folded, *messages][-FOLDED_KEPT:] if folded else list(messages[-FOLDED_KEPT:])
        value = {"record": record.to_json(), "updated": time.time() if now is None else now,
                 "partition": partition, "folded": folded or []}
        data[key] = value
        self._dirty[key] = partition
        for keys in self._watchers:
            keys[key] = None
        self._deleted.pop(key, None)
        entry = self.entries[key] = Entry(value, record, counted)
        return entry

    def flush(self) -> int:
        """Queue the changelog message of every key written since the last flush; returns how many."""
        data, write, topic = self._data, self.writes.write, self.changelog_name
        for key, partition in self._dirty.items():
            value = data.get(key)
            if value is not None:
                write(topic, partition, key, value)
        written = len(self._dirty)
        self._dirty.clear()
        return written

    def delete(self, key: str, partition: int) -> None:
        """Delete ``key`` from the table and the cache; its tombstone goes out with :meth:`flush_deleted`."""
        self.entries.pop(key, None)
        self._dirty.pop(key, None)
        if self._data.pop(key, None) is not None:
            self._deleted[key] = partition
            for keys in self._watchers:
                keys[key] = None

    def flush_deleted(self) -> int:
        """Queue the tombstone of every key deleted since the last call (and not written again); returns how
        many. Separate from :meth:`flush`: a compacted record's tombstone must follow its ``daily`` and
        ``compacted`` writes (``streams.compaction.flush``)."""
        write, topic = self.writes.write, self.changelog_name
        for key, partition in self._deleted.items():
            write(topic, partition, key, None)
        deleted = len(self._deleted)
        self._deleted.clear()
        return deleted

    def keys_of(self, partitions: set[int]) -> list[str]:
        """The keys of the given partitions' records, none decoded: the agenda's count after a rebalance decodes
        them a chunk at a time (decoding 1,000,000 at once held the event loop for seconds). Drops other
        partitions' cached entries (the table keeps standby and revoked values) when the partitions differ from
        the last call's."""
        keys = [key for key, value in self._data.items() if value and value.get("partition") in partitions]
        self._keep_only(partitions)
        return keys

    def _keep_only(self, partitions: set[int]) -> None:
        if partitions != self._partitions:
            self._partitions = set(partitions)
            entries = self.entries
            for key in [k for k, e in entries.items() if e.partition not in partitions]:
                del entries[key]

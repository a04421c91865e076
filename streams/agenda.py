"""The live timer's agenda: which records a tick looks at, and the "now" gauges kept by difference.

A tick must not cost more with more open records (a letter stays open for weeks; a shared service
centre holds hundreds of thousands): walking every record per tick cost 18 s at 1,000,000 records
(docs/performance.md). Time alone changes a record only at a few instants, which
``monitor.gauges.next_change_us`` names (an event timed ahead of the clock becoming known, a deadline
passing, the end of a waiting visitor's day), plus the wall-clock instants of compaction (settled for
``compaction_after``, or ``orphan_after`` for an orphan; a command sent again after ``RESEND_SECONDS``).
So the agenda holds, per record, the next such instant in a heap, and a tick looks only at

- the records whose instant has come,
- the records changed since the last tick: written or deleted by an agent or recovered from the changelog
  (``RecordCache.watch``, ``RecordsTable.watch``),
- every active record after the active partitions changed (a rebalance: the gauges are counted afresh).

Each record's contribution to the "now" gauges (``monitor.gauges.open_gauges``) is remembered, so a
changed record moves the totals by its difference and a scrape only serialises them (:class:`NowGauges`).
The work of a tick grows with the records it looks at, never with the records held. A tick looks at
:data:`CHUNK` records at most; the live timer calls it again, letting the agents run in between, until
none is left (the count after a rebalance with 1,000,000 records takes tens of seconds), and the gauges
are published only then, so a scrape never sees half a count.

Event time is not on the agenda: a record settled behind its source's watermark is compacted by the
catch-up of a backfill (``streams.compaction.catch_up``, with its own heap by event time,
``streams.settling``) or, live, once settled in wall-clock time.
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from collections import Counter, defaultdict

from monitor.config import Config
from monitor.gauges import GaugeValue, next_change_us, open_gauges
from monitor.metricspec import MetricSpec
from streams.record_cache import Entry, RecordCache
from streams.timers import RESEND_SECONDS, NowGauges, examine
from streams.watermarks import Watermarks

_US = 1_000_000
CHUNK = 10_000
"""Records one :meth:`Agenda.tick` looks at, at most (≈ 0.3 s; docs/performance.md)."""


class Agenda:
    """When to look at which record again (µs since the epoch), and each record's part of the gauges."""

    def __init__(self, cache: RecordCache, gauges: NowGauges) -> None:
        self.cache = cache
        self.gauges = gauges
        self._changed = cache.watch()
        self._recovered = cache.table.watch()
        self.partitions: set[int] | None = None
        """The active partitions of the last tick."""
        self.due: dict[str, int] = {}
        """Record key → the instant it is looked at next."""
        self._heap: list[tuple[int, str]] = []
        """``(instant, key)``, also outdated ones (an entry counts only while ``due`` names its instant)."""
        self.contributed: dict[str, list[GaugeValue]] = {}
        """Record key → what it adds to the "now" gauges as last looked at."""
        self.totals: dict[MetricSpec, dict[tuple[str, ...], float]] = defaultdict(dict)
        self.pending: dict[str, None] = {}
        """Records to look at, in order, that the last tick left for the next (more than :data:`CHUNK`)."""
        self.looked_at = 0
        """Records the last tick looked at (the benchmark's and the tests' measure of a tick's work)."""

    def tick(self, config: Config, partitions: set[int], compaction_after: float, now: float | None = None,
             orphan_after: float = float("inf"), watermarks: Watermarks | None = None,
             event_after: float | None = None, limit: int = CHUNK) -> tuple[Counter, list[tuple[str, str, int]]]:
        """Look at the records due at ``now`` (Unix seconds) or changed since the last tick (all of them after
        the active ``partitions`` changed), ``limit`` at most (the rest stay :attr:`pending`): (facts passing
        time added, compaction commands ``(family, record key, partition)``), as :func:`streams.timers.scan`
        returns them. Once none is pending, the gauges are published. The other arguments as for ``scan``."""
        now = time.time() if now is None else now
        now_us = int(now * _US)
        self._collect(partitions, now_us)
        changed = list(itertools.islice(self.pending, limit))
        for key in changed:
            del self.pending[key]
        self.looked_at = len(changed)
        added: Counter = Counter()
        commands: list[tuple[str, str, int]] = []
        for key in changed:
            entry = self._forget(key)
            if entry is None:
                continue
            municipality = config.municipalities.get(entry.record.municipality)
            if municipality is None:
                continue
            values = open_gauges(entry.record, municipality, now_us)
            if values:
                self._add(values, 1.0)
                self.contributed[key] = values
            examine(key, entry, municipality, now, now_us, added, commands, compaction_after, orphan_after,
                    watermarks, event_after)
            instants = [next_change_us(entry.record, municipality, now_us),
                        _after(entry.updated + (compaction_after if entry.record.origin is not None else orphan_after)),
                        _after(entry.compact_sent + RESEND_SECONDS) if entry.compact_sent else None]
            later = [instant for instant in instants if instant is not None and instant > now_us]
            if later:
                self._schedule(key, min(later))
        if not self.pending:
            self.gauges.replace({spec: dict(series) for spec, series in self.totals.items()}, now)
        return added, commands

    def _collect(self, partitions: set[int], now_us: int) -> None:
        """Add to :attr:`pending` the keys to look at: every active one after a rebalance, else the changed and
        the due ones."""
        pending, changed, recovered = self.pending, self._changed, self._recovered
        if partitions != self.partitions:
            self.partitions = set(partitions)
            self.due.clear()
            self._heap.clear()
            self.contributed.clear()
            self.totals.clear()
            pending.clear()
            pending.update(dict.fromkeys(self.cache.keys_of(self.partitions)))
        else:
            pending.update(changed)
            pending.update(recovered)
            heap, due = self._heap, self.due
            while heap and heap[0][0] <= now_us:
                instant, key = heapq.heappop(heap)
                if due.get(key) == instant:
                    pending[key] = None
        changed.clear()
        recovered.clear()

    def _forget(self, key: str) -> Entry | None:
        """Take the record's part out of the gauges and off the agenda; its entry if it is still active."""
        values = self.contributed.pop(key, None)
        if values:
            self._add(values, -1.0)
        self.due.pop(key, None)
        entry = self.cache.get(key)
        return entry if entry is not None and entry.partition in self.partitions else None

    def _add(self, values: list[GaugeValue], sign: float) -> None:
        totals = self.totals
        for spec, labels, value in values:
            series = totals[spec]
            series[labels] = series.get(labels, 0.0) + sign * value

    def _schedule(self, key: str, instant: int) -> None:
        self.due[key] = instant
        heapq.heappush(self._heap, (instant, key))
        if len(self._heap) > 2 * len(self.due) + 1024:  # outdated instants pile up as records change
            self._heap = [(at, k) for k, at in self.due.items()]
            heapq.heapify(self._heap)


def _after(seconds: float) -> int:
    """A millisecond after ``seconds`` (Unix seconds), in µs: a check there sees the wait as passed, whatever
    the rounding of float seconds; 0 (never) for an infinite wait."""
    return math.ceil(seconds * _US) + 1000 if math.isfinite(seconds) else 0

"""Which records a backfill's catch-up looks at: those their source's watermark may have settled.

A catch-up (``streams.compaction.catch_up``) runs between two batches whenever the data moved a quarter of
the compaction margin. It used to examine every active record, a day or more of items, a few hundred times
in a year's backfill: 6 % of the worker's main thread in a backfill of 90 days (docs/performance.md). A
record settles in event time only once its source's watermark is ``event_after`` past its latest event
(``orphan_after`` for an orphan; ``streams.watermarks.compactable``), so :class:`Settling` keeps every record
in a heap per source by that instant, and a catch-up looks only at the records whose instant their
source's watermark reached. One it leaves (settled but not final, as an open letter; or asked for by the
live timer a moment ago) is looked at again once its source moved another quarter of the margin, as often
as every record was before.

Settling in wall-clock time, and the deadline facts of the records not looked at here, are the live
timer's (``streams.agenda``).
"""

from __future__ import annotations

import heapq
import math

from monitor.live import latest_us
from streams.record_cache import RecordCache
from streams.watermarks import WatermarkKey, Watermarks

_US = 1_000_000


class Settling:
    """Per source, the records by the watermark (µs since the epoch) at which they may have settled."""

    def __init__(self, cache: RecordCache) -> None:
        self.cache = cache
        self._written: dict[str, None] | None = None
        self._recovered: dict[str, None] | None = None
        """Keys written or recovered since the last :meth:`due`, watched from the first on: a worker without an
        event-time margin never calls it and must not collect every key it ever writes."""
        self.partitions: set[int] | None = None
        """The active partitions of the last :meth:`due`."""
        self._at: dict[str, int] = {}
        """Record key → the instant it is looked at next."""
        self._heaps: dict[WatermarkKey, list[tuple[int, str]]] = {}
        """Per source ``(instant, key)``, also outdated ones (an entry counts only while ``_at`` names its
        instant)."""
        self._again: list[tuple[str, WatermarkKey, int, int]] = []
        """The last :meth:`due`'s keys ``(key, source, watermark, instant)``, placed again by the next."""
        self.looked_at = 0
        """Records the last :meth:`due` returned (the tests' measure of a catch-up's work)."""

    def due(self, partitions: set[int], watermarks: Watermarks, event_after: float,
            orphan_after: float) -> list[str]:
        """The keys of the records of ``partitions`` whose source's watermark reached their instant.
        ``event_after``, ``orphan_after``: seconds of event time a final record, an orphan, must be settled.
        Every record of the partitions is placed anew after they changed (a start, a rebalance), else the
        records written or recovered since the last call. A key returned and then neither changed nor deleted
        (compacted) is placed a quarter of ``event_after`` past the watermark it was due at, by the next call:
        most are compacted in between, and need no place again."""
        if self._written is None or self._recovered is None:
            self._written, self._recovered = self.cache.watch(), self.cache.table.watch()
        at = self._at
        if partitions != self.partitions:
            self.partitions = set(partitions)
            at.clear()
            self._heaps.clear()
            self._again.clear()
            keys = self.cache.keys_of(self.partitions)
        else:
            keys = [*self._written, *self._recovered]
        self._written.clear()
        self._recovered.clear()
        event_wait = math.ceil(event_after * _US)
        orphan_wait = math.ceil(orphan_after * _US) if math.isfinite(orphan_after) else None
        for key in keys:
            self._place(key, event_wait, orphan_wait)
        step = math.ceil(event_after * _US / 4)
        for key, source, watermark, instant in self._again:
            if at.get(key) == instant:  # unchanged since it was due
                self._schedule(key, source, watermark + step)
        due: list[tuple[str, WatermarkKey, int, int]] = []
        for source, heap in self._heaps.items():
            watermark = watermarks.values.get(source)
            while heap and watermark is not None and heap[0][0] <= watermark:
                instant, key = heapq.heappop(heap)
                if at.get(key) == instant:
                    due.append((key, source, watermark, instant))
        self._again = due
        self.looked_at = len(due)
        return [key for key, _, _, _ in due]

    @property
    def held(self) -> int:
        """Records placed or waiting to be placed (bounded by the open records and those written since the last
        :meth:`due`)."""
        return len(self._at) + len(self._written or ()) + len(self._recovered or ())

    def _place(self, key: str, event_wait: int, orphan_wait: int | None) -> None:
        """``event_wait``, ``orphan_wait``: µs of event time (None: an orphan never settles in event time)."""
        entry = self.cache.get(key)
        if entry is None or entry.partition not in self.partitions:
            self._at.pop(key, None)
            return
        record = entry.record
        wait = event_wait if record.origin is not None else orphan_wait
        try:
            latest = latest_us(record)
        except ValueError:  # no timed event: never settled in event time
            latest = None
        if latest is None or wait is None:
            self._at.pop(key, None)
            return
        self._schedule(key, (entry.partition, record.municipality, record.KIND), latest + wait)

    def _schedule(self, key: str, source: WatermarkKey, instant: int) -> None:
        self._at[key] = instant
        heap = self._heaps.setdefault(source, [])
        heapq.heappush(heap, (instant, key))
        if len(heap) > 2 * len(self._at) + 1024:  # outdated instants pile up as records change
            self._heaps = {s: [(i, k) for i, k in h if self._at.get(k) == i] for s, h in self._heaps.items()}
            for h in self._heaps.values():
                heapq.heapify(h)

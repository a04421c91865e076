"""Event time per source: how far the data of one partition has come, so compaction can follow the data.

A *watermark* is the latest event time (``ts``, µs since the epoch) the worker has folded for one
``(partition, municipality, family)``: one source system of one municipality, as it reaches one
partition. It only grows. Live, it trails the wall clock by the pipeline's delay; in a backfill (a year
of history replayed in minutes) it runs through the year while the wall clock barely moves, so the rules
"settled for a day" and "compacted more than the redelivery horizon ago" can be asked of the data itself
(:func:`compactable`, :meth:`streams.tables.CompactedTable.expire`).

Why event time and not the Kafka timestamp: a backfill's messages carry the time they were produced
(minutes apart for a year of events), which says nothing about how far the items have come. Why per
municipality and family: a source replaying its history beside another municipality's live stream (or a
telephony system back after a week's outage beside the letters system) must not be judged by the other's
clock; each item's events all belong to one family and one municipality, so its own source's watermark
is the one that can tell it is settled.

An event time later than the worker's wall clock advances the watermark only to the wall clock: a
source's wrong clock (a year 2099) must not settle every open item at once.

Durability: the watermarks are written to the ``compacted`` table's changelog (keys
``~watermark|municipality|family`` of each partition, value µs) before any compacted key is forgotten by
event time, so a restarted or newly assigned worker recovers a watermark at least as far as the one that
forgot keys (see ``CompactedTable``); between such writes a recovered watermark may lag, which only
postpones compaction until the source's next events.
"""

from __future__ import annotations

from monitor.config import Municipality
from monitor.indicators import is_final
from monitor.live import latest_us
from monitor.records import Record

WatermarkKey = tuple[int, str, str]
"""``(partition, municipality, family)``."""

_US = 1_000_000


class Watermarks:
    """The watermarks this worker knows: advanced by every folded event, recovered from the changelog."""

    def __init__(self) -> None:
        self.values: dict[WatermarkKey, int] = {}
        """Watermark per ``(partition, municipality, family)``, µs since the epoch."""
        self.progress_us = 0
        """The sum of every advance (µs of event time over all sources): how far the data moved."""

    def get(self, partition: int, municipality: str, family: str) -> int | None:
        return self.values.get((partition, municipality, family))

    def advance(self, partition: int, municipality: str, family: str, event_us: int, now_us: int) -> int | None:
        """An event of ``event_us`` was folded at ``now_us`` (wall clock); the later of the two never counts.
        Returns the watermark before (None: the source's first event), which the agent needs per event."""
        key = (partition, municipality, family)
        value = min(event_us, now_us)
        old = self.values.get(key)
        if old is None:
            self.values[key] = value
        elif value > old:
            self.values[key] = value
            self.progress_us += value - old
        return old

    def of_partition(self, partition: int) -> dict[tuple[str, str], int]:
        """``(municipality, family)`` → watermark of one partition."""
        return {(m, f): v for (p, m, f), v in self.values.items() if p == partition}


def compactable(record: Record, municipality: Municipality, updated: float, now: float, watermark_us: int | None,
                after: float, orphan_after: float, event_after: float | None = None) -> bool:
    """Whether ``record`` may leave the ``records`` table: a final record moves into ``daily``, an orphan (no
    originating event) is dropped. ``updated``, ``now``: Unix seconds (wall clock); ``watermark_us``: its
    source's watermark; ``after``, ``orphan_after``: seconds a final record, an orphan, must be settled;
    ``event_after``: seconds of event time a final record must be settled (None: wall clock only).

    Settled means either in wall-clock time (unchanged for ``after``, as live) or in event time (its
    source's watermark ``event_after`` past the record's latest event, as in a backfill). A final record must
    also be final (``is_final``) at that moment: an open letter, an uncompleted callback stay, however old.
    A partner event later than that behind its record meets no record any more: it is a ``compacted``
    duplicate (see ``streams.agents``)."""
    wait = orphan_after if record.origin is None else after
    event_wait = None if event_after is None else orphan_after if record.origin is None else event_after
    if now - updated >= wait:
        as_of = int(now * _US)
    elif (watermark_us is not None and event_wait is not None
          and _settled_before(record, watermark_us - event_wait * _US)):
        as_of = watermark_us
    else:
        return False
    return record.origin is None or is_final(record, municipality, as_of)



def _settled_before(record: Record, instant_us: int) -> bool:
    """Whether the record's latest event is at or before ``instant_us``; a record without any timed event
    (nothing but fields of events that set no slot) is not settled in event time."""
    try:
        return latest_us(record) <= instant_us
    except ValueError:
        return False

"""Where a report gets its items from: a JSON Lines file now, the stream's changelog tables later.

A :class:`ReportSource` hands :func:`monitor.report.build_report` the records of
one municipality whose originating event falls on the local days of a period,
plus — optionally — aggregates of items it has already evaluated itself. The
report evaluates the records at its ``as_of`` and adds the aggregates; the
source guarantees the two never cover the same item. The file source has no
aggregates (it evaluates every item); a stream source keeps per-day aggregates
of finished items and the records of open ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import IO, NamedTuple, Protocol, runtime_checkable

from monitor.aggregates import Aggregates
from monitor.config import Config
from monitor.events import InvalidEvent, parse_event
from monitor.indicators.base import local_day
from monitor.records import Record, RecordStore


@runtime_checkable
class ReportSource(Protocol):
    """What :func:`monitor.report.build_report` reads."""

    config: Config

    def records(self, municipality: str, first_day: date, end_day: date) -> Iterable[Record]:
        """Records of ``municipality`` whose originating event's local date is in ``[first_day, end_day)``
        and that the report must evaluate itself (items without an originating event are never returned)."""
        ...

    def aggregates(self, municipality: str, first_day: date, end_day: date,
                   as_of: datetime) -> Aggregates | None:
        """Pre-aggregated contributions (per local day) of items the source already evaluated and that
        stay the same at ``as_of``; None when it has none. Must not overlap :meth:`records`."""
        ...


class InvalidLine(NamedTuple):
    """One line of an event file that breaks the event contract (it is skipped, never fatal)."""

    line: int
    """1-based line number."""
    reason: str
    """One of ``monitor.events.REASONS``."""
    detail: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}: {self.detail}"


class EventFileSource:
    """Events from a JSON Lines file (EVENTS.md), validated and folded into records when constructed.

    Each line passes :func:`monitor.events.parse_event`; a line that fails is
    kept in :attr:`invalid` (line number, reason, detail) and skipped. Blank lines
    are skipped silently. ``municipalities`` limits which municipalities' records
    are kept (all lines are still validated); None keeps all. Raises OSError when
    the file cannot be read.
    """

    def __init__(self, path: Path | str | IO[bytes], config: Config, *,
                 municipalities: Collection[str] | None = None) -> None:
        self.config = config
        self.path = path
        self.invalid: list[InvalidLine] = []
        self.events = 0
        """Valid events read (duplicates included)."""
        self._keep = None if municipalities is None else frozenset(municipalities)
        self._store = RecordStore()
        if isinstance(path, (str, Path)):
            with open(path, "rb") as handle:
                self._read(handle)
        else:
            self._read(path)
        self._by_day = self._index()

    def records(self, municipality: str, first_day: date, end_day: date) -> Iterable[Record]:
        days = self._by_day.get(municipality, {})
        for day in sorted(days):
            if first_day <= day < end_day:
                yield from days[day]

    def aggregates(self, municipality: str, first_day: date, end_day: date,
                   as_of: datetime) -> Aggregates | None:
        return None

    @property
    def record_count(self) -> int:
        return len(self._store)

    def _read(self, handle: IO[bytes]) -> None:
        slugs = self.config.slugs
        keep = self._keep
        store = self._store
        invalid = self.invalid
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                event = parse_event(line, slugs)
            except InvalidEvent as exc:
                invalid.append(InvalidLine(number, exc.reason, exc.detail))
                continue
            self.events += 1
            if keep is None or event.municipality in keep:
                store.add(event)

    def _index(self) -> dict[str, dict[date, list[Record]]]:
        """Records by municipality and local day of their originating event (orphans left out)."""
        index: dict[str, dict[date, list[Record]]] = defaultdict(lambda: defaultdict(list))
        for (municipality, _, _), record in self._store.items():
            origin = record.origin_us
            if origin is not None:
                index[municipality][local_day(origin, self.config[municipality])].append(record)
        return {m: dict(days) for m, days in index.items()}

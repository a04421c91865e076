"""Where a report gets its items from: a JSON Lines file, or the stream's changelog tables.

A :class:`ReportSource` hands :func:`monitor.report.build_report` the records of
one municipality whose originating event falls on the local days of a period,
plus — optionally — aggregates of items it has already evaluated itself. The
report evaluates the records at its ``as_of`` and adds the aggregates; the
source guarantees the two never cover the same item. The file source has no
aggregates (it evaluates every item); a stream source keeps per-day aggregates
of finished items and the records of open ones.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, NamedTuple, Protocol, runtime_checkable

from monitor.aggregates import Aggregates
from monitor.config import Config
from monitor.events import InvalidEvent, parse_event
from monitor.indicators.base import local_day
from monitor.records import Record, RecordKey, RecordStore, record_from_json


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


class _RecordsByDay:
    """The read side both sources share: records by municipality and local day of origin."""

    config: Config
    _by_day: dict[str, dict[date, list[Record]]]

    def records(self, municipality: str, first_day: date, end_day: date) -> Iterable[Record]:
        days = self._by_day.get(municipality, {})
        for day in sorted(days):
            if first_day <= day < end_day:
                yield from days[day]

    def _index(self, store: RecordStore | Mapping[RecordKey, Record]) -> dict[str, dict[date, list[Record]]]:
        """Records by municipality and local day of their originating event (orphans left out)."""
        index: dict[str, dict[date, list[Record]]] = defaultdict(lambda: defaultdict(list))
        for (municipality, _, _), record in store.items():
            origin = record.origin_us
            if origin is not None:
                index[municipality][local_day(origin, self.config[municipality])].append(record)
        return {m: dict(days) for m, days in index.items()}


class EventFileSource(_RecordsByDay):
    """Events from a JSON Lines file (EVENTS.md), validated and folded into records when constructed.

    Each line passes :func:`monitor.events.parse_event`; a line that fails is
    kept in :attr:`invalid` (line number, reason, detail) and skipped, and so is a
    valid line whose folding raised (reason ``internal_error``, detail the exception type). Blank lines
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
        self._by_day = self._index(self._store)


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
                try:
                    store.add(event)
                except Exception as exc:  # noqa: BLE001 (a bug must name its line, not end the report)
                    self.events -= 1
                    invalid.append(InvalidLine(number, "internal_error", type(exc).__qualname__))



class StreamSource(_RecordsByDay):
    """The live system's durable state: the Faust workers' ``records`` and ``daily`` tables.

    The workers keep two tables (``streams/app.py``): ``records`` holds the
    record of every open item (key ``municipality|kind|item_id``, value
    ``{"record": Record.to_json(), "updated": unix_seconds}``) and ``daily`` the
    aggregates of finished items per local day (key ``municipality|YYYY-MM-DD``,
    value ``{"cells": Aggregates.to_json(), …}`` or the bare cells list). When an item is finished the worker adds
    its contributions to ``daily`` and deletes its record, so the two never
    cover the same item and the report needs both.

    Why the changelog topics and not a worker's web endpoint: the changelog is
    the same durable state the workers recover their tables from after a
    restart, so a report from it is exactly what the live system knows; it can
    be read while every worker is down (only Kafka has to be up); and no single
    worker holds all partitions of a table (each holds the partitions it is
    assigned), so asking one worker would give part of the items and asking all
    of them would race against rebalancing.

    This class is the domain half and does no I/O: ``records`` and ``daily`` are
    a table's current entries ``(key, value)`` as :mod:`streams.changelog` read
    them from Kafka (latest value per key and partition, deleted keys left
    out). A value may be decoded JSON or JSON text (bytes/str); None, empty or
    ``null`` (a tombstone) is skipped. The same key may come once per
    partition, because Faust keeps a table per source partition: ``daily``
    values of one key are added up, records of one item are joined
    (:meth:`Record.merge`, idempotent).

    Exactness: the daily aggregates hold items the workers judged finished
    (:func:`monitor.indicators.is_final`) at the time they folded them, so a
    report from the stream equals the offline report for every ``as_of`` at or
    after the last event of those items (a month's report at or after its end,
    as the programme reports are made); an earlier ``as_of`` sees finished
    items as finished.
    """

    def __init__(self, config: Config, records: Iterable[tuple[str, Any]], daily: Iterable[tuple[str, Any]],
                 *, municipalities: Collection[str] | None = None) -> None:
        self.config = config
        keep = None if municipalities is None else frozenset(municipalities)
        self.skipped = 0
        """Entries of municipalities the configuration does not know (left out)."""
        self._store: dict[RecordKey, Record] = {}
        self._aggregates: dict[str, Aggregates] = {}
        for key, value in records:
            self._add_record(key, value, keep)
        for key, value in daily:
            self._add_daily(key, value, keep)
        self._by_day = self._index(self._store)


    def aggregates(self, municipality: str, first_day: date, end_day: date,
                   as_of: datetime) -> Aggregates | None:
        cells = self._aggregates.get(municipality)
        if cells is None:
            return None
        return Aggregates(dict(cells.between(first_day, end_day)))

    @property
    def record_count(self) -> int:
        """Open items (records) read."""
        return len(self._store)

    @property
    def aggregate_cells(self) -> int:
        """(indicator, scope, day) cells of finished items read, over all municipalities."""
        return sum(len(cells) for cells in self._aggregates.values())

    def _keep(self, key: str, keep: frozenset[str] | None) -> str | None:
        municipality = key.split("|", 1)[0]
        if keep is not None and municipality not in keep:
            return None
        if municipality not in self.config.slugs:
            self.skipped += 1
            return None
        return municipality

    def _add_record(self, key: str, value: Any, keep: frozenset[str] | None) -> None:
        data = _json_value(value)
        if data is None or self._keep(key, keep) is None:
            return
        record = record_from_json(data["record"] if "record" in data else data)
        if record.municipality not in self.config.slugs:
            self.skipped += 1
            return
        known = self._store.get(record.key)
        if known is None:
            self._store[record.key] = record
        else:
            known.merge(record)

    def _add_daily(self, key: str, value: Any, keep: frozenset[str] | None) -> None:
        data = _json_value(value)
        municipality = None if data is None else self._keep(key, keep)
        if municipality is None:
            return
        cells = self._aggregates.get(municipality)
        if cells is None:
            cells = self._aggregates[municipality] = Aggregates()
        cells.merge(Aggregates.from_json(data["cells"] if isinstance(data, dict) else data))



def _json_value(value: Any) -> Any:
    """A changelog value as JSON data; None for a tombstone (None, empty, ``null``)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        value = bytes(value)
        if not value.strip():
            return None
        value = json.loads(value)
    elif isinstance(value, str):
        if not value.strip():
            return None
        value = json.loads(value)
    return value

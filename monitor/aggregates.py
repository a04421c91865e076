"""Exact, mergeable sums of contributions per (indicator, scope, local day), and the rows they roll up to.

An :class:`Aggregate` is four integers (``n``, ``hits``, ``sum``, ``pending``;
units in :mod:`monitor.indicators.base`). Adding and merging are integer sums, so
any split of the items over workers, days or partial tables gives the same
totals. The stream keeps the aggregates of *finished* items per day in a table
(:meth:`Aggregates.to_json` values); the report merges those with the
contributions of the open items evaluated at its ``as_of``.

Rows: every contribution carries the item's full scope (e.g. ``line`` and
``queue``). :func:`row_scopes` expands it into the report rows it belongs to —
the whole municipality (empty scope), one row per single dimension value, and
the full combination — so a row is always the exact sum of its items.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from monitor.indicators.base import SCALE, Contribution, ScopeKey, Unit

AggregateKey = tuple[str, ScopeKey, date]
"""``(indicator, full scope, local day)``."""

RowKey = tuple[str, ScopeKey]
"""``(indicator, row scope)``: one report row."""


@dataclass(slots=True)
class Aggregate:
    """Sums over items: ``n`` decided items, ``hits`` of them in the numerator (ratios), ``sum`` of
    their amounts in ``SCALE`` units (means), ``pending`` items with an outcome not known yet."""

    n: int = 0
    hits: int = 0
    sum: int = 0
    pending: int = 0

    def add(self, contribution: Contribution) -> None:
        self.n += contribution.n
        self.hits += contribution.hits
        self.sum += contribution.sum
        self.pending += contribution.pending

    def merge(self, other: "Aggregate") -> "Aggregate":
        """Add another aggregate into this one; returns self."""
        self.n += other.n
        self.hits += other.hits
        self.sum += other.sum
        self.pending += other.pending
        return self

    def value(self, unit: Unit) -> float | int | None:
        """The indicator value: ratio 0..1, mean in ``unit``, or the count; None without decided items."""
        if self.n == 0:
            return None
        if unit == "ratio":
            return self.hits / self.n
        if unit == "count":
            return self.n
        return self.sum / (self.n * SCALE[unit])

    def to_json(self) -> dict[str, int]:
        return {"n": self.n, "hits": self.hits, "sum": self.sum, "pending": self.pending}

    @classmethod
    def from_json(cls, data: dict[str, int]) -> "Aggregate":
        return cls(int(data["n"]), int(data["hits"]), int(data["sum"]), int(data["pending"]))


@dataclass
class Aggregates:
    """Aggregates by ``(indicator, full scope, local day)``."""

    cells: dict[AggregateKey, Aggregate] = field(default_factory=dict)

    def add(self, contribution: Contribution) -> None:
        key = (contribution.indicator, contribution.scope, contribution.day)
        cell = self.cells.get(key)
        if cell is None:
            cell = self.cells[key] = Aggregate()
        cell.add(contribution)

    def add_all(self, contributions: Iterable[Contribution]) -> "Aggregates":
        for contribution in contributions:
            self.add(contribution)
        return self

    def merge(self, other: "Aggregates") -> "Aggregates":
        """Add every cell of ``other`` into this one; returns self."""
        for key, theirs in other.cells.items():
            cell = self.cells.get(key)
            if cell is None:
                cell = self.cells[key] = Aggregate()
            cell.merge(theirs)
        return self

    def between(self, first_day: date, end_day: date) -> Iterator[tuple[AggregateKey, Aggregate]]:
        """Cells whose local day is in ``[first_day, end_day)``."""
        return ((key, cell) for key, cell in self.cells.items() if first_day <= key[2] < end_day)

    def rows(self, first_day: date | None = None, end_day: date | None = None) -> dict[RowKey, Aggregate]:
        """Roll the cells (optionally only the days in ``[first_day, end_day)``) up into report rows."""
        result: dict[RowKey, Aggregate] = {}
        cells = self.cells.items() if first_day is None or end_day is None else self.between(first_day, end_day)
        for (indicator, scope, _), cell in cells:
            for row_scope in row_scopes(scope):
                row = result.get((indicator, row_scope))
                if row is None:
                    row = result[(indicator, row_scope)] = Aggregate()
                row.merge(cell)
        return result

    def to_json(self) -> list[dict[str, Any]]:
        """JSON-serialisable list of cells, sorted (diffs cleanly)."""
        return [
            {"indicator": indicator, "scope": dict(scope), "day": day.isoformat(), **cell.to_json()}
            for (indicator, scope, day), cell in sorted(self.cells.items(), key=lambda kv: (
                kv[0][0], kv[0][1], kv[0][2]))
        ]

    @classmethod
    def from_json(cls, data: Iterable[dict[str, Any]]) -> "Aggregates":
        result = cls()
        for item in data:
            key = (item["indicator"], tuple((str(k), str(v)) for k, v in item["scope"].items()),
                   date.fromisoformat(item["day"]))
            cell = result.cells.get(key)
            if cell is None:
                cell = result.cells[key] = Aggregate()
            cell.merge(Aggregate.from_json(item))
        return result

    def __len__(self) -> int:
        return len(self.cells)


def row_scopes(scope: ScopeKey) -> tuple[ScopeKey, ...]:
    """The report rows an item with full ``scope`` counts in: ``()``, each single dimension, the whole
    combination. ``(("line","14033"),("queue","algemeen"))`` → (), line, queue, line+queue."""
    if not scope:
        return ((),)
    if len(scope) == 1:
        return ((), scope)
    return ((), *((part,) for part in scope), scope)

"""The export table: report rows laid out as the programme texts' indicator tables.

One row per indicator and scope; one column per month of the period, the period
total and, where a norm compares with it, the previous year. Every cell is a
:class:`~monitor.report.ReportRow` taken as it is: the export never recomputes
a formula nor re-derives which norm applied, so its numbers equal ``kcc-monitor report``
for the same events and period. The total column is its own report over the
whole period (computed from the events), not an average of the months.

The writers (``xlsx``, ``csv``, ``markdown``, ``html``) and ``charts`` only read
an :class:`ExportTable`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from monitor import nl
from monitor.config import Municipality, Norm
from monitor.indicators import REGISTRY
from monitor.norms import uses_previous_year
from monitor.periods import Period
from monitor.report import Report, ReportRow

ReportFor = Callable[[Period], Report]
"""Builds the report of one period."""

ColumnKind = Literal["month", "total", "previous_year"]
ScopeKey = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Column:
    """A value column: one month, the period total, or the same period a year earlier."""

    kind: ColumnKind
    period: Period
    title: str


@dataclass(frozen=True)
class Cell:
    """One report row (indicator × scope × period), unchanged except for display text.

    ``value`` is in the row's unit: ratio 0..1, minutes, seconds, grade 1–10 or a
    count; ``None`` when there were no items. ``n`` items, ``pending`` items whose
    outcome was not yet known at ``as_of``. ``norm`` is the norm that applied,
    ``target`` what the value was measured against (see :class:`~monitor.report.ReportRow`).
    """

    value: float | None
    status: str
    provisional: bool
    n: int
    hits: int | None
    pending: int
    norm: Norm | None
    target: float | None
    text: str
    """The value for people ("83,0%", "4,3 min", "–"), with "*" when provisional."""

    @property
    def missed(self) -> bool:
        return self.status == "misses_norm"

    @property
    def short_text(self) -> str:
        """The text without a unit word ("4,3" for "4,3 min"), for narrow month columns."""
        return self.text.replace(f" {nl.UNITS['minutes']}", "").replace(f" {nl.UNITS['seconds']}", "")


@dataclass(frozen=True)
class Row:
    indicator: str
    scope: ScopeKey
    label: str
    unit: str
    norm_label: str
    """The norm(s) in the texts' words; several months with different norms are joined with "; "."""
    cells: tuple[Cell, ...]
    """One per column of the table, in the same order."""

    @property
    def scope_dict(self) -> dict[str, str]:
        return dict(self.scope)

    @property
    def is_municipality_wide(self) -> bool:
        return not self.scope

    def cell(self, columns: tuple[Column, ...], kind: ColumnKind) -> Cell | None:
        for column, cell in zip(columns, self.cells):
            if column.kind == kind:
                return cell
        return None


@dataclass(frozen=True)
class ExportTable:
    municipality: Municipality
    period: Period
    as_of: str
    """The reports' ``as_of`` (ISO 8601): outcomes known at that moment."""
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    reports: Mapping[str, Report] = field(repr=False, default_factory=dict)
    """The underlying reports by column period label, for audit and tests."""

    @property
    def title(self) -> str:
        return nl.Export.title(self.municipality.name, self.period)

    @property
    def subtitle(self) -> str:
        return nl.Export.subtitle(datetime.fromisoformat(self.as_of).astimezone(self.municipality.tz))

    @property
    def total_index(self) -> int:
        return next(i for i, c in enumerate(self.columns) if c.kind == "total")

    def total(self, row: Row) -> Cell:
        return row.cells[self.total_index]

    @property
    def month_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind == "month")

    @property
    def provisional_rows(self) -> int:
        """Rows whose period total is provisional (an outcome still pending)."""
        return sum(1 for r in self.rows if self.total(r).provisional)

    @property
    def missed_rows(self) -> int:
        """Rows whose period total misses its norm."""
        return sum(1 for r in self.rows if self.total(r).missed)

    @property
    def footnotes(self) -> tuple[str, ...]:
        notes = []
        if any(c.provisional for r in self.rows for c in r.cells):
            notes.append(nl.PROVISIONAL_NOTE)
        notes.append(nl.NO_DATA_NOTE)
        if self.month_columns and len(self.month_columns) > 1:
            notes.append(nl.Export.total_note(self.columns[self.total_index].title))
        if any(c.kind == "previous_year" for c in self.columns):
            notes.append(nl.Export.PREVIOUS_YEAR_NOTE)
        return tuple(notes)

    def summary(self, out: str) -> str:
        """"Export klaar: 38 rijen, 4 voorlopig, 3 normen niet gehaald → out.xlsx"."""
        return nl.Export.summary(len(self.rows), self.provisional_rows, self.missed_rows, out)


def build_table(municipality: Municipality, period: Period, report_for: ReportFor, *,
                previous_year: bool | None = None,
                on_report: Callable[[int, int, Period], None] | None = None) -> ExportTable:
    """Lay out the reports of ``period`` (and of each of its months) as an export table.

    ``period`` is a month, quarter or year. ``report_for(p)`` returns the report
    for period ``p``; it is called once per month, once for the whole
    period and, with ``previous_year`` (default: when a configured norm compares
    with the previous year), once for the same period a year earlier.
    ``on_report(done, total, period)`` is called before each report, for progress.
    """
    if period.kind not in ("month", "quarter", "year"):
        raise ValueError(f"an export covers a month, quarter or year, not a {period.kind} ({period.label})")
    if previous_year is None:
        previous_year = uses_previous_year(municipality)

    columns: list[Column] = []
    if period.kind != "month":
        short = period.kind == "year"
        columns += [Column("month", p, nl.month_column_title(p, short=short))
                    for p in period.month_periods()]
    columns.append(Column("total", period, nl.period_title(period)))
    if previous_year:
        before = period.previous_year()
        columns.append(Column("previous_year", before, nl.Export.previous_year_column(before)))

    reports: dict[str, Report] = {}
    for i, column in enumerate(columns):
        if on_report is not None:
            on_report(i, len(columns), column.period)
        report = report_for(column.period)
        _check_report(report, municipality, column.period)
        reports[column.period.label] = report
    if on_report is not None:
        on_report(len(columns), len(columns), period)

    as_of = reports[period.label].as_of.isoformat()
    rows = _rows(municipality, period, columns, reports)
    return ExportTable(municipality=municipality, period=period, as_of=as_of,
                       columns=tuple(columns), rows=rows, reports=reports)


def _check_report(report: Report, municipality: Municipality, period: Period) -> None:
    if report.municipality != municipality.slug:
        raise ValueError(f"report for {report.municipality!r}, expected {municipality.slug!r}")
    if report.period.label != period.label:
        raise ValueError(f"report for period {report.period.label!r}, expected {period.label!r}")


def _key(row: ReportRow) -> tuple[str, ScopeKey]:
    return row.id, tuple(sorted(row.scope))


def _rows(municipality: Municipality, period: Period, columns: list[Column],
          reports: Mapping[str, Report]) -> tuple[Row, ...]:
    # Row order: the total report's order, then rows that only appear in a month
    # or the previous year; grouped by indicator in registry order.
    order: list[tuple[str, ScopeKey]] = []
    sequence = [c for c in columns if c.kind == "total"] + [c for c in columns if c.kind != "total"]
    items_by_period: dict[str, dict[tuple[str, ScopeKey], ReportRow]] = {}
    for column in sequence:
        items = {}
        for item in reports[column.period.label].rows:
            key = _key(item)
            items[key] = item
            if key not in order and column.kind != "previous_year":
                order.append(key)
        items_by_period[column.period.label] = items
    by_column = [items_by_period[c.period.label] for c in columns]
    rank = {ind: i for i, ind in enumerate(REGISTRY.ids())}
    position = {k: i for i, k in enumerate(order)}
    order.sort(key=lambda k: (rank.get(k[0], len(rank)), position[k]))

    rows = []
    for key in order:
        indicator, scope = key
        present = [items[key] for items in by_column if key in items]
        unit = present[0].unit
        cells = tuple(_cell(items.get(key), unit) for items in by_column)
        norms: list[str] = []
        for column, items in zip(columns, by_column):
            if column.kind == "previous_year" or key not in items:
                continue
            text = nl.norm_text(items[key].norm, unit)
            if text and text not in norms:
                norms.append(text)
        rows.append(Row(indicator=indicator, scope=scope,
                        label=nl.row_label(indicator, dict(scope), municipality),
                        unit=unit, norm_label="; ".join(norms), cells=cells))
    return _distinct_labels(rows)


def _distinct_labels(rows: list[Row]) -> tuple[Row, ...]:
    """Rows whose Dutch names coincide get their scope added, so every row reads as its own line."""
    seen: dict[str, int] = {}
    for row in rows:
        seen[row.label] = seen.get(row.label, 0) + 1
    return tuple(
        replace(row, label=f"{row.label} [{', '.join(f'{k}={v}' for k, v in row.scope) or nl.Export.MUNICIPALITY_WIDE}]")
        if seen[row.label] > 1 else row
        for row in rows
    )


def _cell(item: ReportRow | None, unit: str) -> Cell:
    if item is None:  # the indicator had no data for this scope in that period
        return Cell(value=None, status="no_data", provisional=False, n=0, hits=None, pending=0,
                    norm=None, target=None, text=nl.DASH)
    value = None if item.value is None else float(item.value)
    text = nl.format_value(value, unit)
    if item.provisional:
        text += nl.PROVISIONAL_MARK
    return Cell(value=value, status=item.status, provisional=item.provisional, n=item.n, hits=item.hits,
                pending=item.pending, norm=item.norm, target=item.target, text=text)

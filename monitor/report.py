"""The offline indicator report of one municipality and period (KPIS.md "Report rows"), and its renderers.

:func:`build_report` takes any :class:`monitor.sources.ReportSource`: it
evaluates the source's records at ``as_of`` with :mod:`monitor.indicators`, adds
the source's pre-aggregated contributions, rolls the day cells of the period up
into rows (:mod:`monitor.aggregates`) and asks :mod:`monitor.norms` for each
row's norm and status. It computes no formula of its own.

The result is a :class:`Report` of typed :class:`ReportRow` s, each carrying the
:class:`~monitor.config.Norm` that applied: the export and the commands read
fields and never re-derive which norm applied. JSON exists only when rendering
(:func:`render_json`, :meth:`Report.as_json`).

Rows: for each indicator in registry order (:data:`monitor.indicators.spec.REGISTRY`),
the whole-municipality row (always present; ``value`` null and status ``no_data``
without items), then one row per single scope dimension value with data, then
one per full combination with data (e.g. ``{line, queue}``) — sorted by number
of dimensions, the indicator's dimension order, then value. ``hits`` is the
numerator of ratios and None for other units; for ``count`` rows ``value`` = ``n``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from monitor import nl
from monitor.aggregates import Aggregate, Aggregates, RowKey
from monitor.config import Municipality, Norm
from monitor.indicators import REGISTRY, contributions
from monitor.indicators.base import ScopeKey, as_us
from monitor.indicators.spec import Unit
from monitor.norms import Status, applicable_norm, norm_json, status, target
from monitor.periods import Period
from monitor.sources import ReportSource

FORMATS = ("json", "csv", "table")


@dataclass(frozen=True)
class ReportRow:
    """One report row: an indicator in one scope over the report's period.

    ``value`` is in ``unit`` (ratio 0..1, minutes, seconds, grade, count); None
    without decided items. ``n`` decided items, ``hits`` the numerator of a ratio
    (None for other units), ``pending`` items whose outcome is not known at
    ``as_of``. ``norm`` is the configured norm that applied (None: no norm);
    ``target`` what the value was measured against — the norm's target, or the
    previous year's value for a ``compare: previous_year`` norm (None if unknown).
    """

    id: str
    scope: ScopeKey
    unit: Unit
    value: float | None
    n: int
    hits: int | None
    pending: int
    norm: Norm | None
    target: float | None
    status: Status
    provisional: bool

    @property
    def scope_dict(self) -> dict[str, str]:
        return dict(self.scope)

    def as_json(self) -> dict[str, Any]:
        """The row as KPIS.md "Report rows" writes it."""
        return {
            "id": self.id,
            "scope": self.scope_dict,
            "unit": self.unit,
            "value": self.value,
            "n": self.n,
            "hits": self.hits,
            "pending": self.pending,
            "norm": norm_json(self.norm, self.target),
            "status": self.status,
            "provisional": self.provisional,
        }


@dataclass(frozen=True)
class Report:
    """The report of one municipality and period at ``as_of`` (aware, the municipality's zone)."""

    municipality: str
    period: Period
    as_of: datetime
    rows: tuple[ReportRow, ...]
    invalid_events: int | None = None
    """Lines of an event file skipped as invalid (None when the source is not a file)."""

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "municipality": self.municipality,
            "period": self.period.as_json(),
            "as_of": self.as_of.isoformat(),
            "indicators": [row.as_json() for row in self.rows],
        }
        if self.invalid_events is not None:
            out["invalid_events"] = self.invalid_events
        return out


def build_report(source: ReportSource, municipality: str, period: Period, as_of: datetime) -> Report:
    """The report of ``municipality`` for ``period`` with the outcomes known at ``as_of`` (aware).

    Norms that compare with the previous year get the same row of the same
    period one year earlier, computed from the same source at the same ``as_of``.
    Raises KeyError for a municipality the source's configuration does not know.
    """
    config = source.config[municipality]
    rows = period_rows(source, config, period, as_of)
    previous: dict[RowKey, Aggregate] | None = None
    result = []
    for spec in REGISTRY:
        scopes = {scope for (ind, scope) in rows if ind == spec.id} | {()}
        for scope in sorted(scopes, key=lambda scope: _scope_order(spec.scope, scope)):
            aggregate = rows.get((spec.id, scope), Aggregate())
            value = aggregate.value(spec.unit)
            norm = applicable_norm(config, spec.id, dict(scope), period)
            before = None
            if norm is not None and norm.compare == "previous_year":
                if previous is None:
                    previous = period_rows(source, config, period.previous_year(), as_of)
                before = previous.get((spec.id, scope), Aggregate()).value(spec.unit)
            goal = target(norm, before)
            result.append(ReportRow(
                id=spec.id, scope=scope, unit=spec.unit, value=value, n=aggregate.n,
                hits=aggregate.hits if spec.unit == "ratio" else None, pending=aggregate.pending,
                norm=norm, target=goal, status=status(norm, value, goal), provisional=aggregate.pending > 0,
            ))
    return Report(municipality=municipality, period=period, as_of=as_of.astimezone(config.tz), rows=tuple(result))


def period_aggregates(source: ReportSource, municipality: Municipality, period: Period,
                      as_of: datetime) -> Aggregates:
    """Per-day aggregates of every item of ``period`` at ``as_of``: the source's own aggregates plus its
    records evaluated now."""
    as_of_us = as_us(as_of)
    cells = Aggregates()
    given = source.aggregates(municipality.slug, period.first_day, period.end_day, as_of)
    if given is not None:
        cells.merge(given)
    for record in source.records(municipality.slug, period.first_day, period.end_day):
        cells.add_all(contributions(record, municipality, as_of_us))
    return cells


def period_rows(source: ReportSource, municipality: Municipality, period: Period,
                as_of: datetime) -> dict[RowKey, Aggregate]:
    """The report rows (indicator, row scope) of ``period`` at ``as_of``, before norms."""
    return period_aggregates(source, municipality, period, as_of).rows(period.first_day, period.end_day)


def _scope_order(dimensions: tuple[str, ...], scope: ScopeKey) -> tuple[Any, ...]:
    return (len(scope), tuple(dimensions.index(d) for d, _ in scope), tuple(v for _, v in scope))


# ---------------------------------------------------------------- renderers

def render(report: Report, fmt: str) -> str:
    """The report as ``json``, ``csv`` or ``table`` text."""
    return {"json": render_json, "csv": render_csv, "table": render_table}[fmt](report)


def render_json(report: Report) -> str:
    """Indented JSON, keys in the KPIS.md order, UTF-8 text."""
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ("municipality", "period", "as_of", "indicator", "scope", "unit", "value", "n", "hits",
               "pending", "norm_op", "norm_target", "status", "provisional")


def render_csv(report: Report) -> str:
    """RFC 4180 CSV (comma-separated, dot decimals, full precision), one line per row, for tools.

    ``scope`` is ``dimension=value`` pairs joined by ``;`` (empty for the whole
    municipality); null values are empty cells. The Dutch, rounded spreadsheet
    is ``kcc-monitor export``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    as_of = report.as_of.isoformat()
    for row in report.rows:
        writer.writerow([
            report.municipality, report.period.label, as_of, row.id,
            ";".join(f"{k}={v}" for k, v in row.scope), row.unit,
            _plain(row.value), row.n, _plain(row.hits), row.pending,
            row.norm.op if row.norm else "", _plain(row.target) if row.norm else "", row.status,
            "true" if row.provisional else "false",
        ])
    return out.getvalue()


def render_table(report: Report) -> str:
    """A readable fixed-width table in Dutch (values rounded for display only, "–" for no value,
    "*" after a provisional value)."""
    period = report.period
    last_day = period.end_day - timedelta(days=1)
    lines = [nl.ReportTable.heading(report.municipality, period.label, period.first_day.isoformat(),
                                    last_day.isoformat(), report.as_of.isoformat())]
    table = [nl.ReportTable.HEADER]
    for row in report.rows:
        scope = ", ".join(f"{k}={v}" for k, v in row.scope) or nl.ReportTable.WHOLE
        value = nl.format_value(row.value, row.unit) + (nl.PROVISIONAL_MARK if row.provisional else " ")
        norm_text = f"{nl.OPS[row.norm.op]} {nl.format_value(row.target, row.unit)}" if row.norm else ""
        table.append((row.id, scope, value, str(row.n), str(row.pending), norm_text, nl.STATUS[row.status]))
    widths = [max(len(r[i]) for r in table) for i in range(len(nl.ReportTable.HEADER))]
    right = {2, 3, 4}
    for r in table:
        lines.append("  ".join(cell.rjust(w) if i in right else cell.ljust(w)
                               for i, (cell, w) in enumerate(zip(r, widths))).rstrip())
    if any(row.provisional for row in report.rows):
        lines.append(nl.ReportTable.PROVISIONAL)
    if report.invalid_events is not None:
        lines.append(nl.ReportTable.invalid_lines(report.invalid_events))
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> str:
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)

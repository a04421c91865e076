"""The offline indicator report of one municipality and period (KPIS.md "Report rows"), and its renderers.

:func:`build_report` takes any :class:`monitor.sources.ReportSource`: it
evaluates the source's records at ``as_of`` with :mod:`monitor.indicators`, adds
the source's pre-aggregated contributions, rolls the day cells of the period up
into rows (:mod:`monitor.aggregates`) and asks :mod:`monitor.norms` for each
row's norm and status. It computes no formula of its own.

Rows: for each indicator in ``config.INDICATORS`` order, the whole-municipality
row (always present; ``value`` null and status ``no_data`` without items), then
one row per single scope dimension value with data, then one per full
combination with data (e.g. ``{line, queue}``) — sorted by number of
dimensions, the indicator's dimension order (KPIS.md table), then value. ``hits`` is the numerator of
ratios and null for other units; for ``count`` rows ``value`` = ``n``.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from typing import Any

from monitor.aggregates import Aggregate, Aggregates, RowKey
from monitor.config import INDICATORS, Municipality
from monitor.indicators import SCOPES, UNITS, contributions
from monitor.indicators.base import ScopeKey, as_us
from monitor.periods import Period
from monitor.sources import ReportSource

FORMATS = ("json", "csv", "table")


def build_report(source: ReportSource, municipality: str, period: Period, as_of: datetime) -> dict[str, Any]:
    """The report dict of ``municipality`` for ``period`` with the outcomes known at ``as_of`` (aware).

    Norms that compare with the previous year get the same row of the same
    period one year earlier, computed from the same source at the same ``as_of``.
    Raises KeyError for a municipality the source's configuration does not know.
    """
    from monitor.norms import applicable_norm, evaluate

    config = source.config[municipality]
    rows = period_rows(source, config, period, as_of)
    previous: dict[RowKey, Aggregate] | None = None
    result = []
    for indicator in INDICATORS:
        unit = UNITS[indicator]
        scopes = {scope for (ind, scope) in rows if ind == indicator} | {()}
        for scope in sorted(scopes, key=lambda scope: _scope_order(indicator, scope)):
            aggregate = rows.get((indicator, scope), Aggregate())
            value = aggregate.value(unit)
            scope_dict = dict(scope)
            norm = applicable_norm(config, indicator, scope_dict, period)
            before = None
            if norm is not None and norm.compare == "previous_year":
                if previous is None:
                    previous = period_rows(source, config, period.previous_year(), as_of)
                before = previous.get((indicator, scope), Aggregate()).value(unit)
            norm_json, status = evaluate(norm, value, previous=before)
            result.append({
                "id": indicator,
                "scope": scope_dict,
                "unit": unit,
                "value": value,
                "n": aggregate.n,
                "hits": aggregate.hits if unit == "ratio" else None,
                "pending": aggregate.pending,
                "norm": norm_json,
                "status": status,
                "provisional": aggregate.pending > 0,
            })
    return {
        "municipality": municipality,
        "period": period.as_json(),
        "as_of": as_of.astimezone(config.tz).isoformat(),
        "indicators": result,
    }


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


def _scope_order(indicator: str, scope: ScopeKey) -> tuple[Any, ...]:
    dimensions = SCOPES[indicator]
    return (len(scope), tuple(dimensions.index(d) for d, _ in scope), tuple(v for _, v in scope))


# ---------------------------------------------------------------- renderers

def render(report: dict[str, Any], fmt: str) -> str:
    """The report as ``json``, ``csv`` or ``table`` text."""
    return {"json": render_json, "csv": render_csv, "table": render_table}[fmt](report)


def render_json(report: dict[str, Any]) -> str:
    """Indented JSON, keys in the KPIS.md order, UTF-8 text."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ("municipality", "period", "as_of", "indicator", "scope", "unit", "value", "n", "hits",
               "pending", "norm_op", "norm_target", "status", "provisional")


def render_csv(report: dict[str, Any]) -> str:
    """RFC 4180 CSV (comma-separated, dot decimals, full precision), one line per row, for tools.

    ``scope`` is ``dimension=value`` pairs joined by ``;`` (empty for the whole
    municipality); null values are empty cells. The Dutch, rounded spreadsheet
    is ``kcc-monitor export``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report["indicators"]:
        norm = row["norm"] or {}
        writer.writerow([
            report["municipality"], report["period"]["label"], report["as_of"], row["id"],
            ";".join(f"{k}={v}" for k, v in row["scope"].items()), row["unit"],
            _plain(row["value"]), row["n"], _plain(row["hits"]), row["pending"],
            norm.get("op", ""), _plain(norm.get("target")), row["status"],
            "true" if row["provisional"] else "false",
        ])
    return out.getvalue()


_STATUS_NL = {"meets_norm": "voldoet", "misses_norm": "voldoet niet", "no_norm": "geen norm",
              "no_data": "geen gegevens"}
_OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}
_HEADER = ("Indicator", "Onderdeel", "Waarde", "n", "Open", "Norm", "Status")


def render_table(report: dict[str, Any]) -> str:
    """A readable fixed-width table in Dutch (values rounded for display only, "–" for no value,
    "*" after a provisional value)."""
    period = report["period"]
    last_day = date.fromisoformat(period["end"][:10]) - timedelta(days=1)
    lines = [f"Gemeente {report['municipality']} · periode {period['label']} "
             f"({period['start'][:10]} t/m {last_day.isoformat()}) · stand {report['as_of']}"]
    table = [_HEADER]
    for row in report["indicators"]:
        scope = ", ".join(f"{k}={v}" for k, v in row["scope"].items()) or "totaal"
        value = _display(row["value"], row["unit"]) + ("*" if row["provisional"] else " ")
        norm = row["norm"]
        norm_text = f"{_OPS.get(norm['op'], norm['op'])} {_display(norm.get('target'), row['unit'])}" if norm else ""
        table.append((row["id"], scope, value, str(row["n"]), str(row["pending"]), norm_text,
                      _STATUS_NL.get(row["status"], row["status"])))
    widths = [max(len(r[i]) for r in table) for i in range(len(_HEADER))]
    right = {2, 3, 4}
    for r in table:
        lines.append("  ".join(cell.rjust(w) if i in right else cell.ljust(w)
                               for i, (cell, w) in enumerate(zip(r, widths))).rstrip())
    if any(row["provisional"] for row in report["indicators"]):
        lines.append("* voorlopig: er zijn nog open items (kolom Open)")
    if "invalid_events" in report:
        lines.append(f"Ongeldige regels overgeslagen: {report['invalid_events']}")
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> str:
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def _display(value: Any, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "ratio":
        text = f"{value * 100:.1f}%"
    elif unit == "minutes":
        text = f"{value:.1f} min"
    elif unit == "seconds":
        text = f"{value:.0f} s"
    elif unit == "grade":
        text = f"{value:.1f}"
    else:
        text = f"{value:.0f}" if isinstance(value, float) else str(value)
    return text.replace(".", ",")

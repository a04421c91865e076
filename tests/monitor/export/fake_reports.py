"""Hand-made reports (typed rows, as ``monitor.report`` builds them), for the export's unit tests.

The export only lays report rows out; these fakes give it every case it must
show: a ratio, minutes, a grade, a count, a missed norm, no norm, no data, a
provisional row, a scoped row, and a row that exists in some months only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from monitor.config import Norm
from monitor.periods import Period
from monitor.report import Report, ReportRow

AS_OF = "2027-01-15T00:00:00+01:00"


def _status(value: float | None, norm: dict[str, Any] | None) -> str:
    if value is None:
        return "no_data"
    if norm is None:
        return "no_norm"
    ok = value >= norm["target"] if norm["op"] == ">=" else value <= norm["target"]
    return "meets_norm" if ok else "misses_norm"


def _row(ind: str, scope: dict[str, str], unit: str, value: float | None, n: int,
         norm: dict[str, Any] | None, *, hits: int | None = None, pending: int = 0) -> ReportRow:
    configured = None if norm is None else Norm(indicator=ind, scope=scope, **norm)
    return ReportRow(id=ind, scope=tuple(scope.items()), unit=unit, value=value, n=n, hits=hits,  # type: ignore[arg-type]
                     pending=pending, norm=configured, target=None if norm is None else norm["target"],
                     status=_status(value, norm), provisional=pending > 0)  # type: ignore[arg-type]


def fake_report(municipality: str, period: Period) -> Report:
    """A deterministic Groningen-like report; values vary with the period's first month."""
    m = period.first_day.month
    whole = period.kind != "month"
    rows = [
        _row("direct_geholpen", {}, "ratio", None, 0, {"op": ">=", "target": 0.8}),
        _row("terugbellen_1_werkdag", {}, "ratio", 0.70 + 0.02 * m if not whole else 0.81, 100 * m,
             {"op": ">=", "target": 0.8}, hits=int((0.70 + 0.02 * m) * 100 * m)),
        _row("terugbellen_2_werkdagen", {}, "ratio", 0.9, 50, {"op": ">=", "target": 0.8}, hits=45,
             pending=3 if (m == 12 or whole) else 0),
        _row("wachttijd_balie", {"visit_type": "appointment"}, "minutes", 4.25 + 0.2 * m, 300, 
             {"op": "<=", "target": 5}),
        _row("klanttevredenheid", {"channel": "counter", "location": "kreupelstraat"}, "grade",
             8.64, 40, {"op": ">=", "target": 8}),
        _row("klanttevredenheid", {"channel": "phone"}, "grade", 7.35, 25, {"op": ">=", "target": 7.5}),
        _row("contacten", {"channel": "phone"}, "count", 1234.0 * (12 if whole else 1), 1234 * (12 if whole else 1),
             None),
    ]
    if m % 2 == 0 or whole:  # present in even months and in the total only
        rows.insert(4, _row("wachttijd_balie", {"visit_type": "walk_in"}, "minutes", 16.0, 20,
                            {"op": "<=", "target": 15}))
    return Report(municipality=municipality, period=period, as_of=datetime.fromisoformat(AS_OF), rows=tuple(rows))




def one_row_report(municipality: str, period: Period, row: ReportRow) -> Report:
    """A report of a single row (the row's own norm and status as given)."""
    return Report(municipality=municipality, period=period, as_of=datetime.fromisoformat("2027-01-01T00:00:00+01:00"),
                  rows=(row,))

"""Which configured norm applies to a report row, and whether the row's value meets it.

KPIS.md "Norms from the programme texts": a norm is ``>=``/``<=`` (``>``/``<``
for "above the previous year") a fixed target or the value of the same period
one year earlier, optionally limited to months, optionally naming part of a
scope. Norms live in configuration (``Municipality.norms``); this module holds
the three rules that turn them into a row's ``norm`` and ``status``, for every
reader: the report (:func:`applicable_norm`), the export (which reads the
report rows' norms), the alert rules' test expectations and the dashboards'
colours (:func:`applicable_norms` without months: a live value is "now", so
every seasonal norm of the row may apply; the alert rules express the month
rule in PromQL on the local month). Norm targets are in the indicator's report
unit; :func:`monitor.indicators.spec.to_live` converts them for live values.

Scope containment
    A norm applies to every row of its indicator whose scope contains all of the
    norm's scope items: ``{visit_type: walk_in}`` applies to
    ``{visit_type: walk_in}`` and ``{visit_type: walk_in, location: stadhuis}``,
    not to the municipality-wide row ``{}`` nor to ``{visit_type: appointment}``.
    A norm with an empty scope applies to every row of its indicator.

Months on periods longer than a month
    A month-limited norm applies only when *every* month the period touches is one
    of its months. A month report gets the norm of its month; a quarter or year (or
    an ISO week across a month boundary) that mixes months of two seasonal norms
    gets neither, so Amersfoort's walk-in row is ``no_norm`` for Q2 (April at 93%,
    May–June at 90%) and Q3 (July–August at 90%, September at 93%), and measured
    against 93% for Q1 and Q4. Why not the stricter norm, or a month-weighted
    target: the programme text sets a norm per season, not per quarter; holding
    a quarter to 93% blames the summer months for missing a norm they do not have,
    and a weighted 91% is a number nobody decided. The month reports carry the
    seasonal verdicts.

Several norms
    The most specific applicable norm (most scope items) wins; on a tie, the first
    in the configuration file.

Status: ``no_data`` when the value is unknown (even if a norm applies — the norm
JSON is still returned, so the report shows what the row is measured against);
``no_norm`` when no norm applies, or when a previous-year norm has no previous
value (JSON ``{"op": ..., "compare": "previous_year", "target": null}``);
otherwise ``meets_norm``/``misses_norm``. Values and targets are compared
exactly as given, without rounding; a value equal to the target meets ``>=`` and
``<=`` and misses ``>`` and ``<``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from monitor.config import Municipality, Norm
from monitor.periods import Period

Status = Literal["meets_norm", "misses_norm", "no_norm", "no_data"]
STATUSES: tuple[Status, ...] = ("meets_norm", "misses_norm", "no_norm", "no_data")

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt,
}


def norm_applies(norm: Norm, indicator: str, scope: Mapping[str, str], months: Iterable[int] | None = None) -> bool:
    """Whether ``norm`` applies to the row ``(indicator, scope)`` over ``months`` (every month the period
    touches; None = whichever month it is, as live values and dashboards ask).

    The one rule of the module docstring: scope containment, and every month in the norm's months.
    """
    if norm.indicator != indicator:
        return False
    if not all(scope.get(key) == value for key, value in norm.scope.items()):
        return False
    return months is None or norm.months is None or set(months) <= set(norm.months)


def applicable_norms(municipality: Municipality, indicator: str, scope: Mapping[str, str],
                     months: Iterable[int] | None = None) -> list[Norm]:
    """Every norm of ``municipality`` that applies to ``(indicator, scope)`` over ``months``, in file order."""
    wanted = None if months is None else tuple(months)
    return [norm for norm in municipality.norms if norm_applies(norm, indicator, scope, wanted)]


def applicable_norm(municipality: Municipality, indicator: str, scope: Mapping[str, str],
                    period: Period) -> Norm | None:
    """The norm of ``municipality`` that applies to the row ``(indicator, scope)`` in ``period``, or None.

    ``scope`` is the row's scope (dimension → value; ``{}`` for the whole
    municipality). See the module docstring for containment, months and ties.
    """
    best: Norm | None = None
    for norm in applicable_norms(municipality, indicator, scope, period.months):
        if best is None or len(norm.scope) > len(best.scope):  # strictly more specific: first wins ties
            best = norm
    return best


def uses_previous_year(municipality: Municipality) -> bool:
    """Whether any of the municipality's norms compares with the previous year (Hengelo)."""
    return any(n.compare == "previous_year" for n in municipality.norms)


def status(norm: Norm | None, value: float | None, target: float | None) -> Status:
    """A row's status: ``value`` against ``target`` (the norm's own, or the previous year's value)."""
    if value is None:
        return "no_data"
    if norm is None or target is None:
        return "no_norm"
    return "meets_norm" if _COMPARE[norm.op](value, target) else "misses_norm"


def norm_json(norm: Norm | None, target: float | None) -> dict[str, Any] | None:
    """The row's ``norm`` in the report JSON: ``op``, ``target``, ``compare`` for relative norms and
    ``label`` (the programme text's words) when configured."""
    if norm is None:
        return None
    out: dict[str, Any] = {"op": norm.op, "target": target}
    if norm.compare is not None:
        out["compare"] = norm.compare
    if norm.label is not None:
        out["label"] = norm.label
    return out


def target(norm: Norm | None, previous: float | None = None) -> float | None:
    """What the row is measured against: the norm's target, or ``previous`` for ``compare: previous_year``."""
    if norm is None:
        return None
    return previous if norm.compare == "previous_year" else norm.target


def evaluate(norm: Norm | None, value: float | None,
             previous: float | None = None) -> tuple[dict[str, Any] | None, str]:
    """The row's ``norm`` JSON and ``status`` for ``value`` (in the indicator's unit).

    ``previous`` is the same row's value in the same period one year earlier; only
    used by ``compare: previous_year`` norms, whose JSON then carries it as ``target``.
    """
    goal = target(norm, previous)
    return norm_json(norm, goal), status(norm, value, goal)

"""Dashboard queries, built only from ``monitor/promql.py`` and ``monitor/metricspec.py``.

Panels read the recording rules (``promql.record_name`` for indicators,
``promql.LIVE`` for live-only values), filtered to the dashboard's municipality
and the selected locations. Nothing here spells a metric or rule name: a rename
in promql.py or metricspec.py changes every panel with it, and a live value that
disappears from ``promql.LIVE`` makes generation fail (:func:`live`) instead of
leaving a panel empty.

The one query not recorded is the programme dashboard's "this year so far":
Prometheus records no year window, so :func:`over_range` composes the same
indicator terms (the registry's ``IndicatorSpec.live``) over Grafana's ``$__range`` — one
formula, evaluated over the dashboard's time range.
"""

from __future__ import annotations

from typing import Mapping

from monitor import metricspec as ms
from monitor import promql
from monitor.indicators.spec import REGISTRY
from monitor.promql import Window

MUNICIPALITY = "$municipality"
LOCATION = "$location"
RANGE = "$__range"
"""Grafana's built-in duration of the panel's time range (e.g. ``8035200s``)."""


def select(series: str, equal: Mapping[str, str] | None = None, regex: Mapping[str, str] | None = None) -> str:
    """``series{k="v",k2=~"re"}``, matchers sorted; the municipality matcher is always added."""
    matchers = [f'{k}="{v}"' for k, v in sorted({"municipality": MUNICIPALITY, **(equal or {})}.items())]
    matchers += [f'{k}=~"{v}"' for k, v in sorted((regex or {}).items())]
    return f"{series}{{{','.join(matchers)}}}"


def _location_filter(level: tuple[str, ...]) -> dict[str, str]:
    return {"location": LOCATION} if "location" in level else {}


def level(indicator: str, *dimensions: str) -> tuple[str, ...]:
    """The recorded label set for ``dimensions`` (municipality first, the indicator's dimension order)."""
    dims = REGISTRY[indicator].scope
    unknown = set(dimensions) - set(dims)
    if unknown:
        raise ValueError(f"{indicator} is not recorded by {sorted(unknown)}")
    return ("municipality",) + tuple(d for d in dims if d in dimensions)


def indicator(ind: str, window: Window, *dimensions: str, equal: Mapping[str, str] | None = None) -> str:
    """An indicator's recorded value (unit: ``REGISTRY[ind].live_unit``) at a window, by ``dimensions``."""
    lvl = level(ind, *dimensions)
    return select(promql.record_name(ind, lvl, window), equal, _location_filter(lvl))


def items(ind: str, window: Window, *dimensions: str, equal: Mapping[str, str] | None = None) -> str:
    """How many items an indicator's value is computed over (the report's ``n``) at a window."""
    lvl = level(ind, *dimensions)
    return select(promql.items_record(ind, lvl, window), equal, _location_filter(lvl))


def live(record: str, *, equal: Mapping[str, str] | None = None, by: tuple[str, ...] | None = None) -> str:
    """A live-only recorded value from ``promql.LIVE``; ``by`` re-aggregates (sum) to fewer labels."""
    if record not in promql.LIVE:
        raise KeyError(f"{record} is not a recording rule in monitor.promql.LIVE")
    labels = record.split(":", 1)[0].split("_")
    regex = {"location": LOCATION} if "location" in labels else {}
    expr = select(record, equal, regex) if "municipality" in labels else record
    if by is not None:
        expr = f"sum {promql.by_clause(by)} ({expr})" if by else f"sum({expr})"
    return expr


def _term(term: promql.Term, by: tuple[str, ...], matchers: Mapping[str, str], window: str) -> str:
    series = f"{term.spec.name}{term.suffix}" if term.suffix else term.spec.series
    equal = {**term.matchers, **{k: v for k, v in matchers.items() if k != "location"}}
    regex = _location_filter(by) if "location" in term.spec.labels else {}
    return f"sum {promql.by_clause(by)} (increase({select(series, equal, regex)}[{window}]))"


def over_range(ind: str, *dimensions: str, equal: Mapping[str, str] | None = None, window: str = RANGE) -> str:
    """An indicator over Grafana's time range, from raw counters with the indicator's own terms.

    Same formula as the recording rules (numerator ÷ Σ plus − Σ minus); used where
    no window is recorded (the year so far).
    """
    live = REGISTRY[ind].live
    by = level(ind, *dimensions)
    matchers = dict(equal or {})
    numerator = _term(live.numerator, by, matchers, window)
    if live.kind == "count":
        return numerator
    denominator = _term(live.plus[0], by, matchers, window)
    for term in live.plus[1:]:
        denominator = promql.plus(denominator, _term(term, by, matchers, window))
    for term in live.minus:
        denominator = promql.minus(denominator, _term(term, by, matchers, window))
    return promql.ratio(numerator, denominator)


def events_per_second(by: tuple[str, ...] = ("type",)) -> str:
    """Valid events processed per second, summed over workers (pipeline throughput)."""
    return f"sum {promql.by_clause(by)} (rate({select(ms.EVENTS.series)}[5m]))"


def duplicates_per_second() -> str:
    return f"sum(rate({select(ms.EVENTS_DUPLICATE.series)}[5m]))"


def location_values() -> str:
    """Variable query: the municipality's locations that have sent counter events."""
    return f'label_values({ms.VISITS_CHECKED_IN.series}{{municipality="{MUNICIPALITY}"}}, location)'


def worker_up(job: str) -> str:
    """Prometheus' own ``up`` per scraped worker replica (1 = scraped, 0 = down)."""
    return f'up{{job="{job}"}}'

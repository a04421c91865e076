"""Programme report: this month and this year against the norms of the programme texts.

One bar per scope value (line, visit type, channel, department) of every
indicator, coloured by the municipality's norm, for the month so far (the
``month`` recording rules) and for the year so far (the same indicator terms over
the panel's ``now/y`` time range). The monthly export (``kcc-monitor export``) is
the formal account; this dashboard shows where the month is heading.
"""

from __future__ import annotations

from grafana_foundation_sdk.builders.dashboard import Dashboard
from grafana_foundation_sdk.models import dashboard as dm, prometheus as pm

from dashboards import common, norms, panels, queries as q
from dashboards.panels import COUNT, GRADE, RATIO, SECONDS
from monitor import promql
from monitor.config import Config, Municipality

REFRESH = "5m"
TITLES = {
    "bereikbaarheid": "Bereikbaarheid", "servicelevel": "Servicelevel", "wachttijd_telefoon": "Wachttijd telefoon",
    "direct_geholpen": "Direct geholpen", "terugbellen_1_werkdag": "Teruggebeld binnen 1 werkdag",
    "terugbellen_2_werkdagen": "Teruggebeld binnen 2 werkdagen", "wachttijd_balie": "Wachttijd balie",
    "balie_binnen_norm": "Balie binnen norm", "klanttevredenheid": "Klanttevredenheid", "positief": "Positief oordeel",
    "brieven_binnen_termijn": "Brieven binnen termijn", "aandeel_digitaal": "Aandeel digitaal",
    "contacten": "Contacten",
}
BY = {
    "bereikbaarheid": "line", "servicelevel": "line", "wachttijd_telefoon": "line", "direct_geholpen": "line",
    "terugbellen_1_werkdag": "department", "terugbellen_2_werkdagen": "department", "wachttijd_balie": "visit_type",
    "balie_binnen_norm": "visit_type", "klanttevredenheid": "channel", "positief": "channel",
    "brieven_binnen_termijn": "channel", "contacten": "channel",
}
"""The scope dimension each indicator is shown by: the one its norms name (KPIS.md norm table)."""
WORDS = {
    "appointment": "op afspraak", "walk_in": "vrije inloop", "phone": "telefoon", "counter": "balie",
    "website": "website", "email": "e-mail", "post": "post", "digital": "digitaal",
}
_UNITS = {"ratio": RATIO, "seconds": SECONDS, "grade": GRADE, "count": COUNT}
_RANGES = {"ratio": (0, 1), "grade": (1, 10)}


def _values(m: Municipality, by: str) -> list[str]:
    fixed = {"visit_type": ["appointment", "walk_in"], "channel": ["counter", "phone", "website", "email", "post", "digital"]}
    return fixed.get(by) or {"line": m.lines, "department": m.departments}[by]


def _bars(m: Municipality, ind: str, year: bool) -> object:
    definition = promql.INDICATORS[ind]
    by = BY.get(ind)
    dims = (by,) if by else ()
    legend = "{{" + by + "}}" if by else "Totaal"
    expr = q.over_range(ind, *dims) if year else q.indicator(ind, "month", *dims)
    low, high = _RANGES.get(definition.unit, (None, None))
    panel = panels.bargauge_panel(
        TITLES[ind], [panels.prometheus_query(expr, legend, instant=True)],
        unit=_UNITS[definition.unit], steps=norms.norm_steps(m, ind, {}) if ind != "contacten" else norms.NO_NORM,
        field_steps=norms.per_value_steps(m, ind, {}, by, _values(m, by)) if by else {},
        names={v: WORDS[v] for v in _values(m, by) if v in WORDS} if by else {},
        min_value=low, max_value=high, span=8, height=7,
    )
    return panel.time_from("now/y").hide_time_override(False) if year else panel


def _items_table(m: Municipality) -> object:
    """How many items each month-to-date value is computed over (the report's ``n``)."""
    parts = [
        f'label_replace({q.items(ind, "month")}, "indicator", "{TITLES[ind]}", "", "")'
        for ind in promql.INDICATORS if promql.INDICATORS[ind].kind != "count"
    ]
    organize = dm.DataTransformerConfig(id_val="organize", options={
        "excludeByName": {"Time": True, "__name__": True, "municipality": True},
        "renameByName": {"indicator": "Indicator", "Value": "Aantal (maand)"},
    })
    return panels.table_panel(
        "Aantallen deze maand", [panels.prometheus_query(" or ".join(parts), "", instant=True).format(pm.PromQueryFormat.TABLE)],
        description="Aantal items waarover de maandwaarde berekend is (n in de maandexport).",
        transformations=[organize], span=24, height=10,
    )


def build(municipality: Municipality, config: Config) -> Dashboard:
    dashboard = common.base("programme", municipality, refresh=REFRESH, time_from="now/y")
    for title, year in (("Deze maand (tot nu)", False), ("Dit jaar (tot nu)", True)):
        dashboard = dashboard.with_row(panels.row(title))
        for ind in promql.INDICATORS:
            dashboard = dashboard.with_panel(_bars(municipality, ind, year))
    dashboard = dashboard.with_row(panels.row("Onderbouwing"))
    return dashboard.with_panel(_items_table(municipality))

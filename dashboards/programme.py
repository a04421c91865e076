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
from monitor import nl
from monitor.config import Config, Municipality
from monitor.indicators.spec import REGISTRY

REFRESH = "5m"
_UNITS = {"ratio": RATIO, "seconds": SECONDS, "grade": GRADE, "count": COUNT}
_RANGES = {"ratio": (0, 1), "grade": (1, 10)}


def _values(m: Municipality, by: str) -> list[str]:
    fixed = {"visit_type": ["appointment", "walk_in"], "channel": ["counter", "phone", "website", "email", "post", "digital"]}
    return fixed.get(by) or {"line": m.lines, "department": m.departments}[by]


def _bars(m: Municipality, ind: str, year: bool) -> object:
    """Bars of one indicator by the dimension its norms name (``IndicatorSpec.shown_by``)."""
    definition = REGISTRY[ind]
    by = definition.shown_by
    dims = (by,) if by else ()
    legend = "{{" + by + "}}" if by else nl.Dashboards.TOTAL
    expr = q.over_range(ind, *dims) if year else q.indicator(ind, "month", *dims)
    low, high = _RANGES.get(definition.live_unit, (None, None))
    panel = panels.bargauge_panel(
        definition.title, [panels.prometheus_query(expr, legend, instant=True)],
        unit=_UNITS[definition.live_unit], steps=norms.norm_steps(m, ind, {}),
        field_steps=norms.per_value_steps(m, ind, {}, by, _values(m, by)) if by else {},
        names={v: word for v in _values(m, by) if (word := nl.scope_word(by, v))} if by else {},
        min_value=low, max_value=high, span=8, height=7,
    )
    return panel.time_from("now/y").hide_time_override(False) if year else panel


def _items_table(m: Municipality) -> object:
    """How many items each month-to-date value is computed over (the report's ``n``)."""
    parts = [
        f'label_replace({q.items(spec.id, "month")}, "indicator", "{spec.title}", "", "")'
        for spec in REGISTRY if spec.live.kind != "count"
    ]
    organize = dm.DataTransformerConfig(id_val="organize", options={
        "excludeByName": {"Time": True, "__name__": True, "municipality": True},
        "renameByName": nl.ProgrammeDashboard.ITEMS_COLUMNS,
    })
    return panels.table_panel(
        nl.ProgrammeDashboard.ITEMS,
        [panels.prometheus_query(" or ".join(parts), "", instant=True).format(pm.PromQueryFormat.TABLE)],
        description=nl.ProgrammeDashboard.ITEMS_HELP,
        transformations=[organize], span=24, height=10,
    )


def build(municipality: Municipality, config: Config) -> Dashboard:
    dashboard = common.base("programme", municipality, refresh=REFRESH, time_from="now/y")
    for title, year in ((nl.ProgrammeDashboard.MONTH_SO_FAR, False), (nl.ProgrammeDashboard.YEAR_SO_FAR, True)):
        dashboard = dashboard.with_row(panels.row(title))
        for spec in REGISTRY:
            dashboard = dashboard.with_panel(_bars(municipality, spec.id, year))
    dashboard = dashboard.with_row(panels.row(nl.ProgrammeDashboard.BASIS))
    return dashboard.with_panel(_items_table(municipality))

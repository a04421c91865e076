"""Small factories over grafana-foundation-sdk builders, so dashboard modules read as layout.

Every panel gets the provisioned Prometheus datasource (fixed uid
:data:`DATASOURCE_UID`, see ``config/grafana/provisioning/datasources``), Dutch
titles, and colours from :class:`dashboards.norms.Steps`. Only current panel
types are built (stat, gauge, bargauge, timeseries, table, state-timeline).
Panel ids and query refIds are assigned when a dashboard is rendered
(:mod:`dashboards.render`), so modules never number anything by hand.
"""

from __future__ import annotations

from typing import Mapping

from grafana_foundation_sdk.builders import bargauge, common as common_b, dashboard as dash_b
from grafana_foundation_sdk.builders import gauge, prometheus, stat, statetimeline, table, timeseries
from grafana_foundation_sdk.models import common, dashboard as dm

from dashboards.norms import NEUTRAL, Steps
from monitor import nl

DATASOURCE_UID = "kcc-prometheus"
"""Uid of the Prometheus datasource Grafana provisions (``config/grafana/provisioning``)."""
DATASOURCE = dm.DataSourceRef(type_val="prometheus", uid=DATASOURCE_UID)

Units = str
RATIO: Units = "percentunit"
SECONDS: Units = "s"
COUNT: Units = "short"
GRADE: Units = "none"
PER_SECOND: Units = "reqps"


def prometheus_query(expr: str, legend: str = "", *, instant: bool = False) -> prometheus.Dataquery:
    """A PromQL target; ``legend`` uses Grafana's ``{{label}}`` syntax."""
    query = prometheus.Dataquery().expr(expr).datasource(DATASOURCE)
    if legend:
        query = query.legend_format(legend)
    return query.instant() if instant else query.range()


def thresholds(steps: Steps) -> dash_b.ThresholdsConfig:
    return dash_b.ThresholdsConfig().mode(dm.ThresholdsMode.ABSOLUTE).steps(
        [dm.Threshold(value=value, color=color) for value, color in steps.as_list()]
    )


def _color(steps: Steps) -> dash_b.FieldColor:
    if steps.base == NEUTRAL and not steps.steps:
        return dash_b.FieldColor().mode(dm.FieldColorModeId.FIXED).fixed_color(NEUTRAL)
    return dash_b.FieldColor().mode(dm.FieldColorModeId.THRESHOLDS)


def _overrides(panel, field_steps: Mapping[str, Steps], names: Mapping[str, str]):
    """Per-field colours (a location or line with its own norm) and display names (slug → name)."""
    for field in sorted(set(field_steps) | set(names)):
        props = []
        if field in field_steps:
            props.append(dm.DynamicConfigValue(id_val="thresholds", value=thresholds(field_steps[field]).build()))
            props.append(dm.DynamicConfigValue(id_val="color", value=_color(field_steps[field]).build()))
        if field in names:
            props.append(dm.DynamicConfigValue(id_val="displayName", value=names[field]))
        panel = panel.override_by_name(field, props)
    return panel


def _norm_text(steps: Steps, field_steps: Mapping[str, Steps], names: Mapping[str, str]) -> str:
    """The norms behind the colours, as the programme texts write them (panel description)."""
    parts = [nl.Dashboards.norm(steps.label)] if steps.label else []
    parts += [nl.Dashboards.field_norm(names.get(f, f), s.label) for f, s in sorted(field_steps.items()) if s.label]
    return " ".join(parts)


def _common(panel, title: str, description: str, targets, unit: str, steps: Steps, span: int, height: int,
            field_steps: Mapping[str, Steps] | None = None, names: Mapping[str, str] | None = None):
    panel = panel.title(title).datasource(DATASOURCE).unit(unit).span(span).height(height)
    panel = panel.thresholds(thresholds(steps)).color_scheme(_color(steps)).no_value(nl.DASH)
    text = " ".join(p for p in (description, _norm_text(steps, field_steps or {}, names or {})) if p)
    if text:
        panel = panel.description(text)
    for target in targets:
        panel = panel.with_target(target)
    return panel


def stat_panel(
    title: str, targets: list[prometheus.Dataquery], *, unit: str, steps: Steps, description: str = "",
    span: int = 6, height: int = 7, decimals: int | None = None,
    field_steps: Mapping[str, Steps] | None = None, names: Mapping[str, str] | None = None,
    title_size: int | None = 28,
) -> stat.Panel:
    """A big-number panel (wallboard): background coloured by the norm, readable from a distance."""
    panel = _common(stat.Panel(), title, description, targets, unit, steps, span, height, field_steps, names)
    panel = (
        panel.color_mode(common.BigValueColorMode.BACKGROUND_SOLID)
        .graph_mode(common.BigValueGraphMode.NONE)
        .text_mode(common.BigValueTextMode.AUTO)
        .justify_mode(common.BigValueJustifyMode.CENTER)
        .orientation(common.VizOrientation.AUTO)
        .reduce_options(common_b.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
    )
    if title_size:
        panel = panel.text(common_b.VizTextDisplayOptions().title_size(title_size))
    if decimals is not None:
        panel = panel.decimals(decimals)
    return _overrides(panel, field_steps or {}, names or {})


def gauge_panel(
    title: str, targets: list[prometheus.Dataquery], *, unit: str, steps: Steps, description: str = "",
    span: int = 6, height: int = 7, min_value: float = 0, max_value: float = 1,
) -> gauge.Panel:
    """A gauge with the norm marked on the arc (ratios, 0..1)."""
    panel = _common(gauge.Panel(), title, description, targets, unit, steps, span, height)
    return (
        panel.min(min_value).max(max_value).show_threshold_markers(True).show_threshold_labels(False)
        .reduce_options(common_b.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
    )


def bargauge_panel(
    title: str, targets: list[prometheus.Dataquery], *, unit: str, steps: Steps, description: str = "",
    span: int = 12, height: int = 8, min_value: float | None = None, max_value: float | None = None,
    field_steps: Mapping[str, Steps] | None = None, names: Mapping[str, str] | None = None,
) -> bargauge.Panel:
    """Horizontal bars, one per series (e.g. per location), coloured by the norm."""
    panel = _common(bargauge.Panel(), title, description, targets, unit, steps, span, height, field_steps, names)
    panel = (
        panel.display_mode(common.BarGaugeDisplayMode.BASIC)
        .orientation(common.VizOrientation.HORIZONTAL)
        .show_unfilled(True)
        .reduce_options(common_b.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
    )
    if min_value is not None:
        panel = panel.min(min_value)
    if max_value is not None:
        panel = panel.max(max_value)
    return _overrides(panel, field_steps or {}, names or {})


def timeseries_panel(
    title: str, targets: list[prometheus.Dataquery], *, unit: str, steps: Steps, description: str = "",
    span: int = 12, height: int = 8, min_value: float | None = None, max_value: float | None = None,
    names: Mapping[str, str] | None = None,
) -> timeseries.Panel:
    """A trend; the norm is drawn as a dashed threshold line (with the red area beyond it)."""
    panel = _common(timeseries.Panel(), title, description, targets, unit, steps, span, height)
    style = common.GraphThresholdsStyleMode.DASHED_AND_AREA if steps.steps else common.GraphThresholdsStyleMode.OFF
    panel = (
        panel.color_scheme(dash_b.FieldColor().mode(dm.FieldColorModeId.PALETTE_CLASSIC))
        .thresholds_style(common_b.GraphThresholdsStyleConfig().mode(style))
        .line_width(2).fill_opacity(0).span_nulls(True)
        .legend(common_b.VizLegendOptions().show_legend(True).display_mode(common.LegendDisplayMode.LIST)
                .placement(common.LegendPlacement.BOTTOM).calcs([]))
        .tooltip(common_b.VizTooltipOptions().mode(common.TooltipDisplayMode.MULTI).sort(common.SortOrder.DESCENDING))
    )
    if min_value is not None:
        panel = panel.min(min_value)
    if max_value is not None:
        panel = panel.max(max_value)
    return _overrides(panel, {}, names or {})


def state_timeline_panel(
    title: str, targets: list[prometheus.Dataquery], *, steps: Steps, mappings: list[dm.ValueMapping],
    description: str = "", span: int = 24, height: int = 6,
) -> statetimeline.Panel:
    """Health over time (worker up/down, office open): a coloured band per series."""
    panel = _common(statetimeline.Panel(), title, description, targets, COUNT, steps, span, height)
    return panel.mappings(mappings).show_value(common.VisibilityMode.NEVER).merge_values(True).fill_opacity(80)


def table_panel(
    title: str, targets: list[prometheus.Dataquery], *, description: str = "", span: int = 24, height: int = 10,
    transformations: list[dm.DataTransformerConfig] | None = None,
    overrides: list[tuple[str, list[dm.DynamicConfigValue]]] | None = None,
) -> table.Panel:
    """A table of instant values; ``overrides`` style columns by name (units, colour cells)."""
    panel = _common(table.Panel(), title, description, targets, COUNT, Steps(NEUTRAL), span, height)
    panel = panel.cell_height(common.TableCellHeight.MD).show_header(True).align(common.FieldTextAlignment.AUTO).inspect(False)
    for transformation in transformations or []:
        panel = panel.with_transformation(transformation)
    for name, props in overrides or []:
        panel = panel.override_by_name(name, props)
    return panel


def row(title: str) -> dash_b.Row:
    return dash_b.Row(title)


def value_mappings(mapping: Mapping[str, tuple[str, str]]) -> list[dm.ValueMapping]:
    """Exact value → (Dutch text, colour), e.g. ``{"1": ("actief", "green")}``."""
    options = {
        value: dm.ValueMappingResult(text=text, color=color, index=i)
        for i, (value, (text, color)) in enumerate(sorted(mapping.items()))
    }
    return [dm.ValueMap(options=options)]


def cell_colour(steps: Steps, unit: str) -> list[dm.DynamicConfigValue]:
    """Column overrides: unit, norm thresholds and a coloured cell background."""
    return [
        dm.DynamicConfigValue(id_val="unit", value=unit),
        dm.DynamicConfigValue(id_val="thresholds", value=thresholds(steps).build()),
        dm.DynamicConfigValue(id_val="color", value=_color(steps).build()),
        dm.DynamicConfigValue(id_val="custom.cellOptions", value={"type": "color-background", "mode": "basic"}),
    ]


def constant_variable(name: str, value: str, label: str) -> dash_b.ConstantVariable:
    """A hidden constant (the dashboard's municipality): queries stay generic, colours stay correct."""
    return dash_b.ConstantVariable(name).label(label).value(value)


def query_variable(name: str, label: str, query: str, *, multi: bool = True) -> dash_b.QueryVariable:
    """A variable filled from Prometheus (``label_values(...)``), all values selected by default."""
    variable = (
        dash_b.QueryVariable(name).label(label).datasource(DATASOURCE).query(query)
        .refresh(dm.VariableRefresh.ON_TIME_RANGE_CHANGED).sort(dm.VariableSort.ALPHABETICAL_ASC)
        .include_all(multi).multi(multi)
    )
    if multi:
        variable = variable.all_value(".*").current(
            dm.VariableOption(selected=True, text=[nl.Dashboards.ALL], value=["$__all"]))
    return variable


def dashboard_link(title: str, tag: str) -> dash_b.DashboardLink:
    """A drop-down of the dashboards carrying ``tag`` (switch municipality or dashboard)."""
    return (
        dash_b.DashboardLink(title).type(dm.DashboardLinkType.DASHBOARDS).tags([tag])
        .as_dropdown(True).include_vars(False).keep_time(True)
    )



"""Wallboard: the TV in the contact centre, readable from five metres.

Big stat panels with solid colour backgrounds (green meets the norm, orange is
close, red misses it), refreshed every 10 seconds, Dutch labels, one per
municipality because the colours are that municipality's norms. Open it in
kiosk mode (``?kiosk``) on a dark theme.
"""

from __future__ import annotations

from grafana_foundation_sdk.builders.dashboard import Dashboard

from dashboards import common, norms, panels, queries as q
from dashboards.panels import COUNT, RATIO, SECONDS
from monitor import nl
from monitor.config import Config, Municipality

REFRESH = "10s"


def _phone(m: Municipality) -> list:
    line_steps = norms.per_value_steps(m, "bereikbaarheid", {}, "line", m.lines)
    sl_steps = norms.per_value_steps(m, "servicelevel", {}, "line", m.lines)
    sl_seconds = m.thresholds.service_level_seconds
    return [
        panels.stat_panel(
            nl.WallboardDashboard.today(nl.indicator_label("bereikbaarheid")),
            [panels.prometheus_query(q.indicator("bereikbaarheid", "today", "line"), "{{line}}", instant=True)],
            unit=RATIO, steps=norms.norm_steps(m, "bereikbaarheid", {}), field_steps=line_steps, decimals=0,
            description=nl.WallboardDashboard.REACHABILITY_HELP,
        ),
        panels.stat_panel(
            nl.WallboardDashboard.WAITING_NOW,
            [panels.prometheus_query(q.live("municipality:kcc_calls_waiting:sum"), nl.Dashboards.PHONE, instant=True)],
            unit=COUNT, steps=norms.NO_NORM, decimals=0,
            description=nl.WallboardDashboard.WAITING_NOW_HELP,
        ),
        panels.stat_panel(
            nl.WallboardDashboard.LONGEST_WAIT_NOW,
            [panels.prometheus_query(q.live("municipality:kcc_longest_call_wait_seconds:max"), nl.Dashboards.PHONE,
                                     instant=True)],
            unit=SECONDS, steps=norms.upper_limit_steps(m.thresholds.caller_wait_alert_seconds), decimals=0,
            description=nl.WallboardDashboard.longest_wait_help(m.thresholds.caller_wait_alert_seconds),
        ),
        panels.stat_panel(
            nl.WallboardDashboard.servicelevel(sl_seconds),
            [panels.prometheus_query(q.indicator("servicelevel", "today", "line"), "{{line}}", instant=True)],
            unit=RATIO, steps=norms.norm_steps(m, "servicelevel", {}), field_steps=sl_steps, decimals=0,
            description=nl.WallboardDashboard.servicelevel_help(sl_seconds),
        ),
    ]


def _queues_and_callbacks(m: Municipality) -> list:
    queue_steps = norms.per_value_steps(m, "bereikbaarheid", {}, "queue", m.queues)
    return [
        panels.stat_panel(
            nl.Dashboards.WAITING_PER_QUEUE,
            [panels.prometheus_query(q.live("municipality_queue:kcc_calls_waiting:max"), "{{queue}}", instant=True)],
            unit=COUNT, steps=norms.NO_NORM, span=8, decimals=0,
        ),
        panels.stat_panel(
            nl.WallboardDashboard.REACHABILITY_PER_QUEUE,
            [panels.prometheus_query(q.indicator("bereikbaarheid", "today", "queue"), "{{queue}}", instant=True)],
            unit=RATIO, steps=norms.norm_steps(m, "bereikbaarheid", {}), field_steps=queue_steps, span=10, decimals=0,
        ),
        panels.stat_panel(
            nl.WallboardDashboard.CALLBACKS_PAST_DEADLINE,
            [panels.prometheus_query(
                q.live("municipality_department_working_days:kcc_callbacks_open_past_deadline:sum", by=("working_days",)),
                nl.WallboardDashboard.CALLBACKS_PAST_DEADLINE_LEGEND, instant=True)],
            unit=COUNT, steps=norms.ANY_IS_RED, span=6, decimals=0,
            description=nl.WallboardDashboard.CALLBACKS_PAST_DEADLINE_HELP,
        ),
    ]


def _counter(m: Municipality) -> list:
    names = common.location_names(m)
    result = [
        panels.stat_panel(
            nl.Dashboards.VISITORS_WAITING_PER_LOCATION,
            [panels.prometheus_query(q.live("municipality_location:kcc_visitors_waiting:sum"), "{{location}}", instant=True)],
            unit=COUNT, steps=norms.NO_NORM, span=24, height=6, names=names, decimals=0,
        ),
    ]
    for visit_type, words in nl.VISIT_TYPES.items():
        scope = {"visit_type": visit_type}
        wait = q.indicator("wachttijd_balie", "today", "location", "visit_type", equal=scope)
        within = q.indicator("balie_binnen_norm", "today", "location", "visit_type", equal=scope)
        limit = getattr(m.thresholds.counter_wait_minutes, visit_type)
        result += [
            panels.stat_panel(
                nl.WallboardDashboard.today(nl.Dashboards.counter_wait(words)),
                [panels.prometheus_query(wait, "{{location}}", instant=True)],
                unit=SECONDS, steps=norms.norm_steps(m, "wachttijd_balie", scope), names=names, span=12,
                field_steps=norms.per_value_steps(m, "wachttijd_balie", scope, "location", m.locations),
                description=nl.WallboardDashboard.counter_wait_help(words),
            ),
            panels.stat_panel(
                nl.WallboardDashboard.today(nl.Dashboards.counter_within(limit, words)),
                [panels.prometheus_query(within, "{{location}}", instant=True)],
                unit=RATIO, steps=norms.norm_steps(m, "balie_binnen_norm", scope), names=names, span=12, decimals=0,
                field_steps=norms.per_value_steps(m, "balie_binnen_norm", scope, "location", m.locations),
                description=nl.WallboardDashboard.counter_within_help(limit, words),
            ),
        ]
    return result


def build(municipality: Municipality, config: Config) -> Dashboard:
    dashboard = common.with_locations(common.base("wallboard", municipality, refresh=REFRESH, time_from="now-6h"))
    for title, section in ((nl.Dashboards.PHONE, _phone),
                           (nl.WallboardDashboard.QUEUES_AND_CALLBACKS, _queues_and_callbacks),
                           (nl.Dashboards.COUNTER, _counter)):
        dashboard = dashboard.with_row(panels.row(title))
        for panel in section(municipality):
            dashboard = dashboard.with_panel(panel)
    return dashboard

"""Team lead: trends against the norm line, per queue and location, and the pipeline's health.

Timeseries draw the municipality's norm as a dashed threshold line (and shade
the area where it is missed); the sliding one-hour windows show a morning
drifting before the day's value does. Bottom rows: callbacks open and past their term, letters
past their term, dead letters, events per second, consumer lag and whether each
worker replica is scraped.
"""

from __future__ import annotations

from grafana_foundation_sdk.builders.dashboard import Dashboard

from dashboards import common, norms, panels, queries as q
from dashboards.panels import COUNT, PER_SECOND, RATIO, SECONDS
from monitor import nl, promql
from monitor.config import Config, Municipality

REFRESH = "30s"
WORKER_JOB = "kcc-worker"
"""Prometheus job that scrapes the workers (``config/prometheus/prometheus.yml``, docker-compose)."""
_TREND = "1h"


def _phone_scope(m: Municipality) -> dict[str, str]:
    """Totals of a municipality with one line are that line's values: its line norm applies."""
    return {"line": m.lines[0]} if len(m.lines) == 1 else {}


def _phone(m: Municipality) -> list:
    scope = _phone_scope(m)
    return [
        panels.timeseries_panel(
            nl.TeamleadDashboard.last_hour(nl.indicator_label("bereikbaarheid")),
            [panels.prometheus_query(q.indicator("bereikbaarheid", _TREND), nl.Dashboards.TOTAL),
             panels.prometheus_query(q.indicator("bereikbaarheid", _TREND, "queue"), "{{queue}}")],
            unit=RATIO, steps=norms.norm_steps(m, "bereikbaarheid", scope), min_value=0, max_value=1,
        ),
        panels.timeseries_panel(
            nl.TeamleadDashboard.last_hour(nl.TeamleadDashboard.servicelevel(m.thresholds.service_level_seconds)),
            [panels.prometheus_query(q.indicator("servicelevel", _TREND), nl.Dashboards.TOTAL),
             panels.prometheus_query(q.indicator("servicelevel", _TREND, "queue"), "{{queue}}")],
            unit=RATIO, steps=norms.norm_steps(m, "servicelevel", scope), min_value=0, max_value=1,
        ),
        panels.timeseries_panel(
            nl.TeamleadDashboard.last_hour(nl.TeamleadDashboard.PHONE_WAIT),
            [panels.prometheus_query(q.indicator("wachttijd_telefoon", _TREND), nl.Dashboards.TOTAL),
             panels.prometheus_query(q.indicator("wachttijd_telefoon", _TREND, "queue"), "{{queue}}")],
            unit=SECONDS, steps=norms.norm_steps(m, "wachttijd_telefoon", scope), min_value=0,
        ),
        panels.timeseries_panel(
            nl.TeamleadDashboard.last_hour(nl.indicator_label("direct_geholpen")),
            [panels.prometheus_query(q.indicator("direct_geholpen", _TREND), nl.Dashboards.TOTAL),
             panels.prometheus_query(q.indicator("direct_geholpen", _TREND, "queue"), "{{queue}}")],
            unit=RATIO, steps=norms.norm_steps(m, "direct_geholpen", {}), min_value=0, max_value=1,
        ),
        panels.timeseries_panel(
            nl.Dashboards.WAITING_PER_QUEUE,
            [panels.prometheus_query(q.live("municipality_queue:kcc_calls_waiting:max"), "{{queue}}")],
            unit=COUNT, steps=norms.NO_NORM, min_value=0,
        ),
        panels.timeseries_panel(
            nl.TeamleadDashboard.LONGEST_WAIT_PER_QUEUE,
            [panels.prometheus_query(q.live("municipality_queue:kcc_longest_call_wait_seconds:max"), "{{queue}}")],
            unit=SECONDS, steps=norms.upper_limit_steps(m.thresholds.caller_wait_alert_seconds), min_value=0,
        ),
    ]


def _counter(m: Municipality) -> list:
    names = common.location_names(m)
    result = []
    for visit_type, words in nl.VISIT_TYPES.items():
        scope = {"visit_type": visit_type}
        limit = getattr(m.thresholds.counter_wait_minutes, visit_type)
        result += [
            panels.timeseries_panel(
                nl.TeamleadDashboard.last_hour(nl.Dashboards.counter_wait(words)),
                [panels.prometheus_query(
                    q.indicator("wachttijd_balie", _TREND, "location", "visit_type", equal=scope), "{{location}}")],
                unit=SECONDS, steps=norms.norm_steps(m, "wachttijd_balie", scope), min_value=0, names=names,
            ),
            panels.timeseries_panel(
                nl.TeamleadDashboard.last_hour(nl.Dashboards.counter_within(limit, words)),
                [panels.prometheus_query(
                    q.indicator("balie_binnen_norm", _TREND, "location", "visit_type", equal=scope), "{{location}}")],
                unit=RATIO, steps=norms.norm_steps(m, "balie_binnen_norm", scope), min_value=0, max_value=1,
                names=names,
            ),
        ]
    result.append(panels.timeseries_panel(
        nl.Dashboards.VISITORS_WAITING_PER_LOCATION,
        [panels.prometheus_query(q.live("municipality_location:kcc_visitors_waiting:sum"), "{{location}}")],
        unit=COUNT, steps=norms.NO_NORM, min_value=0, names=names, span=24,
    ))
    return result


def _callbacks_and_letters(m: Municipality) -> list:
    result = [
        panels.bargauge_panel(
            nl.TeamleadDashboard.CALLBACKS_OPEN,
            [panels.prometheus_query(q.live("municipality_department:kcc_callbacks_open:sum"), "{{department}}", instant=True)],
            unit=COUNT, steps=norms.NO_NORM, min_value=0,
        ),
        panels.bargauge_panel(
            nl.TeamleadDashboard.CALLBACKS_PAST_DEADLINE,
            [panels.prometheus_query(
                q.live("municipality_department_working_days:kcc_callbacks_open_past_deadline:sum"),
                nl.TeamleadDashboard.CALLBACKS_PAST_DEADLINE_LEGEND, instant=True)],
            unit=COUNT, steps=norms.ANY_IS_RED, min_value=0,
        ),
    ]
    for ind, days in (("terugbellen_1_werkdag", 1), ("terugbellen_2_werkdagen", 2)):
        result.append(panels.bargauge_panel(
            nl.TeamleadDashboard.callbacks_today(days),
            [panels.prometheus_query(q.indicator(ind, "today", "department"), "{{department}}", instant=True)],
            unit=RATIO, steps=norms.norm_steps(m, ind, {}), min_value=0, max_value=1,
            description=nl.TeamleadDashboard.CALLBACKS_HELP,
        ))
    result.append(panels.bargauge_panel(
        nl.TeamleadDashboard.LETTERS_PAST_DUE,
        [panels.prometheus_query(
            q.live("municipality_channel_department:kcc_letters_open_past_due:sum"),
            "{{department}} ({{channel}})", instant=True)],
        unit=COUNT, steps=norms.ANY_IS_RED, min_value=0, span=24,
    ))
    return result


def _pipeline(m: Municipality) -> list:
    silence = m.thresholds.silence_alert_minutes * 60
    up = {"0": (nl.TeamleadDashboard.WORKER_UP["0"], norms.RED), "1": (nl.TeamleadDashboard.WORKER_UP["1"], norms.GREEN)}
    office = {"0": (nl.TeamleadDashboard.OFFICE["0"], "text"), "1": (nl.TeamleadDashboard.OFFICE["1"], norms.GREEN)}
    return [
        panels.timeseries_panel(
            nl.TeamleadDashboard.EVENTS_PER_SECOND, [panels.prometheus_query(q.events_per_second(), "{{type}}")],
            unit=PER_SECOND, steps=norms.NO_NORM, min_value=0, span=8,
        ),
        panels.timeseries_panel(
            nl.TeamleadDashboard.DEAD_LETTERS_PER_SECOND,
            [panels.prometheus_query(q.live("reason:kcc_dead_letters:rate5m"), "{{reason}}")],
            unit=PER_SECOND, steps=norms.Steps(norms.GREEN, ((0.000001, norms.ORANGE),)), min_value=0, span=8,
        ),
        panels.timeseries_panel(
            nl.TeamleadDashboard.SECONDS_SINCE_EVENT,
            [panels.prometheus_query(q.live("municipality_family:kcc_seconds_since_last_event:min"), "{{family}}")],
            unit=SECONDS, steps=norms.upper_limit_steps(silence), min_value=0, span=8,
            description=nl.TeamleadDashboard.silence_help(m.thresholds.silence_alert_minutes),
        ),
        panels.timeseries_panel(
            nl.TeamleadDashboard.CONSUMER_LAG,
            [panels.prometheus_query(q.live("topic:kcc_consumer_lag_messages:sum"), "{{topic}}")],
            unit=COUNT, steps=norms.NO_NORM, min_value=0, span=8,
        ),
        panels.state_timeline_panel(
            nl.TeamleadDashboard.WORKERS, [panels.prometheus_query(q.worker_up(WORKER_JOB), "{{instance}}")],
            steps=norms.Steps(norms.RED, ((1, norms.GREEN),)), mappings=panels.value_mappings(up), span=8,
            description=nl.TeamleadDashboard.WORKERS_HELP,
        ),
        panels.state_timeline_panel(
            nl.TeamleadDashboard.OFFICE_OPEN,
            [panels.prometheus_query(q.select(promql.OFFICE_OPEN_RECORD), "{{municipality}}")],
            steps=norms.Steps("text", ((1, norms.GREEN),)), mappings=panels.value_mappings(office), span=8,
        ),
    ]


def build(municipality: Municipality, config: Config) -> Dashboard:
    dashboard = common.with_locations(common.base("teamlead", municipality, refresh=REFRESH, time_from="now-12h"))
    for title, section in ((nl.Dashboards.PHONE, _phone), (nl.Dashboards.COUNTER, _counter),
                           (nl.TeamleadDashboard.CALLBACKS_AND_LETTERS, _callbacks_and_letters),
                           (nl.TeamleadDashboard.PIPELINE, _pipeline)):
        dashboard = dashboard.with_row(panels.row(title))
        for panel in section(municipality):
            dashboard = dashboard.with_panel(panel)
    return dashboard

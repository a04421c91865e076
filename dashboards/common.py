"""What every KCC dashboard shares: datasource, municipality constant, location variable, links, tags."""

from __future__ import annotations

from grafana_foundation_sdk.builders.dashboard import Dashboard, TimePicker

from dashboards import panels, queries
from monitor import nl
from monitor.config import Municipality

TAG = "kcc"


def uid(kind: str, municipality: Municipality) -> str:
    """Stable dashboard uid (Grafana limits uids to 40 characters)."""
    return f"kcc-{kind}-{municipality.slug}"[:40]


def base(kind: str, municipality: Municipality, *, refresh: str, time_from: str) -> Dashboard:
    """A dashboard for one municipality: its colours come from that municipality's norms.

    ``municipality`` is a hidden constant so every query reads ``$municipality``;
    a municipality picker would show one municipality's values in another's
    colours. Drop-down links switch to the other municipalities and dashboards.
    """
    return (
        Dashboard(nl.Dashboards.title(municipality.name, kind))
        .uid(uid(kind, municipality))
        .tags([TAG, f"{TAG}-{kind}", f"{TAG}-{municipality.slug}"])
        .timezone(municipality.timezone)
        .refresh(refresh)
        .time(time_from, "now")
        .timepicker(TimePicker().refresh_intervals(["10s", "30s", "1m", "5m", "15m"]))
        .with_variable(panels.constant_variable("municipality", municipality.slug, nl.Dashboards.MUNICIPALITY))
        .link(panels.dashboard_link(f"{municipality.name}", f"{TAG}-{municipality.slug}"))
        .link(panels.dashboard_link(nl.DASHBOARDS[kind], f"{TAG}-{kind}"))
    )


def with_locations(dashboard: Dashboard) -> Dashboard:
    return dashboard.with_variable(panels.query_variable("location", nl.Dashboards.LOCATION, queries.location_values()))


def location_names(municipality: Municipality) -> dict[str, str]:
    """Location slug → name as the municipality writes it, for legends."""
    return {slug: nl.location_name(municipality, slug) for slug in municipality.locations}

"""Panel colours come from the municipality's norms: red exactly where the norm is missed."""

from __future__ import annotations

import json

from dashboards import norms, render
from dashboards.norms import GREEN, NEUTRAL, ORANGE, RED


def _panel(config, path: str, title: str) -> dict:
    dashboard = json.loads(render.render(config)[path])
    stack = list(dashboard["panels"])
    while stack:
        panel = stack.pop()
        if panel["title"] == title:
            return panel
        stack += panel.get("panels", [])
    raise LookupError(title)


def _steps(thresholds: dict) -> list[tuple[float | None, str]]:
    return [(s["value"], s["color"]) for s in thresholds["steps"]]


def test_ratio_norm_is_red_below_the_target_and_orange_just_above(config):
    steps = norms.norm_steps(config["amersfoort"], "bereikbaarheid", {"line": "14033"})
    assert steps.as_list() == [(None, RED), (0.85, ORANGE), (0.87, GREEN)]
    assert steps.label == "minimaal 85%"


def test_wait_norm_in_minutes_becomes_seconds_red_above_the_limit(config):
    steps = norms.norm_steps(config["groningen"], "wachttijd_balie", {"visit_type": "walk_in", "location": "haren"})
    assert steps.as_list() == [(None, GREEN), (720.0, ORANGE), (900.0, RED)]


def test_norm_limited_to_months_is_red_below_the_lenient_and_green_from_the_strict_target(config):
    steps = norms.norm_steps(config["amersfoort"], "balie_binnen_norm", {"visit_type": "walk_in"})
    assert steps.as_list() == [(None, RED), (0.9, ORANGE), (0.93, GREEN)]
    assert "mei t/m aug." in steps.label


def test_previous_year_norm_and_no_norm_stay_neutral_but_name_the_norm(config):
    hengelo = norms.norm_steps(config["hengelo"], "klanttevredenheid", {"channel": "phone"})
    assert hengelo.as_list() == [(None, NEUTRAL)]
    assert hengelo.label == "ten minste gelijk aan vorig jaar"
    assert norms.norm_steps(config["nijmegen"], "bereikbaarheid", {}) == norms.NO_NORM


def test_a_norm_naming_part_of_the_scope_applies_to_every_row_containing_it(config):
    groningen = config["groningen"]
    assert norms.norm_steps(groningen, "wachttijd_balie", {"visit_type": "appointment", "location": "haren"}) == \
        norms.norm_steps(groningen, "wachttijd_balie", {"visit_type": "appointment"})
    assert norms.norm_steps(groningen, "wachttijd_balie", {"location": "haren"}).base == NEUTRAL


def test_wallboard_line_with_a_norm_gets_its_own_colours(config):
    panel = _panel(config, "amersfoort/wallboard.json", "Bereikbaarheid vandaag")
    override = next(o for o in panel["fieldConfig"]["overrides"] if o["matcher"]["options"] == "14033")
    thresholds = next(p["value"] for p in override["properties"] if p["id"] == "thresholds")
    assert _steps(thresholds) == [(None, RED), (0.85, ORANGE), (0.87, GREEN)]
    assert "minimaal 85%" in panel["description"]


def test_wallboard_counter_wait_is_coloured_by_each_municipalitys_own_norm(config):
    title = "Wachttijd balie op afspraak vandaag"
    groningen = _panel(config, "groningen/wallboard.json", title)
    assert _steps(groningen["fieldConfig"]["defaults"]["thresholds"]) == [(None, GREEN), (240, ORANGE), (300, RED)]
    nijmegen = _panel(config, "nijmegen/wallboard.json", title)
    assert nijmegen["fieldConfig"]["defaults"]["color"] == {"fixedColor": NEUTRAL, "mode": "fixed"}


def test_longest_wait_turns_red_at_the_configured_alert_limit(config):
    panel = _panel(config, "groningen/wallboard.json", "Langste wachttijd nu")
    limit = config["groningen"].thresholds.caller_wait_alert_seconds
    assert _steps(panel["fieldConfig"]["defaults"]["thresholds"])[-1] == (limit, RED)


def test_team_lead_trend_draws_the_norm_as_a_dashed_line(config):
    panel = _panel(config, "amersfoort/teamlead.json", "Bereikbaarheid (afgelopen uur)")
    assert panel["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"]["mode"] == "dashed+area"
    assert (0.85, ORANGE) in _steps(panel["fieldConfig"]["defaults"]["thresholds"])

"""Norm selection and evaluation (KPIS.md "Norms"), hand-computed for every configured municipality."""

from __future__ import annotations

import pytest

from monitor.config import Config, Municipality, load_config
from monitor.norms import (
    STATUSES, applicable_norm, applicable_norms, evaluate, norm_applies, norm_json, status, target,
)
from monitor.periods import parse_period


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config()


def _municipality(norms: list[dict[str, object]]) -> Municipality:
    return Municipality.model_validate(
        {"slug": "testgem", "name": "Testgemeente", "lines": ["14000"], "queues": ["algemeen"], "norms": norms})


def _row(municipality: Municipality, indicator: str, scope: dict[str, str], period: str,
         value: float | None, previous: float | None = None) -> tuple[dict | None, str]:
    norm = applicable_norm(municipality, indicator, scope, parse_period(period))
    return evaluate(norm, value, previous)


# -- Groningen -----------------------------------------------------------------------------------

@pytest.mark.parametrize("location", ["harm-buiterplein", "kreupelstraat", "haren", "ten-boer"])
def test_groningen_counter_satisfaction_norm_8_applies_per_location(config: Config, location: str) -> None:
    g = config["groningen"]
    scope = {"channel": "counter", "location": location}
    assert _row(g, "klanttevredenheid", scope, "2026-04", 8.0) == (
        {"op": ">=", "target": 8.0, "label": "minimaal 8"}, "meets_norm")
    assert _row(g, "klanttevredenheid", scope, "2026-04", 7.99)[1] == "misses_norm"


def test_groningen_website_and_phone_satisfaction_norm_is_7_5(config: Config) -> None:
    g = config["groningen"]
    for channel in ("website", "phone"):
        assert _row(g, "klanttevredenheid", {"channel": channel}, "2026-04", 7.5)[1] == "meets_norm"
        assert _row(g, "klanttevredenheid", {"channel": channel}, "2026-04", 7.4)[1] == "misses_norm"
        assert _row(g, "klanttevredenheid", {"channel": channel}, "2026-04", 7.4)[0]["target"] == 7.5


def test_groningen_total_satisfaction_has_no_norm(config: Config) -> None:
    assert _row(config["groningen"], "klanttevredenheid", {}, "2026-04", 8.4) == (None, "no_norm")
    assert _row(config["groningen"], "klanttevredenheid", {"location": "haren"}, "2026-04", 8.4) == (None, "no_norm")


@pytest.mark.parametrize("indicator", ["terugbellen_1_werkdag", "terugbellen_2_werkdagen"])
def test_groningen_callback_norms_80_percent_apply_to_total_and_every_department(config: Config,
                                                                                 indicator: str) -> None:
    g = config["groningen"]
    for scope in ({}, {"department": "afval"}, {"department": "other"}):
        assert _row(g, indicator, scope, "2026-04", 0.8) == (
            {"op": ">=", "target": 0.8, "label": "minimaal 80%"}, "meets_norm")
        assert _row(g, indicator, scope, "2026-04", 0.7999)[1] == "misses_norm"


def test_groningen_counter_wait_norms_are_upper_bounds_in_minutes(config: Config) -> None:
    g = config["groningen"]
    appointment = {"visit_type": "appointment", "location": "haren"}
    walk_in = {"visit_type": "walk_in", "location": "kreupelstraat"}
    assert _row(g, "wachttijd_balie", appointment, "2026-04", 5.0) == (
        {"op": "<=", "target": 5.0, "label": "maximaal 5 min"}, "meets_norm")
    assert _row(g, "wachttijd_balie", appointment, "2026-04", 5.01)[1] == "misses_norm"
    assert _row(g, "wachttijd_balie", walk_in, "2026-04", 15.0)[1] == "meets_norm"
    assert _row(g, "wachttijd_balie", walk_in, "2026-04", 15.5)[1] == "misses_norm"
    assert _row(g, "wachttijd_balie", {}, "2026-04", 3.0) == (None, "no_norm")
    assert _row(g, "wachttijd_balie", {"location": "haren"}, "2026-04", 3.0) == (None, "no_norm")


def test_groningen_direct_geholpen_norm_80_percent(config: Config) -> None:
    g = config["groningen"]
    assert _row(g, "direct_geholpen", {}, "2026-04", 0.81)[1] == "meets_norm"
    assert _row(g, "direct_geholpen", {"line": "14050", "queue": "afval"}, "2026-04", 0.79)[1] == "misses_norm"


def test_groningen_indicators_without_norm_are_no_norm(config: Config) -> None:
    for indicator in ("bereikbaarheid", "servicelevel", "positief", "aandeel_digitaal", "contacten"):
        assert _row(config["groningen"], indicator, {}, "2026-04", 0.5) == (None, "no_norm")


# -- Amersfoort ----------------------------------------------------------------------------------

def test_amersfoort_positief_norms_per_channel(config: Config) -> None:
    a = config["amersfoort"]
    assert _row(a, "positief", {"channel": "counter"}, "2026-04", 0.9)[1] == "meets_norm"
    assert _row(a, "positief", {"channel": "phone", "location": "stadhuis"}, "2026-04", 0.89)[1] == "misses_norm"
    assert _row(a, "positief", {"channel": "website"}, "2026-04", 0.6) == (
        {"op": ">=", "target": 0.6, "label": "minimaal 60%"}, "meets_norm")
    assert _row(a, "positief", {"channel": "website"}, "2026-04", 0.59)[1] == "misses_norm"
    assert _row(a, "positief", {"channel": "email"}, "2026-04", 0.5) == (None, "no_norm")
    assert _row(a, "positief", {}, "2026-04", 0.95) == (None, "no_norm")


def test_amersfoort_appointment_norm_97_percent_all_year(config: Config) -> None:
    a = config["amersfoort"]
    for period in ("2026-03", "2026-05", "2026-Q3", "2026"):
        assert _row(a, "balie_binnen_norm", {"visit_type": "appointment"}, period, 0.97)[1] == "meets_norm"
        assert _row(a, "balie_binnen_norm", {"visit_type": "appointment"}, period, 0.969)[1] == "misses_norm"


def test_amersfoort_walk_in_norm_is_90_percent_in_may(config: Config) -> None:
    norm, status = _row(config["amersfoort"], "balie_binnen_norm",
                        {"visit_type": "walk_in", "location": "stadhuis"}, "2026-05", 0.91)
    assert (norm["target"], status) == (0.90, "meets_norm")


def test_amersfoort_walk_in_norm_is_93_percent_in_march(config: Config) -> None:
    norm, status = _row(config["amersfoort"], "balie_binnen_norm", {"visit_type": "walk_in"}, "2026-03", 0.91)
    assert (norm["target"], status) == (0.93, "misses_norm")


@pytest.mark.parametrize(("period", "target"), [
    ("2026-01", 0.93), ("2026-04", 0.93), ("2026-06", 0.90), ("2026-08", 0.90), ("2026-09", 0.93),
    ("2026-12", 0.93), ("2026-05-12", 0.90), ("2026-W20", 0.90), ("2026-Q1", 0.93), ("2026-Q4", 0.93),
])
def test_amersfoort_walk_in_norm_of_a_period_inside_one_season(config: Config, period: str, target: float) -> None:
    norm = applicable_norm(config["amersfoort"], "balie_binnen_norm", {"visit_type": "walk_in"},
                           parse_period(period))
    assert norm is not None and norm.target == target


@pytest.mark.parametrize("period", ["2026-Q2", "2026-Q3", "2026", "2026-W18"])
def test_amersfoort_walk_in_has_no_norm_for_a_period_mixing_both_seasons(config: Config, period: str) -> None:
    # Q2 = April (93%) + May–June (90%); Q3 = July–August (90%) + September (93%); W18 = 27 Apr–3 May.
    assert _row(config["amersfoort"], "balie_binnen_norm", {"visit_type": "walk_in"}, period, 0.95) == (
        None, "no_norm")


def test_amersfoort_bereikbaarheid_norm_names_the_line(config: Config) -> None:
    a = config["amersfoort"]
    assert _row(a, "bereikbaarheid", {"line": "14033"}, "2026-04", 0.83) == (
        {"op": ">=", "target": 0.85, "label": "minimaal 85%"}, "misses_norm")
    assert _row(a, "bereikbaarheid", {"line": "14033", "queue": "wijkteams"}, "2026-04", 0.85)[1] == "meets_norm"
    assert _row(a, "bereikbaarheid", {}, "2026-04", 0.9) == (None, "no_norm")
    assert _row(a, "bereikbaarheid", {"queue": "wijkteams"}, "2026-04", 0.9) == (None, "no_norm")


def test_amersfoort_direct_geholpen_and_letters_norms_apply_to_every_row(config: Config) -> None:
    a = config["amersfoort"]
    assert _row(a, "direct_geholpen", {}, "2026-Q3", 0.75)[1] == "meets_norm"
    assert _row(a, "direct_geholpen", {"queue": "burgerzaken"}, "2026", 0.74)[1] == "misses_norm"
    assert _row(a, "brieven_binnen_termijn", {"channel": "post", "department": "vergunningen"},
                "2026-04", 0.9)[1] == "meets_norm"
    assert _row(a, "brieven_binnen_termijn", {}, "2026-04", 0.89)[1] == "misses_norm"


# -- Nijmegen ------------------------------------------------------------------------------------

def test_nijmegen_has_no_norm_for_any_row(config: Config) -> None:
    from monitor.indicators import REGISTRY

    for indicator in REGISTRY.ids():
        assert _row(config["nijmegen"], indicator, {}, "2026-04", 0.54) == (None, "no_norm")
        assert _row(config["nijmegen"], indicator, {}, "2026-04", None) == (None, "no_data")


# -- Hengelo: previous year ----------------------------------------------------------------------

def test_hengelo_satisfaction_equal_to_previous_year_meets_the_norm(config: Config) -> None:
    norm_json, status = _row(config["hengelo"], "klanttevredenheid", {"channel": "phone"}, "2026-04", 7.5, 7.5)
    assert norm_json == {"op": ">=", "target": 7.5, "compare": "previous_year",
                         "label": "ten minste gelijk aan vorig jaar"}
    assert status == "meets_norm"


def test_hengelo_satisfaction_below_previous_year_misses_the_norm(config: Config) -> None:
    assert _row(config["hengelo"], "klanttevredenheid", {}, "2026", 7.0, 7.1)[1] == "misses_norm"
    assert _row(config["hengelo"], "klanttevredenheid", {"location": "activerium"}, "2026-Q2", 8.0, 7.1)[1] \
        == "meets_norm"


def test_hengelo_digital_share_equal_to_previous_year_misses_the_above_norm(config: Config) -> None:
    h = config["hengelo"]
    assert _row(h, "aandeel_digitaal", {}, "2026-04", 0.4, 0.4) == (
        {"op": ">", "target": 0.4, "compare": "previous_year", "label": "hoger dan vorig jaar"}, "misses_norm")
    assert _row(h, "aandeel_digitaal", {}, "2026-04", 0.40001, 0.4)[1] == "meets_norm"


def test_hengelo_previous_year_unknown_gives_no_norm_with_a_null_target(config: Config) -> None:
    assert _row(config["hengelo"], "aandeel_digitaal", {}, "2026-04", 0.4, None) == (
        {"op": ">", "target": None, "compare": "previous_year", "label": "hoger dan vorig jaar"}, "no_norm")


def test_hengelo_value_unknown_is_no_data_even_with_a_previous_year(config: Config) -> None:
    assert _row(config["hengelo"], "klanttevredenheid", {}, "2026-04", None, 7.5)[1] == "no_data"


def test_hengelo_rows_without_a_norm(config: Config) -> None:
    assert _row(config["hengelo"], "direct_geholpen", {}, "2026-04", 0.5, 0.9) == (None, "no_norm")


# -- the rules themselves ------------------------------------------------------------------------

def test_scope_norm_applies_to_rows_containing_it_and_not_to_the_total_or_other_values() -> None:
    m = _municipality([{"indicator": "balie_binnen_norm", "op": ">=", "target": 0.9,
                        "scope": {"visit_type": "walk_in"}}])
    period = parse_period("2026-04")
    assert applicable_norm(m, "balie_binnen_norm", {"visit_type": "walk_in"}, period) is not None
    assert applicable_norm(m, "balie_binnen_norm", {"visit_type": "walk_in", "location": "x"}, period) is not None
    assert applicable_norm(m, "balie_binnen_norm", {}, period) is None
    assert applicable_norm(m, "balie_binnen_norm", {"visit_type": "appointment"}, period) is None
    assert applicable_norm(m, "balie_binnen_norm", {"location": "x"}, period) is None
    assert applicable_norm(m, "wachttijd_balie", {"visit_type": "walk_in"}, period) is None


def test_empty_scope_norm_applies_to_every_row_of_its_indicator() -> None:
    m = _municipality([{"indicator": "direct_geholpen", "op": ">=", "target": 0.8}])
    period = parse_period("2026-04")
    for scope in ({}, {"line": "14000"}, {"line": "14000", "queue": "algemeen"}):
        assert applicable_norm(m, "direct_geholpen", scope, period) is not None
    assert applicable_norm(m, "bereikbaarheid", {}, period) is None


def test_most_specific_norm_wins_whatever_the_order() -> None:
    general = {"indicator": "klanttevredenheid", "op": ">=", "target": 7}
    counter = {"indicator": "klanttevredenheid", "op": ">=", "target": 8, "scope": {"channel": "counter"}}
    location = {"indicator": "klanttevredenheid", "op": ">=", "target": 8.5,
                "scope": {"channel": "counter", "location": "haren"}}
    period = parse_period("2026-04")
    for norms in ([general, counter, location], [location, counter, general], [counter, location, general]):
        m = _municipality(norms)
        assert applicable_norm(m, "klanttevredenheid", {"channel": "counter", "location": "haren"}, period).target \
            == 8.5
        assert applicable_norm(m, "klanttevredenheid", {"channel": "counter", "location": "x"}, period).target == 8
        assert applicable_norm(m, "klanttevredenheid", {"channel": "phone"}, period).target == 7
        assert applicable_norm(m, "klanttevredenheid", {}, period).target == 7


def test_equally_specific_norms_first_in_configuration_wins() -> None:
    m = _municipality([
        {"indicator": "klanttevredenheid", "op": ">=", "target": 8, "scope": {"channel": "counter"}},
        {"indicator": "klanttevredenheid", "op": ">=", "target": 7, "scope": {"location": "haren"}},
    ])
    norm = applicable_norm(m, "klanttevredenheid", {"channel": "counter", "location": "haren"}, parse_period("2026-04"))
    assert norm is not None and norm.target == 8


def test_a_month_limited_norm_does_not_outrank_when_out_of_season() -> None:
    m = _municipality([
        {"indicator": "direct_geholpen", "op": ">=", "target": 0.7},
        {"indicator": "direct_geholpen", "op": ">=", "target": 0.9, "scope": {"line": "14000"}, "months": [12]},
    ])
    assert applicable_norm(m, "direct_geholpen", {"line": "14000"}, parse_period("2026-12")).target == 0.9
    assert applicable_norm(m, "direct_geholpen", {"line": "14000"}, parse_period("2026-11")).target == 0.7
    assert applicable_norm(m, "direct_geholpen", {"line": "14000"}, parse_period("2026-Q4")).target == 0.7


def test_boundary_values_compare_exactly_without_rounding() -> None:
    def status(op: str, value: float, target: float) -> str:
        norm = _municipality([{"indicator": "positief", "op": op, "target": target}]).norms[0]
        return evaluate(norm, value)[1]

    assert status(">=", 0.85, 0.85) == "meets_norm"
    assert status("<=", 0.85, 0.85) == "meets_norm"
    assert status(">", 0.85, 0.85) == "misses_norm"
    assert status("<", 0.85, 0.85) == "misses_norm"
    assert status(">=", 0.8499999, 0.85) == "misses_norm"  # 85.0% on display, still below
    assert status("<=", 5.0000001, 5) == "misses_norm"
    assert status("<", 4.99, 5) == "meets_norm"
    assert status(">=", 17 / 20, 0.85) == "meets_norm"


def test_no_data_returns_the_norm_it_would_be_measured_against() -> None:
    norm = _municipality([{"indicator": "positief", "op": ">=", "target": 0.9}]).norms[0]
    assert evaluate(norm, None) == ({"op": ">=", "target": 0.9}, "no_data")
    assert evaluate(None, None) == (None, "no_data")
    assert evaluate(None, 0.5) == (None, "no_norm")


def test_a_fixed_target_norm_ignores_the_previous_value() -> None:
    norm = _municipality([{"indicator": "positief", "op": ">=", "target": 0.9}]).norms[0]
    assert evaluate(norm, 0.91, previous=0.95) == ({"op": ">=", "target": 0.9}, "meets_norm")


def test_every_status_is_one_of_the_four_report_statuses(config: Config) -> None:
    seen = set()
    for municipality in config.municipalities.values():
        for norm in [None, *municipality.norms]:
            for value in (None, 0.0, 0.9, 8.0):
                for previous in (None, 0.5):
                    seen.add(evaluate(norm, value, previous)[1])
    assert seen == set(STATUSES)


# -- one applicability rule for report, export, alerts and dashboards ---------------------------

def test_a_month_limited_norm_applies_only_when_every_month_of_the_period_is_one_of_its_months() -> None:
    m = _municipality([{"indicator": "balie_binnen_norm", "op": ">=", "target": 0.9, "scope": {"visit_type": "walk_in"},
                        "months": [5, 6, 7, 8]}])
    (norm,) = m.norms
    scope = {"visit_type": "walk_in", "location": "x"}
    assert norm_applies(norm, "balie_binnen_norm", scope, [5])
    assert norm_applies(norm, "balie_binnen_norm", scope, [5, 6, 7])
    assert not norm_applies(norm, "balie_binnen_norm", scope, [4, 5, 6])  # overlapping is not enough
    assert not norm_applies(norm, "balie_binnen_norm", {"visit_type": "appointment"}, [5])
    assert not norm_applies(norm, "wachttijd_balie", scope, [5])
    assert norm_applies(norm, "balie_binnen_norm", scope, None)  # live: whichever month it is


def test_dashboards_see_every_seasonal_norm_and_the_report_only_the_month_s(config: Config) -> None:
    from dashboards.norms import applicable

    amersfoort = config["amersfoort"]
    scope = {"visit_type": "walk_in"}
    seasonal = applicable(amersfoort, "balie_binnen_norm", scope)
    assert sorted(n.target for n in seasonal) == [0.9, 0.93]
    assert applicable_norms(amersfoort, "balie_binnen_norm", scope, parse_period("2026-06").months) == \
        [n for n in seasonal if n.target == 0.9]


def test_status_and_norm_json_of_a_row() -> None:
    (norm,) = _municipality([{"indicator": "positief", "op": ">", "compare": "previous_year"}]).norms
    assert status(norm, 0.8, 0.8) == "misses_norm" and status(norm, 0.81, 0.8) == "meets_norm"
    assert status(norm, 0.8, None) == "no_norm" and status(None, None, None) == "no_data"
    assert norm_json(norm, 0.8) == {"op": ">", "target": 0.8, "compare": "previous_year"}
    assert target(norm, previous=0.7) == 0.7

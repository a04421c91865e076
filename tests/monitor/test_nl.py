"""Dutch labels and number formats as the programme texts write them."""

from __future__ import annotations

import pytest

from monitor import nl
from monitor.config import Norm
from monitor.norms import applicable_norm
from monitor.periods import parse_period


@pytest.mark.parametrize(
    "value, unit, text",
    [
        (0.83, "ratio", "83,0%"),
        (0.8347, "ratio", "83,5%"),
        (4.26, "minutes", "4,3 min"),
        (7.75, "grade", "7,8"),
        (7.35, "grade", "7,4"),
        (1234, "count", "1.234"),
        (1234567, "count", "1.234.567"),
        (42.4, "seconds", "42 sec"),
        (None, "ratio", "–"),
        (0.0, "ratio", "0,0%"),
    ],
)
def test_values_use_the_dutch_decimal_comma_and_thousands_dot(value, unit, text):
    assert nl.format_value(value, unit) == text


def test_configured_norm_label_is_used_as_the_text_writes_it(config):
    groningen = config["groningen"]
    period = parse_period("2026-04")
    callbacks = applicable_norm(groningen, "terugbellen_1_werkdag", {}, period)
    counter = applicable_norm(groningen, "wachttijd_balie", {"visit_type": "appointment", "location": "haren"}, period)
    assert nl.norm_text(callbacks, "ratio") == "minimaal 80%"
    assert nl.norm_text(counter, "minutes") == "maximaal 5 min"


@pytest.mark.parametrize(
    "norm, unit, text",
    [
        ({"op": ">=", "target": 0.8}, "ratio", "minimaal 80%"),
        ({"op": ">=", "target": 0.975}, "ratio", "minimaal 97,5%"),
        ({"op": "<=", "target": 5}, "minutes", "maximaal 5 min"),
        ({"op": ">=", "target": 7.5}, "grade", "minimaal 7,5"),
        ({"op": ">=", "target": 8}, "grade", "minimaal 8"),
        ({"op": ">=", "compare": "previous_year"}, "grade", "ten minste gelijk aan vorig jaar"),
        ({"op": ">", "compare": "previous_year"}, "ratio", "hoger dan vorig jaar"),
        (None, "ratio", ""),
    ],
)
def test_norm_without_configured_label_is_written_from_op_target_and_unit(norm, unit, text):
    configured = None if norm is None else Norm(indicator="klanttevredenheid", **norm)
    assert nl.norm_text(configured, unit) == text


def test_amersfoort_walk_in_norm_label_follows_the_month(config):
    amersfoort = config["amersfoort"]
    scope = {"visit_type": "walk_in", "location": "stadhuis"}
    june = applicable_norm(amersfoort, "balie_binnen_norm", scope, parse_period("2026-06"))
    march = applicable_norm(amersfoort, "balie_binnen_norm", scope, parse_period("2026-03"))
    assert nl.norm_text(june, "ratio") == "minimaal 90% binnen 10 min (mei t/m aug.)"
    assert nl.norm_text(march, "ratio") == "minimaal 93% binnen 10 min (rest van het jaar)"


def test_status_words_are_the_same_in_every_output():
    assert nl.STATUS == {"meets_norm": "voldoet", "misses_norm": "voldoet niet", "no_norm": "geen norm",
                         "no_data": "geen gegevens"}


def test_indicator_label_is_the_registry_title():
    assert nl.indicator_label("bereikbaarheid") == "Bereikbaarheid"
    assert nl.indicator_label("balie_binnen_norm") == "Balie binnen norm"


def test_scope_words_for_visit_types_and_channels_only():
    assert nl.scope_word("visit_type", "walk_in") == "vrije inloop"
    assert nl.scope_word("channel", "email") == "e-mail"
    assert nl.scope_word("line", "14050") is None


def test_alert_where_names_a_configured_value_or_the_alert_label():
    assert nl.alert_where("visit_type", "appointment") == "op afspraak"
    assert nl.alert_where("location", "haren") == "locatie haren"
    assert nl.alert_where("location", None) == "locatie {{ $labels.location }}"


@pytest.mark.parametrize(
    "municipality, indicator, scope, text",
    [
        ("groningen", "terugbellen_1_werkdag", {}, "Terugbellen binnen 1 werkdag"),
        ("groningen", "terugbellen_2_werkdagen", {}, "Terugbellen binnen 2 werkdagen"),
        ("groningen", "terugbellen_1_werkdag", {"department": "stadstoezicht"},
         "Terugbellen binnen 1 werkdag, afdeling Stadstoezicht"),
        ("groningen", "wachttijd_balie", {"visit_type": "appointment"}, "Gemiddelde wachttijd balie (op afspraak)"),
        ("groningen", "wachttijd_balie", {"visit_type": "walk_in"}, "Gemiddelde wachttijd balie (vrije inloop)"),
        ("groningen", "wachttijd_balie", {"visit_type": "walk_in", "location": "ten-boer"},
         "Gemiddelde wachttijd balie Ten Boer (vrije inloop)"),
        ("groningen", "klanttevredenheid", {"channel": "counter", "location": "kreupelstraat"},
         "Klanttevredenheid publieksbalie Kreupelstraat"),
        ("groningen", "klanttevredenheid", {"location": "harm-buiterplein"},
         "Klanttevredenheid Harm Buiterplein (alle kanalen)"),
        ("amersfoort", "positief", {"channel": "counter", "location": "stadhuis"},
         "% bezoekers van de balie Stadhuis dat positief is over dienstverlening"),
        ("amersfoort", "positief", {"location": "stadhuis"},
         "% klanten bij Stadhuis dat positief is over dienstverlening (alle kanalen)"),
        ("groningen", "klanttevredenheid", {"channel": "phone"}, "Klanttevredenheid telefoonnummer 14 050"),
        ("groningen", "klanttevredenheid", {"channel": "website"}, "Klanttevredenheid Website"),
        ("amersfoort", "bereikbaarheid", {"line": "14033"}, "% telefonische bereikbaarheid 14033"),
        ("amersfoort", "bereikbaarheid", {"queue": "wijkteams"}, "% telefonische bereikbaarheid, wachtrij Wijkteams"),
        ("amersfoort", "direct_geholpen", {}, "% bellers die direct zijn geholpen door KCC"),
        ("amersfoort", "brieven_binnen_termijn", {}, "% brieven dat binnen de termijn beantwoord wordt"),
        ("amersfoort", "balie_binnen_norm", {"visit_type": "appointment"},
         "Wachttijd: bezoekers op afspraak, geholpen binnen 5 minuten"),
        ("amersfoort", "balie_binnen_norm", {"visit_type": "walk_in"},
         "Wachttijd: bezoekers vrije inloop, geholpen binnen 10 minuten"),
        ("amersfoort", "positief", {"channel": "phone"},
         "% bellers met het KCC dat positief is over dienstverlening"),
        ("amersfoort", "servicelevel", {}, "% bellers binnen 30 seconden geholpen"),
        ("hengelo", "aandeel_digitaal", {}, "Aandeel digitaal kanaal"),
        ("hengelo", "contacten", {"channel": "phone"}, "Aantal contacten telefoon"),
        ("hengelo", "contacten", {}, "Aantal contacten totaal"),
        ("hengelo", "wachttijd_telefoon", {"queue": "isp-activerium"},
         "Gemiddelde wachttijd telefoon, wachtrij Isp activerium"),
    ],
)
def test_row_names_follow_the_seeds(config, municipality, indicator, scope, text):
    assert nl.row_label(indicator, scope, config[municipality]) == text


def test_every_indicator_has_a_dutch_name(config):
    from monitor.indicators import REGISTRY
    for indicator in REGISTRY.ids():
        assert nl.row_label(indicator, {}, config["groningen"]) != indicator


@pytest.mark.parametrize("label, title", [("2026-04", "april 2026"), ("2026-Q2", "2e kwartaal 2026"),
                                          ("2026", "2026")])
def test_period_titles_are_dutch(label, title):
    assert nl.period_title(parse_period(label)) == title


_VALUES = {
    "visit_type": ["appointment", "walk_in"],
    "channel": ["counter", "phone", "website", "email", "post", "digital"],
}
_CHANNELS = {  # EVENTS.md: survey channels, letter channels, contact channels
    "klanttevredenheid": ["counter", "phone", "website", "email"],
    "positief": ["counter", "phone", "website", "email"],
    "brieven_binnen_termijn": ["post", "email"],
    "contacten": ["phone", "counter", "post", "email", "digital"],
}


def _values(municipality, dimension, indicator=""):
    if dimension == "channel":
        return _CHANNELS[indicator]
    configured = {"line": municipality.lines, "queue": municipality.queues,
                  "department": municipality.departments, "location": municipality.locations}
    if dimension in configured:  # bounded by configuration: anything else is "other"
        return configured[dimension] + ["other"]
    return _VALUES[dimension]  # fixed by the event contract


@pytest.mark.parametrize("slug", ["groningen", "amersfoort", "nijmegen", "hengelo"])
def test_every_row_the_report_can_produce_has_its_own_name(config, slug):
    from itertools import product

    from monitor.indicators import REGISTRY

    municipality = config[slug]
    names: dict[str, tuple] = {}
    for indicator, dims in ((spec.id, spec.scope) for spec in REGISTRY):
        scopes = [{}] + [{d: v} for d in dims for v in _values(municipality, d, indicator)]
        if len(dims) > 1:
            scopes += [dict(zip(dims, combo))
                       for combo in product(*(_values(municipality, d, indicator) for d in dims))]
        for scope in scopes:
            name = nl.row_label(indicator, scope, municipality)
            key = (indicator, tuple(sorted(scope.items())))
            assert names.setdefault(name, key) == key, f"{name!r} names {names[name]} and {key}"


def test_other_label_value_reads_as_overig(config):
    assert nl.row_label("terugbellen_1_werkdag", {"department": "other"}, config["groningen"]) == \
        "Terugbellen binnen 1 werkdag, afdeling overig"

"""The indicator registry: one table every reader uses; a new indicator is a row, a contributions function
and a configuration entry."""

from __future__ import annotations

from collections import Counter

import pytest

from monitor import live, nl, promql
from monitor import metricspec as ms
from monitor.config import Config, Municipality
from monitor.export.table import build_table
from monitor.indicators import REGISTRY, registered
from monitor.indicators.base import Contribution, local_day, ratio, scope_value
from monitor.indicators.spec import IndicatorSpec, Live, Term, to_live
from monitor.metricspec import MetricSpec
from monitor.periods import parse_period
from monitor.instants import to_us
from monitor.records import CallRecord, fold
from monitor.report import build_report
from monitor.rules import recording_groups
from tests.events import call
from tests.monitor.reportkit import at, source

KPIS_ORDER = (
    "bereikbaarheid", "servicelevel", "wachttijd_telefoon", "direct_geholpen",
    "terugbellen_1_werkdag", "terugbellen_2_werkdagen", "wachttijd_balie",
    "balie_binnen_norm", "klanttevredenheid", "positief", "brieven_binnen_termijn",
    "aandeel_digitaal", "contacten",
)


def test_registry_lists_the_thirteen_indicators_of_kpis_md_in_report_order():
    assert REGISTRY.ids() == KPIS_ORDER


def test_counter_indicators_have_one_dimension_order_in_report_and_live_levels():
    for indicator in ("wachttijd_balie", "balie_binnen_norm"):
        spec = REGISTRY[indicator]
        assert spec.scope == ("visit_type", "location")  # KPIS.md indicator table
        assert promql.levels(spec)[-1] == ("municipality", "visit_type", "location")


def test_counter_wait_is_minutes_in_the_report_and_seconds_live():
    spec = REGISTRY["wachttijd_balie"]
    assert (spec.unit, spec.live_unit, spec.metric) == ("minutes", "seconds", "kcc_wachttijd_balie_seconds")
    assert to_live(5, "minutes") == 300
    assert to_live(30, "seconds") == 30  # a phone wait norm is seconds already
    assert to_live(0.8, "ratio") == 0.8


def test_every_indicator_with_norm_alerts_has_its_dutch_alert_texts():
    with_alerts = {spec.id for spec in REGISTRY if spec.alert is not None}
    assert with_alerts == set(nl.ALERTS)


def test_every_decided_indicator_labels_its_live_series_from_its_scope_and_term():
    for spec in REGISTRY:
        if spec.live.decided:
            for term in filter(None, (spec.live.numerator, spec.live.miss)):
                free = set(term.spec.labels) - {"municipality"} - set(term.matchers)
                assert free <= set(spec.scope), (spec.id, term.spec.name)


def test_registering_a_taken_id_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        REGISTRY.register(REGISTRY["contacten"])


# -- the throw-away indicator ----------------------------------------------------------------------

ANSWERED_FAST = MetricSpec("kcc_calls_answered_fast", "counter", "Calls answered within 10 s.",
                           ("municipality", "line"))
"""Its own counter: a metric spec, plain data, that only the registry row names."""

SNEL = IndicatorSpec(
    "snel_opgenomen", "ratio", ("line",), "Snel opgenomen",
    Live("ratio", Term(ANSWERED_FAST), plus=(Term(ms.CALLS_ANSWERED),), decided=True),
)
"""Share of answered calls answered within 10 s, per line: the registry row of a new indicator, whose
decisions (a hit: answered within 10 s) count in its own counter live."""


def snel_contributions(record: CallRecord, municipality: Municipality, as_of_us: int) -> list[Contribution]:
    """Its contributions function (what a new module of monitor/indicators would hold)."""
    if record.offered is None or record.answered is None or record.answered[0] > as_of_us:
        return []
    scope = (("line", scope_value(municipality, "line", record.offered[1])),)
    return [ratio("snel_opgenomen", scope, local_day(record.offered[0], municipality), record.answered[1] <= 10_000)]


def _with_norm(config: Config) -> Config:
    """Groningen with the new indicator's norm: the configuration entry, validated like any other."""
    data = config["groningen"].model_dump(mode="json")
    data["norms"].append({"indicator": "snel_opgenomen", "op": ">=", "target": 0.5, "label": "minimaal 50%"})
    return Config(municipalities={"groningen": Municipality.model_validate(data)})


def test_a_new_indicator_is_a_registry_row_a_contributions_function_and_a_config_entry(config):
    events = (call("s1", "2026-04-07T09:00:00+02:00", answered=("2026-04-07T09:00:05+02:00", 5))
              + call("s2", "2026-04-07T09:10:00+02:00", answered=("2026-04-07T09:10:40+02:00", 40))
              + call("s3", "2026-04-07T09:20:00+02:00", answered=("2026-04-07T09:20:08+02:00", 8)))
    period = parse_period("2026-04")
    with pytest.raises(ValueError, match="unknown indicator 'snel_opgenomen'"):
        _with_norm(config)  # not an indicator until registered

    with registered(SNEL, "call", snel_contributions):
        configured = _with_norm(config)  # config validation knows it
        report = build_report(source(events, configured), "groningen", period, at("2026-05-01T00:00:00+02:00"))
        rows = {row.scope: row for row in report.rows if row.id == "snel_opgenomen"}
        assert report.rows[-1].id == "snel_opgenomen"  # after the built-in ones, in registry order
        assert (rows[()].value, rows[()].n, rows[()].hits) == (2 / 3, 3, 2)
        assert rows[()].norm is not None and rows[()].status == "meets_norm"  # its norm applied
        assert rows[(("line", "14050"),)].value == 2 / 3

        recorded = {rule["record"] for group in recording_groups() for rule in group.get("rules", [])
                    if "record" in rule}
        assert "municipality_line:kcc_snel_opgenomen:ratio_rate1h" in recorded
        assert "municipality:kcc_snel_opgenomen_items:increase_today" in recorded

        groningen = configured["groningen"]
        assert nl.indicator_label("snel_opgenomen") == "Snel opgenomen"
        assert nl.row_label("snel_opgenomen", {"line": "14050"}, groningen) == "Snel opgenomen, lijn 14050"
        table = build_table(groningen, period, lambda p: report)
        row = next(r for r in table.rows if r.indicator == "snel_opgenomen" and not r.scope)
        assert (row.label, row.norm_label, table.total(row).text) == ("Snel opgenomen", "minimaal 50%", "66,7%")

        fast = (ANSWERED_FAST, ("groningen", "14050"), "inc", 1.0)
        offered, answered = events[0], events[1]  # s1: answered after 5 s
        change = live.apply(None, Counter(), offered, groningen, to_us(offered.ts))
        assert fast not in change.delta  # not decided while the caller waits
        change = live.apply(change.record, change.counted, answered, groningen, to_us(answered.ts))
        assert change.delta[fast] == 1  # its live fact, from the registry row alone
        slow = live.facts(fold(fold(None, events[2]), events[3]), groningen)  # s2: answered after 40 s
        assert fast not in slow  # a miss, and the row names no miss counter
        assert (ms.CALLS_ANSWERED, ("groningen", "14050", "algemeen"), "inc", 1.0) in slow

    assert fast not in live.facts(change.record, groningen)  # unregistered: no indicator, no fact

    assert "snel_opgenomen" not in REGISTRY
    report = build_report(source(events, config), "groningen", period, at("2026-05-01T00:00:00+02:00"))
    assert all(row.id != "snel_opgenomen" for row in report.rows)

"""monitor/promql.py: names follow level:metric:operations, expressions use only known series."""

from __future__ import annotations

import re

import pytest

from monitor import metricspec as ms
from monitor import promql as q
from monitor.indicators.spec import REGISTRY


def test_every_indicator_of_the_report_is_live() -> None:
    recorded = {rule_name.split(":")[1] for rule_name in
                (q.record_name(spec.id, ("municipality",), "1h") for spec in REGISTRY)}
    assert recorded == {spec.metric for spec in REGISTRY}


def test_record_names_follow_level_metric_operations() -> None:
    assert q.record_name("bereikbaarheid", ("municipality", "line"), "1h") == \
        "municipality_line:kcc_bereikbaarheid:ratio_rate1h"
    assert q.record_name("wachttijd_balie", ("municipality", "visit_type", "location"), "today") == \
        "municipality_visit_type_location:kcc_wachttijd_balie_seconds:mean_today"
    assert q.record_name("contacten", ("municipality", "channel"), "month") == \
        "municipality_channel:kcc_contacten:increase_month"
    assert q.items_record("bereikbaarheid", ("municipality",), "15m") == \
        "municipality:kcc_bereikbaarheid_items:increase15m"


def test_indicators_are_recorded_for_the_municipality_each_dimension_and_their_combination() -> None:
    assert q.levels(REGISTRY["balie_binnen_norm"]) == (
        ("municipality",), ("municipality", "visit_type"), ("municipality", "location"),
        ("municipality", "visit_type", "location"))
    assert q.levels(REGISTRY["aandeel_digitaal"]) == (("municipality",),)


def test_a_ratio_has_no_value_without_items_and_zero_without_hits() -> None:
    assert q.ratio("a", "b") == "(a or b * 0) / (b > 0)"


def test_sliding_windows_sum_increases_over_workers() -> None:
    expr = q.increase_sum(ms.CALLS_ANSWERED, "15m", ("municipality", "line"))
    assert expr == "sum by (municipality, line) (increase(kcc_calls_answered_total[15m]))"


def test_today_reads_the_latched_period_increase_not_a_fixed_24h_range() -> None:
    expr = q.increase_sum(ms.CALLS_ANSWERED, "today", ("municipality",))
    assert "[1d]" not in expr and "[24h]" not in expr
    assert expr == "sum by (municipality) (municipality_line_queue:kcc_calls_answered_total:increase_today)"
    latch = q.latch_expr(ms.CALLS_ANSWERED, "today")
    assert 'kcc_period_start_timestamp_seconds{period="day"}' in latch


@pytest.mark.parametrize("window", q.WINDOWS)
def test_every_series_an_indicator_reads_is_a_metric_spec_or_a_recorded_name(window: str) -> None:
    known = {spec.series for spec in ms.ALL} | {f"{s.name}_{x}" for s in ms.ALL if s.kind == "histogram"
                                                 for x in ("sum", "count", "bucket")}
    recorded = {q.period_increase_record(t.spec, w, suffix=t.suffix) for t in q.period_terms() for w in q.PERIOD_WINDOWS}
    for ind in REGISTRY:
        for level in q.levels(ind):
            exprs = [q.numerator_expr(ind, window, level)]
            if ind.live.kind != "count":
                exprs.append(q.denominator_expr(ind, window, level))
            for expr in exprs:
                for name in re.findall(r"[a-z_:][a-z0-9_:]*(?=[{\[)])", re.sub(r"by \([^)]*\)", "", expr)):
                    if name in {"sum", "increase", "rate", "by"}:
                        continue
                    assert name in known | recorded, f"{ind.id}: unknown series {name}"


def test_label_names_used_in_by_clauses_exist_on_the_metrics() -> None:
    for ind in REGISTRY:
        for term in ind.live.terms():
            assert set(ind.scope) <= set(term.spec.labels), (ind.id, term.spec.name)

"""monitor/rules/alerts.py: alert rules generated from the registry and the norms in the configuration."""

from __future__ import annotations

import re

from monitor import metricspec as ms
from monitor import rules
from monitor.config import Config


def _alerts(config: Config, options: rules.AlertOptions = rules.AlertOptions()) -> list[dict]:
    return [r for g in rules.alert_groups(config, options) for r in g["rules"]]


def test_every_norm_with_a_target_becomes_an_alert_rule(config: Config) -> None:
    alerts = [a for a in _alerts(config) if a["labels"]["kind"] == "norm"]
    norms = [(m.slug, n) for m in config.municipalities.values() for n in m.norms if n.target is not None]
    assert len(alerts) == len(norms)
    assert {a["labels"]["municipality"] for a in alerts} == {"amersfoort", "groningen"}


def test_amersfoort_bereikbaarheid_alert_compares_line_14033_over_the_last_hour_with_85_percent(config: Config) -> None:
    rule = next(a for a in _alerts(config)
                if a["alert"] == "KccBereikbaarheidOnderNorm" and a["labels"]["municipality"] == "amersfoort")
    assert rule["expr"].startswith(
        'municipality_line:kcc_bereikbaarheid:ratio_rate1h{line="14033",municipality="amersfoort"} < 0.85')
    assert 'municipality:kcc_office_open:max{municipality="amersfoort"} == 1' in rule["expr"]
    assert "humanizePercentage" in rule["annotations"]["description"]
    assert "Wat te doen" in rule["annotations"]["description"]


def test_groningen_counter_wait_norm_in_minutes_becomes_seconds_per_location(config: Config) -> None:
    rule = next(a for a in _alerts(config)
                if a["alert"] == "KccWachttijdBalieBovenNorm" and a["labels"].get("norm") == "visit_type=walk_in")
    assert rule["expr"].startswith("municipality_visit_type_location:kcc_wachttijd_balie_seconds:mean_rate30m{")
    assert " > 900" in rule["expr"]


def test_seasonal_walk_in_norm_uses_the_local_month_not_utc(config: Config) -> None:
    summer = next(a for a in _alerts(config) if a["labels"].get("norm") == "visit_type=walk_in months=5-8")
    rest = next(a for a in _alerts(config) if a["labels"].get("norm") == "visit_type=walk_in months=1-4,9-12")
    month = 'municipality:kcc_local_month:value{municipality="amersfoort"}'
    assert f"{month} >= 5 <= 8" in summer["expr"] and " < 0.9\n" in summer["expr"]
    assert f"{month} >= 1 <= 4 or {month} >= 9 <= 12" in rest["expr"] and " < 0.93\n" in rest["expr"]
    assert "month(" not in summer["expr"]


def test_test_variant_fires_at_once_without_office_gate_or_minimum(config: Config) -> None:
    for alert in _alerts(config, rules.AlertOptions.for_test()):
        assert alert["for"] == "0s"
        assert "kcc_office_open" not in alert["expr"] and "_items:" not in alert["expr"]


def test_silence_and_caller_wait_thresholds_come_from_the_configuration(config: Config) -> None:
    alerts = _alerts(config)
    silence = next(a for a in alerts if a["alert"] == "KccGeenEvents" and a["labels"]["municipality"] == "nijmegen")
    assert " > 900" in silence["expr"]  # silence_alert_minutes 15 (default)
    wait = next(a for a in alerts if a["alert"] == "KccBellerWachtTeLang" and a["labels"]["municipality"] == "hengelo")
    assert " > 300" in wait["expr"]


def test_every_series_the_alerts_read_is_recorded_or_exported(config: Config) -> None:
    recorded = {r["record"] for g in rules.recording_groups() for r in g["rules"]}
    exported = {s.series for s in ms.ALL} | {"up"}
    for alert in _alerts(config):
        for name in re.findall(r"[a-z_:][a-z0-9_:]*(?=\{)", alert["expr"]):
            assert name in recorded | exported, f"{alert['alert']}: {name}"

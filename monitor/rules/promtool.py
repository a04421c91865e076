"""``tests/alert_rules_test.yml``: promtool unit tests generated from the alert cases.

Each alert rule gets a case that fires when its norm slips and is silent exactly
at the norm, plus one silent case per gate (office closed, too few items, a
month the norm does not cover). The expected annotations are the rule's Dutch
texts rendered by :mod:`.gotemplate`.
"""

from __future__ import annotations

from monitor import promql as q
from monitor.config import Config
from monitor.norms import norm_applies
from monitor.rules import gotemplate
from monitor.rules.alerts import AlertCase, alert_cases, pipeline_cases
from monitor.rules.files import ALERT_FILE, HEADER, dump
from monitor.rules.gotemplate import num


def alert_tests(config: Config) -> str:
    """``promtool test rules`` file: for every alert rule a firing case and non-firing cases.

    Inputs are the recorded series the alert reads (the recording rules have their
    own tests), so each case isolates one rule. Timeline (1 sample a minute): the
    breaking value until ``for`` + 10 min, then exactly the threshold; the alert is
    expected firing at ``for`` + 5 min with its rendered Dutch texts and silent 5 min
    into the boundary phase. Gated rules also get: office closed, too few items,
    a month the norm does not cover — each silent (where a sibling rule of the same
    alert covers that month, the sibling's alert is expected instead).
    """
    cases = alert_cases(config) + pipeline_cases()
    tests: list[dict] = []
    for case in cases:
        siblings = [c for c in cases if c.rule["alert"] == case.rule["alert"] and c.series == case.series
                    and c.series_labels == case.series_labels]
        tests += _case_tests(case, siblings)
    doc = {"rule_files": [f"../{ALERT_FILE}"], "evaluation_interval": "1m", "tests": tests}
    return HEADER + dump(doc)


def _case_tests(case: AlertCase, siblings: list[AlertCase]) -> list[dict]:
    name = case.rule["alert"]
    for_min = _minutes(case.rule["for"])
    fire = case.fire_value if case.fire_value is not None else _breaking(case)
    ok = case.ok_value if case.ok_value is not None else case.threshold
    phase = for_min + 10
    total = 2 * phase + 10
    normal = {"office": 1, "items": case.items[1] if case.items else 0,
              "month": case.month[1][0] if case.month else 0}

    def inputs(value_series: str, env: dict) -> list:
        rows = [{"series": q.selector(case.series, case.series_labels), "values": value_series}]
        if case.items:
            rows.append({"series": q.selector(case.items[0], case.series_labels),
                         "values": f"{env['items']}+0x{total}"})
        if case.office:
            rows.append({"series": case.office, "values": f"{env['office']}+0x{total}"})
        if case.month:
            rows.append({"series": case.month[0], "values": f"{env['month']}+0x{total}"})
        return rows

    def expected(value: float, env: dict) -> list[dict]:
        return [_fired(c, value) for c in siblings if _fires(c, value, env)]

    where = ",".join(f"{k}={v}" for k, v in sorted(case.series_labels.items()))
    at = f"{for_min + 5}m"
    assert expected(fire, normal) and not expected(ok, normal), name  # the generated case must make sense
    tests = [{
        "name": f"{name} {where}: fires when the norm slips, silent exactly at the norm",
        "interval": "1m",
        "input_series": inputs(f"{num(fire)}+0x{phase} {num(ok)}+0x{phase + 10}", normal),
        "alert_rule_test": [
            {"eval_time": at, "alertname": name, "exp_alerts": expected(fire, normal)},
            {"eval_time": f"{phase + 6}m", "alertname": name, "exp_alerts": expected(ok, normal)},
        ],
    }]
    negatives = []
    if case.office:
        negatives.append(("outside office hours", {**normal, "office": 0}))
    if case.items:
        negatives.append((f"with fewer than {case.items[1]} items", {**normal, "items": case.items[1] - 1}))
    if case.month:
        other = next(m for m in range(1, 13) if m not in case.month[1])
        negatives.append((f"in month {other}", {**normal, "month": other}))
    for why, env in negatives:
        tests.append({"name": f"{name} {where}: this rule silent {why}", "interval": "1m",
                      "input_series": inputs(f"{num(fire)}+0x{total}", env),
                      "alert_rule_test": [{"eval_time": at, "alertname": name, "exp_alerts": expected(fire, env)}]})
    return tests


def _fires(case: AlertCase, value: float, env: dict) -> bool:
    """Whether the rule's condition holds for steady inputs (mirrors the generated expression)."""
    holds = {"<": value < case.threshold, "<=": value <= case.threshold, ">": value > case.threshold,
             ">=": value >= case.threshold, "==": value == case.threshold}[case.op]
    if case.items and env["items"] < case.items[1]:
        return False
    if case.office and env["office"] != 1:
        return False
    if case.norm is not None and not norm_applies(case.norm, case.norm.indicator, case.series_labels, [env["month"]]):
        return False  # the norm does not apply in this local month (monitor/norms.py, as the report decides)
    return holds


def _fired(case: AlertCase, value: float) -> dict:
    labels = {**(case.series_labels if case.series_labels_on_alert else {}), **case.rule["labels"]}
    return {"exp_labels": labels,
            "exp_annotations": {k: gotemplate.render(v, case.series_labels, value)
                                for k, v in case.rule["annotations"].items()}}


def _breaking(case: AlertCase) -> float:
    """A value clearly beyond the threshold in the alert's direction, chosen to render exactly."""
    step = {"ratio": 0.1, "seconds": 120, "grade": 1, "count": 3}[case.unit]
    if case.op in ("<", "<="):
        return round(case.threshold - step, 6)
    return round(case.threshold + step, 6) if case.unit != "count" or case.threshold else step


def _minutes(duration: str) -> int:
    return int(duration[:-1]) * (60 if duration.endswith("h") else 1) if duration.endswith(("m", "h")) else 0

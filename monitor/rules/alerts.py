"""``alert_rules.yml``: norm alerts from the configured norms, live alerts and pipeline alerts.

Decisions:

* Office hours: PromQL knows only UTC and no closing days, so the worker exports
  ``kcc_office_open{municipality}`` (1/0, computed at scrape time from the same
  calendar as the working-day deadlines); the rule ``municipality:kcc_office_open:max``
  gates the norms that only apply while open (phone, counter, callbacks) and the
  silent-source and caller-wait alerts. No worker → no gauge → gated alerts are
  silent, and ``KccGeenWorkers`` says why.
* Which norms: a norm with a fixed target of an indicator whose registry row has an
  ``alert`` (``IndicatorSpec.alert``: window, minimum items, ``for:``, split).
  Scope containment is the matchers (a norm naming part of a scope matches every
  series containing it); months are the norm rule of :mod:`monitor.norms` ("the
  period's months are in the norm's months", here the current local month),
  evaluated on ``municipality:kcc_local_month:value`` (derived from the worker's
  local day start), not UTC ``month()``, which would apply the summer walk-in
  norm from 30 April 22:00 local time.
* Units: norm targets are in the report unit and converted with
  :func:`monitor.indicators.spec.to_live` (minutes → seconds).
* A norm alert needs a minimum number of items in its window so that the first
  call of the morning cannot trip it, and a ``for:`` duration.
* Lag: the worker exports ``kcc_consumer_lag_messages{topic, partition}``;
  invalid messages are judged by their share of all messages (dead letters have
  no municipality label: they go to the operators).

Every Dutch text comes from :mod:`monitor.nl`. :class:`AlertOptions`
parameterises the rules: the integration test uses a variant with ``for: 0s``,
no office-hours gate and no minimum item count, built by the same code.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor import nl
from monitor import promql as q
from monitor.config import Config, Municipality, Norm
from monitor.indicators.spec import REGISTRY, to_live
from monitor.rules import gotemplate
from monitor.rules.gotemplate import num

_NOT = {">=": "<", "<=": ">", ">": "<=", "<": ">="}
"""Alert condition for a norm: the norm ``value >= target`` slips when ``value < target``."""


@dataclass(frozen=True)
class AlertOptions:
    """Knobs of the alert rules; :meth:`for_test` is the integration-test variant."""

    for_override: str | None = None
    office_gate: bool = True
    min_items: bool = True

    @classmethod
    def for_test(cls) -> "AlertOptions":
        return cls(for_override="0s", office_gate=False, min_items=False)


@dataclass(frozen=True)
class AlertCase:
    """One generated alert rule plus what its promtool test needs to drive it."""

    rule: dict
    series: str
    """Recorded series the rule compares with the norm (the alert's ``$value``)."""
    series_labels: dict[str, str]
    """Concrete labels of one such series (test input); the fired alert carries them."""
    threshold: float
    op: str
    """The alert condition (``<`` for a ``>=`` norm)."""
    unit: str
    items: tuple[str, int] | None = None
    """(recorded item count, minimum) when the rule has a minimum-items guard."""
    office: str | None = None
    """Office-open series (selector) when the rule is silent outside office hours."""
    month: tuple[str, tuple[int, ...]] | None = None
    """(local-month series, months) when the norm applies in certain months only."""
    fire_value: float | None = None
    """Test value that breaks the norm (default: a clear margin beyond the threshold)."""
    ok_value: float | None = None
    """Test value that must not fire (default: exactly the threshold, the boundary)."""
    series_labels_on_alert: bool = True
    """False for ``absent()`` rules, whose alert carries no series labels."""
    norm: Norm | None = None
    """The configured norm of a norm alert (its applicability decides the expected test outcomes)."""


def alert_cases(config: Config, options: AlertOptions = AlertOptions()) -> list[AlertCase]:
    """Every norm alert (one per municipality and norm with a target) and the live alerts."""
    cases: list[AlertCase] = []
    for slug in sorted(config.municipalities):
        m = config[slug]
        for norm in m.norms:
            if norm.target is not None and REGISTRY[norm.indicator].alert is not None:
                cases.append(_norm_case(m, norm, options))
        cases += _live_cases(m, options)
    return cases


def alert_groups(config: Config, options: AlertOptions = AlertOptions()) -> list[dict]:
    cases = alert_cases(config, options)
    return [
        {"name": "kcc_norms", "rules": [c.rule for c in cases if c.rule["labels"]["kind"] == "norm"]},
        {"name": "kcc_live", "rules": [c.rule for c in cases if c.rule["labels"]["kind"] == "live"]},
        {"name": "kcc_pipeline", "rules": pipeline_rules(options)},
    ]


def _norm_case(m: Municipality, norm: Norm, options: AlertOptions) -> AlertCase:
    spec = REGISTRY[norm.indicator]
    alert = spec.alert
    assert alert is not None and norm.target is not None  # alert_cases picks such norms only
    # a norm naming part of a scope applies to every row containing that part: alert on the
    # scope's dimensions plus the ones a team lead acts on (the location of a counter norm,
    # the department of a callback norm)
    wanted = set(norm.scope) | set(alert.split_by)
    if norm.scope.get("channel") == "counter" and "location" in spec.scope:
        wanted.add("location")  # a counter score is per location ("minimaal 8 per locatie")
    dims = tuple(d for d in spec.scope if d in wanted)
    level = ("municipality",) + dims
    matchers = {"municipality": m.slug, **norm.scope}
    target = to_live(norm.target, spec.unit)
    op = _NOT[norm.op]
    record = q.record_name(spec.id, level, alert.window)
    expr = f"{q.selector(record, matchers)} {op} {num(target)}"
    items = month = office = None
    if options.min_items:
        items = (q.items_record(spec.id, level, alert.window), alert.min_items)
        expr += f"\n  and on ({', '.join(level)}) {q.selector(items[0], matchers)} >= {alert.min_items}"
    if norm.months:
        month = (q.selector(q.LOCAL_MONTH_RECORD, {"municipality": m.slug}), tuple(norm.months))
        expr += f"\n  and on (municipality) ({_month_filter(month[0], norm.months)})"
    if options.office_gate and alert.office_hours_only:
        office = q.selector(q.OFFICE_OPEN_RECORD, {"municipality": m.slug})
        expr += f"\n  and on (municipality) {office} == 1"
    where = [nl.alert_where(d, matchers.get(d)) for d in dims]
    rule = {
        "alert": alert.name,
        "expr": expr,
        "for": options.for_override or alert.for_,
        "labels": {"severity": "warning", "kind": "norm", "indicator": spec.id, "municipality": m.slug,
                   **({"norm": _norm_id(norm)} if norm.scope or norm.months else {})},
        "annotations": nl.norm_alert_texts(m.name, spec.id, where, gotemplate.value(spec.live_unit), alert.window,
                                           nl.norm_text(norm, spec.unit), norm.months,
                                           gotemplate.gap(spec.live_unit, target)),
    }
    labels = {**matchers, **{d: _first_value(m, d) for d in dims if d not in matchers}}
    return AlertCase(rule, record, labels, target, op, spec.live_unit, items, office, month, norm=norm)


def _norm_id(norm: Norm) -> str:
    """Which norm of an indicator (label ``norm``): its scope and months, e.g. ``visit_type=walk_in months=5-8``."""
    parts = [f"{k}={v}" for k, v in sorted(norm.scope.items())]
    if norm.months:
        parts.append("months=" + ",".join(
            f"{lo}-{hi}" if lo != hi else str(lo) for lo, hi in _month_ranges(norm.months)))
    return " ".join(parts)


def _first_value(m: Municipality, dimension: str) -> str:
    """A configured label value of a dimension (test input)."""
    values = {"line": m.lines, "queue": m.queues, "department": m.departments, "location": m.locations,
              "channel": ["phone"], "visit_type": ["walk_in"]}[dimension]
    return values[0]


def _live_cases(m: Municipality, options: AlertOptions) -> list[AlertCase]:
    office = q.selector(q.OFFICE_OPEN_RECORD, {"municipality": m.slug}) if options.office_gate else None
    gate = f"\n  and on (municipality) {office} == 1" if office else ""
    cases: list[AlertCase] = []

    wait = m.thresholds.caller_wait_alert_seconds
    record = q.LONGEST_CALL_WAIT_RECORD
    cases.append(AlertCase({
        "alert": "KccBellerWachtTeLang",
        "expr": f"{q.selector(record, {'municipality': m.slug})} > {num(wait)}{gate}",
        "for": options.for_override or "1m",
        "labels": {"severity": "critical", "kind": "live", "indicator": "wachttijd_telefoon", "municipality": m.slug},
        "annotations": nl.caller_wait_alert_texts(m.name, wait),
    }, record, {"municipality": m.slug, "queue": m.queues[0]}, wait, ">", "seconds", office=office))

    silence = m.thresholds.silence_alert_minutes * 60
    record = q.SECONDS_SINCE_LAST_EVENT_RECORD
    cases.append(AlertCase({
        "alert": "KccGeenEvents",
        "expr": f"{q.selector(record, {'municipality': m.slug})} > {num(silence)}{gate}",
        "for": options.for_override or "1m",
        "labels": {"severity": "critical", "kind": "live", "indicator": "bron", "municipality": m.slug},
        "annotations": nl.silence_alert_texts(m.name, silence),
    }, record, {"municipality": m.slug, "family": "call"}, silence, ">", "seconds", office=office))

    deadlines = sorted({1 if n.indicator == "terugbellen_1_werkdag" else 2
                        for n in m.norms if n.indicator.startswith("terugbellen")})
    if deadlines:
        wd = deadlines[-1]
        record = q.CALLBACKS_PAST_DEADLINE_RECORD
        matchers = {"municipality": m.slug, "working_days": str(wd)}
        cases.append(AlertCase({
            "alert": "KccTerugbelverzoekenOverTermijn",
            "expr": f"{q.selector(record, matchers)} > 0{gate}",
            "for": options.for_override or "15m",
            "labels": {"severity": "warning", "kind": "live", "indicator": "terugbellen", "municipality": m.slug},
            "annotations": nl.callbacks_alert_texts(m.name, wd),
        }, record, {**matchers, "department": m.departments[0]}, 0, ">", "count", office=office))
    return cases


PIPELINE_LAG_MESSAGES = 10_000
"""Consumer lag (messages, summed over partitions of a topic) above which processing is behind."""
DEAD_LETTER_RATIO = 0.05
"""Share of invalid messages over 15 minutes above which a source is likely sending a broken format."""


def pipeline_rules(options: AlertOptions = AlertOptions()) -> list[dict]:
    """Worker/stream health: no municipality label (they concern all), so routed to the operators."""
    texts = nl.pipeline_alert_texts(PIPELINE_LAG_MESSAGES, num(DEAD_LETTER_RATIO * 100))
    return [
        {"alert": "KccWorkerDown", "expr": 'up{job="kcc-worker"} == 0', "for": options.for_override or "2m",
         "labels": {"severity": "critical", "kind": "pipeline"},
         "annotations": texts["KccWorkerDown"]},
        {"alert": "KccGeenWorkers", "expr": 'absent(up{job="kcc-worker"} == 1)', "for": options.for_override or "2m",
         "labels": {"severity": "critical", "kind": "pipeline"},
         "annotations": texts["KccGeenWorkers"]},
        {"alert": "KccConsumerAchterstand",
         "expr": f"{q.CONSUMER_LAG_RECORD} > {PIPELINE_LAG_MESSAGES}",
         "for": options.for_override or "5m",
         "labels": {"severity": "warning", "kind": "pipeline"},
         "annotations": texts["KccConsumerAchterstand"]},
        {"alert": "KccVeelOngeldigeBerichten",
         "expr": f"{q.DEAD_LETTER_RATIO_RECORD} > {num(DEAD_LETTER_RATIO)}",
         "for": options.for_override or "10m",
         "labels": {"severity": "warning", "kind": "pipeline"},
         "annotations": texts["KccVeelOngeldigeBerichten"]},
    ]


def pipeline_cases(options: AlertOptions = AlertOptions()) -> list[AlertCase]:
    """The pipeline rules with the inputs their tests need."""
    down, none, lag, dead = pipeline_rules(options)
    worker = {"job": "kcc-worker", "instance": "worker-1:6066"}
    return [
        AlertCase(down, "up", worker, 0, "==", "count", fire_value=0, ok_value=1),
        AlertCase(none, "up", worker, 0, "==", "count", fire_value=0, ok_value=1, series_labels_on_alert=False),
        AlertCase(lag, q.CONSUMER_LAG_RECORD, {"topic": "kcc.events.call"},
                  PIPELINE_LAG_MESSAGES, ">", "count"),
        AlertCase(dead, q.DEAD_LETTER_RATIO_RECORD, {}, DEAD_LETTER_RATIO, ">", "ratio"),
    ]


def _month_ranges(months: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for month in sorted(set(months)):
        if ranges and ranges[-1][1] == month - 1:
            ranges[-1] = (ranges[-1][0], month)
        else:
            ranges.append((month, month))
    return ranges


def _month_filter(series: str, months: list[int]) -> str:
    """PromQL keeping ``series`` (a month number 1..12) when it is in ``months``; consecutive months as ranges."""
    parts = [f"{series} == {lo}" if lo == hi else f"{series} >= {lo} <= {hi}" for lo, hi in _month_ranges(months)]
    return " or ".join(parts)

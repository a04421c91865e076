"""Prometheus rule files generated from ``monitor/promql.py`` and the norms in ``config/``.

Norms live in the municipal configuration, so the alert rules are generated
from it; ``kcc-monitor rules`` writes the files, ``kcc-monitor rules --check``
(and a test) regenerates them in memory and fails on any difference with the
committed ones.

Files (all under ``config/prometheus/``):

* ``recording_rules.yml`` — period latches (today/month), the numerator and
  item count of every indicator at every level and window, the indicator
  values, and the live-only values (waiting now, office open, …);
* ``alert_rules.yml`` — one rule per (municipality, norm) with a target, and the
  live and pipeline alerts;
* ``tests/alert_rules_test.yml`` — promtool unit tests generated from the same
  alert specs: for every alert rule a firing case, a case exactly at the norm
  (does not fire) and, where gated, the office closed / too few items / another
  month (does not fire).

Decisions:

* Office hours: PromQL knows only UTC and no closing days, so the worker exports
  ``kcc_office_open{municipality}`` (1/0, computed at scrape time from the same
  calendar as the working-day deadlines); the rule ``municipality:kcc_office_open:max``
  gates the norms that only apply while open (phone, counter, callbacks) and the
  silent-source and caller-wait alerts. No worker → no gauge → gated alerts are
  silent, and ``KccGeenWorkers`` says why.
* Months: a norm limited to months compares ``municipality:kcc_local_month:value``
  (derived from the worker's local day start), not UTC ``month()``, which would
  apply the summer walk-in norm from 30 April 22:00 local time.
* A norm alert needs a minimum number of items in its window (``NormAlert.min_items``)
  so that the first call of the morning cannot trip it, and a ``for:`` duration.
* Lag: the worker exports ``kcc_consumer_lag_messages{topic, partition}``;
  invalid messages are judged by their share of all messages (dead letters have
  no municipality label: they go to the operators).

:class:`AlertOptions` parameterises the alert rules: the integration test uses a
variant with ``for: 0s``, no office-hours gate and no minimum item count, built
by the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from monitor import promql as q
from monitor.config import Config, Municipality, Norm

PROMETHEUS_DIR = Path(__file__).resolve().parent.parent / "config" / "prometheus"
RECORDING_FILE = "recording_rules.yml"
ALERT_FILE = "alert_rules.yml"
ALERT_TEST_FILE = "tests/alert_rules_test.yml"

_NOT = {">=": "<", "<=": ">", ">": "<=", "<": ">="}
"""Alert condition for a norm: the norm ``value >= target`` slips when ``value < target``."""


@dataclass(frozen=True)
class NormAlert:
    """How a norm of an indicator becomes an alert: window, guard, timing and Dutch texts."""

    name: str
    window: q.Window
    min_items: int
    """No alert on fewer items in the window (one abandoned call at 9:01 is not 0%)."""
    for_: str
    what: str
    """Dutch name of the indicator in a sentence."""
    action: str
    """Dutch: what the team lead should do."""
    office_hours_only: bool = True


_WINDOW_NL = {"15m": "de afgelopen 15 minuten", "30m": "de afgelopen 30 minuten", "1h": "het afgelopen uur",
              "today": "vandaag", "month": "deze maand"}

NORM_ALERTS: dict[str, NormAlert] = {
    "bereikbaarheid": NormAlert(
        "KccBereikbaarheidOnderNorm", "1h", 20, "10m", "De bereikbaarheid",
        "Zet extra medewerkers op de telefoon (of haal ze van de backoffice), controleer of er genoeg "
        "medewerkers zijn ingelogd en zet zo nodig een wachtrijbericht met verwijzing naar de website aan."),
    "servicelevel": NormAlert(
        "KccServicelevelOnderNorm", "1h", 20, "10m", "Het servicelevel",
        "Zet extra medewerkers op de telefoon en controleer de verdeling over de wachtrijen."),
    "wachttijd_telefoon": NormAlert(
        "KccWachttijdTelefoonBovenNorm", "1h", 20, "10m", "De gemiddelde wachttijd aan de telefoon",
        "Zet extra medewerkers op de telefoon en controleer de verdeling over de wachtrijen."),
    "direct_geholpen": NormAlert(
        "KccDirectGeholpenOnderNorm", "1h", 20, "15m", "Het aandeel direct geholpen bellers",
        "Controleer of de kennisbank en werkinstructies actueel zijn en welke vragen nu worden doorverbonden."),
    "terugbellen_1_werkdag": NormAlert(
        "KccTerugbellen1WerkdagOnderNorm", "today", 10, "15m",
        "Het aandeel terugbelverzoeken dat binnen 1 werkdag is afgehandeld",
        "Vraag de afdeling de openstaande terugbelverzoeken vandaag af te handelen en spreek een vaste "
        "terugbelmedewerker af."),
    "terugbellen_2_werkdagen": NormAlert(
        "KccTerugbellen2WerkdagenOnderNorm", "today", 10, "15m",
        "Het aandeel terugbelverzoeken dat binnen 2 werkdagen is afgehandeld",
        "Vraag de afdeling de openstaande terugbelverzoeken vandaag af te handelen; escaleer naar de "
        "afdelingsmanager als het verzoeken van meer dan 2 werkdagen oud zijn."),
    "wachttijd_balie": NormAlert(
        "KccWachttijdBalieBovenNorm", "30m", 5, "10m", "De gemiddelde wachttijd aan de balie",
        "Open een extra balie of zet een medewerker van de backoffice in; informeer wachtende bezoekers."),
    "balie_binnen_norm": NormAlert(
        "KccBalieBinnenNormOnderNorm", "30m", 5, "10m", "Het aandeel baliebezoekers dat binnen de norm is geholpen",
        "Open een extra balie of zet een medewerker van de backoffice in; informeer wachtende bezoekers."),
    "klanttevredenheid": NormAlert(
        "KccKlanttevredenheidOnderNorm", "today", 10, "30m", "Het gemiddelde klanttevredenheidscijfer",
        "Lees de toelichtingen bij de lage cijfers van vandaag en bespreek ze met het team.",
        office_hours_only=False),
    "positief": NormAlert(
        "KccPositiefOnderNorm", "today", 10, "30m", "Het aandeel positieve beoordelingen",
        "Lees de toelichtingen bij de lage cijfers van vandaag en bespreek ze met het team.",
        office_hours_only=False),
    "brieven_binnen_termijn": NormAlert(
        "KccBrievenBinnenTermijnOnderNorm", "today", 10, "30m", "Het aandeel brieven en e-mails binnen de termijn",
        "Verdeel de openstaande brieven en e-mails over de afdelingen en beantwoord eerst die bijna verlopen.",
        office_hours_only=False),
}

_WHERE = {
    "line": "lijn {{ $labels.line }}", "queue": "wachtrij {{ $labels.queue }}",
    "department": "afdeling {{ $labels.department }}", "location": "locatie {{ $labels.location }}",
    "visit_type": "{{ $labels.visit_type }}", "channel": "kanaal {{ $labels.channel }}",
}
_NL = {
    ("visit_type", "appointment"): "op afspraak", ("visit_type", "walk_in"): "vrije inloop",
    ("channel", "counter"): "balie", ("channel", "phone"): "telefoon", ("channel", "website"): "website",
    ("channel", "email"): "e-mail", ("channel", "post"): "post",
}
"""Dutch words for scope values a norm names (the texts are rendered at generation time)."""
_ACT_ON = {
    "terugbellen_1_werkdag": ("department",), "terugbellen_2_werkdagen": ("department",),
    "wachttijd_balie": ("location",), "balie_binnen_norm": ("location",),
}
"""Dimensions a norm alert is always split by, whether or not the norm names them."""
_UNIT_FMT = {
    "ratio": "{{ $value | humanizePercentage }}",
    "seconds": "{{ $value | humanizeDuration }}",
    "grade": '{{ $value | printf "%.1f" }}',
}


@dataclass(frozen=True)
class AlertOptions:
    """Knobs of the alert rules; :meth:`for_test` is the integration-test variant."""

    for_override: str | None = None
    office_gate: bool = True
    min_items: bool = True

    @classmethod
    def for_test(cls) -> "AlertOptions":
        return cls(for_override="0s", office_gate=False, min_items=False)


# ---------------------------------------------------------------- recording rules


def recording_groups() -> list[dict]:
    """Rule groups of ``recording_rules.yml``; order inside a group matters (later rules read earlier ones)."""
    periods: list[dict] = []
    for window in q.PERIOD_WINDOWS:
        for term in q.period_terms():
            periods.append(_record(q.latch_record(term.spec, window, suffix=term.suffix),
                                   q.latch_expr(term.spec, window, suffix=term.suffix)))
        for term in q.period_terms():
            periods.append(_record(q.period_increase_record(term.spec, window, suffix=term.suffix),
                                   q.period_increase_expr(term.spec, window, suffix=term.suffix)))
    groups = [{"name": "kcc_periods", "rules": periods}]
    for window in q.WINDOWS:
        rules: list[dict] = []
        for ind in q.INDICATORS.values():
            for level in ind.levels():
                if ind.kind != "count":
                    rules.append(_record(q.numerator_record(ind.id, level, window), ind.numerator_expr(window, level)))
                    rules.append(_record(q.items_record(ind.id, level, window), ind.items_expr(window, level)))
                rules.append(_record(q.record_name(ind.id, level, window), ind.expr(window, level)))
        groups.append({"name": f"kcc_indicators_{q.window_op(window)}", "rules": rules})
    live = [_record(name, expr) for name, expr in q.LIVE.items()]
    live.append(_record(q.DEAD_LETTER_RATIO_RECORD, q.DEAD_LETTER_RATIO_EXPR))
    groups.append({"name": "kcc_live", "rules": live})
    return groups


def _record(name: str, expr: str) -> dict:
    return {"record": name, "expr": expr}


# ---------------------------------------------------------------- alert rules


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


def alert_cases(config: Config, options: AlertOptions = AlertOptions()) -> list[AlertCase]:
    """Every norm alert (one per municipality and norm with a target) and the live alerts."""
    cases: list[AlertCase] = []
    for slug in sorted(config.municipalities):
        m = config[slug]
        for norm in m.norms:
            if norm.target is not None and norm.indicator in NORM_ALERTS:
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
    spec = NORM_ALERTS[norm.indicator]
    ind = q.INDICATORS[norm.indicator]
    # a norm naming part of a scope applies to every row containing that part: alert on the
    # scope's dimensions plus the ones a team lead acts on (the location of a counter norm,
    # the department of a callback norm)
    wanted = set(norm.scope) | set(_ACT_ON.get(ind.id, ()))
    if norm.scope.get("channel") == "counter" and "location" in ind.dimensions:
        wanted.add("location")  # a counter score is per location ("minimaal 8 per locatie")
    dims = tuple(d for d in ind.dimensions if d in wanted)
    level = ("municipality",) + dims
    matchers = {"municipality": m.slug, **norm.scope}
    target = norm.target * 60 if ind.unit == "seconds" else norm.target  # report minutes → live seconds
    op = _NOT[norm.op]
    record = q.record_name(ind.id, level, spec.window)
    expr = f"{q.selector(record, matchers)} {op} {_num(target)}"
    items = month = office = None
    if options.min_items:
        items = (q.items_record(ind.id, level, spec.window), spec.min_items)
        expr += f"\n  and on ({', '.join(level)}) {q.selector(items[0], matchers)} >= {spec.min_items}"
    if norm.months:
        month = (q.selector(q.LOCAL_MONTH_RECORD, {"municipality": m.slug}), tuple(norm.months))
        expr += f"\n  and on (municipality) ({_month_filter(month[0], norm.months)})"
    if options.office_gate and spec.office_hours_only:
        office = q.selector(q.OFFICE_OPEN_RECORD, {"municipality": m.slug})
        expr += f"\n  and on (municipality) {office} == 1"
    where = ", ".join(_NL.get((d, matchers[d]), _WHERE[d].replace(f"{{{{ $labels.{d} }}}}", matchers[d]))
                      if d in matchers else _WHERE[d] for d in dims)
    where = f" ({where})" if where else ""
    fmt = _UNIT_FMT[ind.unit]
    norm_text = norm.label or f"{norm.op} {_num(norm.target)}"
    months = f" (deze norm geldt in maand {', '.join(map(str, norm.months))})" if norm.months else ""
    rule = {
        "alert": spec.name,
        "expr": expr,
        "for": options.for_override or spec.for_,
        "labels": {"severity": "warning", "kind": "norm", "indicator": ind.id, "municipality": m.slug,
                   **({"norm": _norm_id(norm)} if norm.scope or norm.months else {})},
        "annotations": {
            "summary": f"{m.name}: {spec.what[0].lower()}{spec.what[1:]}{where} haalt de norm niet ({fmt})",
            "description": (
                f"{spec.what}{where} bij gemeente {m.name} is {fmt} over {_WINDOW_NL[spec.window]}; "
                f"de norm is {norm_text}{months}. Verschil met de norm: {_gap(ind.unit, target)}. "
                f"Wat te doen: {spec.action}"),
        },
    }
    labels = {**matchers, **{d: _first_value(m, d) for d in dims if d not in matchers}}
    return AlertCase(rule, record, labels, target, op, ind.unit, items, office, month)


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
        "expr": f"{q.selector(record, {'municipality': m.slug})} > {_num(wait)}{gate}",
        "for": options.for_override or "1m",
        "labels": {"severity": "critical", "kind": "live", "indicator": "wachttijd_telefoon", "municipality": m.slug},
        "annotations": {
            "summary": f"{m.name}: een beller wacht al {{{{ $value | humanizeDuration }}}} in wachtrij "
                       "{{ $labels.queue }}",
            "description": (
                f"In wachtrij {{{{ $labels.queue }}}} van gemeente {m.name} wacht een beller nu "
                f"{{{{ $value | humanizeDuration }}}}; de grens is {_duration_nl(wait)}. Wat te doen: neem "
                "direct gesprekken aan in deze wachtrij en zet extra medewerkers op de telefoon."),
        },
    }, record, {"municipality": m.slug, "queue": m.queues[0]}, wait, ">", "seconds", office=office))

    silence = m.thresholds.silence_alert_minutes * 60
    record = q.SECONDS_SINCE_LAST_EVENT_RECORD
    cases.append(AlertCase({
        "alert": "KccGeenEvents",
        "expr": f"{q.selector(record, {'municipality': m.slug})} > {_num(silence)}{gate}",
        "for": options.for_override or "1m",
        "labels": {"severity": "critical", "kind": "live", "indicator": "bron", "municipality": m.slug},
        "annotations": {
            "summary": f"{m.name}: al {{{{ $value | humanizeDuration }}}} geen events van bron "
                       "{{ $labels.family }}",
            "description": (
                f"De monitor heeft van gemeente {m.name} al {{{{ $value | humanizeDuration }}}} geen "
                f"{{{{ $labels.family }}}}-events ontvangen, tijdens openingstijd (grens {_duration_nl(silence)}). "
                "De normmeldingen van deze gemeente zijn onderdrukt zolang dit duurt. Wat te doen: controleer de "
                "koppeling met het bronsysteem en of de worker draait."),
        },
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
            "annotations": {
                "summary": f"{m.name}: {{{{ $value }}}} terugbelverzoek(en) van afdeling "
                           f"{{{{ $labels.department }}}} langer dan {wd} werkdagen open",
                "description": (
                    f"Afdeling {{{{ $labels.department }}}} van gemeente {m.name} heeft {{{{ $value }}}} "
                    f"terugbelverzoek(en) die na {wd} werkdagen nog niet zijn afgehandeld; de norm vraagt "
                    f"afhandeling binnen {wd} werkdagen. Wat te doen: vraag de afdeling deze burgers vandaag "
                    "terug te bellen."),
            },
        }, record, {**matchers, "department": m.departments[0]}, 0, ">", "count", office=office))
    return cases


PIPELINE_LAG_MESSAGES = 10_000
"""Consumer lag (messages, summed over partitions of a topic) above which processing is behind."""
DEAD_LETTER_RATIO = 0.05
"""Share of invalid messages over 15 minutes above which a source is likely sending a broken format."""


def pipeline_rules(options: AlertOptions = AlertOptions()) -> list[dict]:
    """Worker/stream health: no municipality label (they concern all), so routed to the operators."""
    return [
        {"alert": "KccWorkerDown", "expr": 'up{job="kcc-worker"} == 0', "for": options.for_override or "2m",
         "labels": {"severity": "critical", "kind": "pipeline"},
         "annotations": {
             "summary": "Worker {{ $labels.instance }} is niet bereikbaar",
             "description": "Prometheus kan worker {{ $labels.instance }} niet uitlezen. De andere workers nemen "
                            "zijn partities over; alle normmeldingen zijn onderdrukt zolang geen enkele worker "
                            "draait. Wat te doen: bekijk de logs van de worker en start hem opnieuw."}},
        {"alert": "KccGeenWorkers", "expr": 'absent(up{job="kcc-worker"} == 1)', "for": options.for_override or "2m",
         "labels": {"severity": "critical", "kind": "pipeline"},
         "annotations": {
             "summary": "Geen enkele worker van de KCC-monitor draait",
             "description": "Er is geen worker bereikbaar: de live cijfers staan stil en alle normmeldingen zijn "
                            "onderdrukt. Wat te doen: start de workers (kcc-monitor worker) en controleer Kafka."}},
        {"alert": "KccConsumerAchterstand",
         "expr": f"{q.CONSUMER_LAG_RECORD} > {PIPELINE_LAG_MESSAGES}",
         "for": options.for_override or "5m",
         "labels": {"severity": "warning", "kind": "pipeline"},
         "annotations": {
             "summary": "Workers lopen {{ $value }} berichten achter op topic {{ $labels.topic }}",
             "description": f"De workers lopen {{{{ $value }}}} berichten achter op topic {{{{ $labels.topic }}}} "
                            f"(grens {PIPELINE_LAG_MESSAGES}); de live cijfers lopen achter. Wat te doen: start "
                            "extra workers (maximaal één per partitie) of zoek de trage stap in de worker-logs."}},
        {"alert": "KccVeelOngeldigeBerichten",
         "expr": f"{q.DEAD_LETTER_RATIO_RECORD} > {_num(DEAD_LETTER_RATIO)}",
         "for": options.for_override or "10m",
         "labels": {"severity": "warning", "kind": "pipeline"},
         "annotations": {
             "summary": "{{ $value | humanizePercentage }} van de berichten is ongeldig",
             "description": f"Over de afgelopen 15 minuten ging {{{{ $value | humanizePercentage }}}} van de "
                            f"berichten naar het dead-letter-topic (grens {_num(DEAD_LETTER_RATIO * 100)}%). Wat te "
                            "doen: bekijk de reden per bericht (kcc_dead_letters_total{reason}) en neem contact op "
                            "met de leverancier van het bronsysteem."}},
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


def _gap(unit: str, target: float) -> str:
    """Go template printing |value − target| in the indicator's unit (templates have no arithmetic: query)."""
    query = f'{{{{ with printf "abs(vector(%f - {_num(target)}))" $value | query }}}}{{{{ . | first | value | '
    tail = {"ratio": "humanizePercentage", "seconds": "humanizeDuration", "grade": 'printf "%.1f"'}[unit]
    return f"{query}{tail} }}}}{{{{ end }}}}"


def _duration_nl(seconds: float) -> str:
    return f"{_num(seconds / 60)} minuten" if seconds % 60 == 0 else f"{_num(seconds)} seconden"


def _num(value: float) -> str:
    return f"{value:g}"


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (long expressions) as literal blocks, so the files read and diff well."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data: object) -> str:
    """Deterministic YAML: keys in insertion order, no line wrapping."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, width=10**6, allow_unicode=True)


def render(groups: list[dict], header: str) -> str:
    """A rule file under a 'generated' header."""
    return header + dump({"groups": groups})


_HEADER = ("# Generated by `kcc-monitor rules` from monitor/promql.py, monitor/rules.py and "
           "config/municipalities/*.yaml.\n# Do not edit: change the code or the norms and regenerate; "
           "`kcc-monitor rules --check` fails on any difference.\n")


# ---------------------------------------------------------------- promtool tests of the alert rules


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
    return _HEADER + dump(doc)


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
            rows.append({"series": q.selector(case.items[0], case.series_labels), "values": f"{env['items']}+0x{total}"})
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
        "input_series": inputs(f"{_num(fire)}+0x{phase} {_num(ok)}+0x{phase + 10}", normal),
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
                      "input_series": inputs(f"{_num(fire)}+0x{total}", env),
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
    if case.month and env["month"] not in case.month[1]:
        return False
    return holds


def _fired(case: AlertCase, value: float) -> dict:
    labels = {**(case.series_labels if case.series_labels_on_alert else {}), **case.rule["labels"]}
    return {"exp_labels": labels,
            "exp_annotations": {k: _render(v, case, value) for k, v in case.rule["annotations"].items()}}


def _breaking(case: AlertCase) -> float:
    """A value clearly beyond the threshold in the alert's direction, chosen to render exactly."""
    step = {"ratio": 0.1, "seconds": 120, "grade": 1, "count": 3}[case.unit]
    if case.op in ("<", "<="):
        return round(case.threshold - step, 6)
    return round(case.threshold + step, 6) if case.unit != "count" or case.threshold else step


def _minutes(duration: str) -> int:
    return int(duration[:-1]) * (60 if duration.endswith("h") else 1) if duration.endswith(("m", "h")) else 0


def _render(template: str, case: AlertCase, value: float) -> str:
    """Expand the few Go template forms the rules use, as Prometheus renders them."""
    out = re.sub(r"\{\{ with printf \"abs\(vector\(%f - ([0-9.e+-]+)\)\)\" \$value \| query \}\}"
                 r"\{\{ \. \| first \| value \| (.+?) \}\}\{\{ end \}\}",
                 lambda m: _FORMAT[m.group(2)](abs(float(f"{value:f}") - float(m.group(1)))), template)
    out = re.sub(r"\{\{ \$value \| (.+?) \}\}", lambda m: _FORMAT[m.group(1)](value), out)
    out = out.replace("{{ $value }}", _go_float(value))
    return re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: case.series_labels.get(m.group(1), ""), out)


def _go_float(v: float) -> str:
    """Go's ``%v`` of a float64 for the plain values the tests use."""
    return str(int(v)) if v == int(v) and abs(v) < 1e21 else repr(v)


def _humanize_duration(v: float) -> str:
    if v == 0:
        return "0s"
    seconds = int(v)
    s, mi, h, d = seconds % 60, seconds // 60 % 60, seconds // 3600 % 24, seconds // 86400
    if d:
        return f"{d}d {h}h {mi}m {s}s"
    if h:
        return f"{h}h {mi}m {s}s"
    if mi:
        return f"{mi}m {s}s"
    return f"{v:.4g}s"


_FORMAT = {
    "humanizePercentage": lambda v: f"{v * 100:.4g}%",
    "humanizeDuration": _humanize_duration,
    'printf "%.1f"': lambda v: f"{v:.1f}",
}


# ---------------------------------------------------------------- files


def generate(config: Config) -> dict[str, str]:
    """Every committed generated file, by path relative to ``config/prometheus``."""
    return {
        RECORDING_FILE: render(recording_groups(), _HEADER),
        ALERT_FILE: render(alert_groups(config), _HEADER),
        ALERT_TEST_FILE: alert_tests(config),
    }


def alert_rules_variant(config: Config, options: AlertOptions) -> str:
    """An alert rule file with other options (the integration test's ``AlertOptions.for_test()``); not committed."""
    return render(alert_groups(config, options), _HEADER.replace("Generated", "Test variant generated"))


def write(files: dict[str, str], directory: Path = PROMETHEUS_DIR) -> list[Path]:
    written: list[Path] = []
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def differences(files: dict[str, str], directory: Path = PROMETHEUS_DIR) -> list[str]:
    """Names of generated files whose committed copy is missing or differs."""
    out = []
    for name, text in files.items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            out.append(name)
    return out


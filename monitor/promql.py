"""PromQL in one place: the live indicators as recording-rule names and expressions.

Rules (``monitor/rules/``) and dashboards take every query from here, every
indicator fact (dimensions, counter terms, unit) from the registry
(``monitor/indicators/spec.py``) and every metric name from ``monitor/metricspec.py``, so a rename cannot leave a rule or a
panel silently empty.

Naming follows Prometheus' ``level:metric:operations``:

* ``level`` lists the labels kept, ``municipality`` first, then the scope
  dimensions in the registry's order (``municipality_line``, ``municipality_visit_type_location``);
* ``metric`` is ``kcc_<indicator id>`` (``_seconds`` appended for waits);
* ``operations`` is ``ratio_`` / ``mean_`` plus the window: ``rate15m``,
  ``rate30m``, ``rate1h`` (sliding), ``today``, ``month`` (calendar periods in the
  municipality's time zone); counts and the recorded parts of each indicator
  (``kcc_<id>_numerator``, ``kcc_<id>_items`` = the report's ``n``) use
  ``increase15m`` … ``increase_today``, ``increase_month``.

e.g. ``municipality_line:kcc_bereikbaarheid:ratio_rate1h`` or
``municipality_visit_type_location:kcc_wachttijd_balie_seconds:mean_today``.

Windows ``today`` and ``month`` (local calendar time; PromQL itself knows only UTC):
the worker exports ``kcc_period_start_timestamp_seconds{municipality, period}``, the
Unix time of the current local day/month start, computed with zoneinfo (DST-correct).
During the first :data:`BOUNDARY_SECONDS` after that start a recording rule
latches every raw counter series (``instance:<series>:day_start``); the period's
increase is ``counter − last latched value``. This is stateless apart from the
TSDB (survives Prometheus restarts) and needs no time-zone arithmetic in PromQL.
Known limits, documented for users: events in the first ≤2 minutes after local
midnight (night, offices closed) are not in ``today``; a worker restart during the
period makes that worker's series count only since its restart (the difference
would be negative, so the counter value itself is taken); if Prometheus did not
run during a boundary, the series counts since the worker started.

Ratios never divide by zero: ``num / (den > 0)`` gives no sample (“–”) when there
were no items, as the reports do, and a missing numerator series counts as 0.
"""

from __future__ import annotations

from itertools import combinations

from monitor import metricspec as ms
from monitor.indicators.spec import REGISTRY, IndicatorSpec, Term, Window
from monitor.metricspec import MetricSpec

RATE_WINDOWS: tuple[Window, ...] = ("15m", "30m", "1h")
PERIOD_WINDOWS: tuple[Window, ...] = ("today", "month")
WINDOWS: tuple[Window, ...] = RATE_WINDOWS + PERIOD_WINDOWS

WORKER_AGGREGATION = ("instance", "pod")
"""Labels that tell workers apart; every sum drops them (several workers, one municipality)."""

BOUNDARY_SECONDS = 120
"""How long after a local period start raw counters are latched as the period's base."""
PERIOD_LOOKBACK = {"today": "25h", "month": "32d"}
"""Range that surely holds the current period's latched base (a local day lasts at most 25 h)."""
_PERIOD_GAUGE_LABEL = {"today": "day", "month": "month"}
_LATCH_SUFFIX = {"today": "day_start", "month": "month_start"}


def window_op(window: Window) -> str:
    """The operations suffix of a window: ``rate1h`` for sliding windows, ``today``/``month`` for periods."""
    return f"rate{window}" if window in RATE_WINDOWS else window


# ---------------------------------------------------------------- small builders


def _series(spec: MetricSpec, suffix: str) -> str:
    if suffix:
        return f"{spec.name}{suffix}"
    return spec.series


def selector(series: str, matchers: dict[str, str] | None = None) -> str:
    """``series{a="x",b="y"}`` with matchers sorted (deterministic output)."""
    if not matchers:
        return series
    inner = ",".join(f'{k}="{v}"' for k, v in sorted(matchers.items()))
    return f"{series}{{{inner}}}"


def by_clause(by: tuple[str, ...]) -> str:
    return f"by ({', '.join(by)})"


def rate_sum(spec: MetricSpec, window: str, by: tuple[str, ...], *, suffix: str = "",
             matchers: dict[str, str] | None = None) -> str:
    """Per-second rate over a sliding window, summed over workers: ``sum by (…) (rate(x[w]))``."""
    return f"sum {by_clause(by)} (rate({selector(_series(spec, suffix), matchers)}[{window}]))"


def increase_sum(spec: MetricSpec, window: Window, by: tuple[str, ...], *, suffix: str = "",
                 matchers: dict[str, str] | None = None) -> str:
    """Items counted in a window, summed over workers (a count, not a rate).

    Sliding windows use ``increase``; ``today``/``month`` sum the recorded period
    increase (:func:`period_increase_record`).
    """
    series = _series(spec, suffix)
    if window in RATE_WINDOWS:
        return f"sum {by_clause(by)} (increase({selector(series, matchers)}[{window}]))"
    return f"sum {by_clause(by)} ({selector(period_increase_record(spec, window, suffix=suffix), matchers)})"


def ratio(numerator: str, denominator: str) -> str:
    """``num / den`` with no value when ``den`` is 0 and a missing numerator counting as 0."""
    return f"({numerator} or {denominator} * 0) / ({denominator} > 0)"


def minus(left: str, right: str) -> str:
    """``left − right`` where a missing ``right`` series counts as 0."""
    return f"({left} - ({right} or {left} * 0))"


def plus(left: str, right: str) -> str:
    """``left + right`` where either side may be missing (counts as 0)."""
    return f"(({left} + {right}) or {left} or {right})"


# ---------------------------------------------------------------- period (today / month) latching


def period_start(window: Window) -> str:
    """Latest local start of the period per municipality (Unix seconds), from the worker gauge."""
    gauge = selector(ms.PERIOD_START.series, {"period": _PERIOD_GAUGE_LABEL[window]})
    return f"max by (municipality) ({gauge})"


def in_period_boundary(window: Window) -> str:
    """Non-empty per municipality during the first BOUNDARY_SECONDS of the local period."""
    return f"(time() - {period_start(window)}) >= 0 < {BOUNDARY_SECONDS}"


def latch_record(spec: MetricSpec, window: Window, *, suffix: str = "") -> str:
    """Recording name of a raw counter series latched at the period start (all labels kept)."""
    return f"instance:{_series(spec, suffix)}:{_LATCH_SUFFIX[window]}"


def latch_expr(spec: MetricSpec, window: Window, *, suffix: str = "") -> str:
    return f"{_series(spec, suffix)} and on (municipality) ({in_period_boundary(window)})"


def period_increase_record(spec: MetricSpec, window: Window, *, suffix: str = "") -> str:
    """Recording name of a counter's increase since the local period start, per label set (workers summed)."""
    return f"{'_'.join(spec.labels)}:{_series(spec, suffix)}:increase_{window}"


def period_increase_expr(spec: MetricSpec, window: Window, *, suffix: str = "") -> str:
    series = _series(spec, suffix)
    base = f"last_over_time({latch_record(spec, window, suffix=suffix)}[{PERIOD_LOOKBACK[window]}])"
    return f"sum {by_clause(spec.labels)} (({series} - {base}) >= 0 or {series})"


# ---------------------------------------------------------------- indicators
# The facts (unit, dimensions, counter terms) are the registry's (monitor/indicators/spec.py);
# these functions only turn them into PromQL.


def term_increase(term: Term, window: Window, by: tuple[str, ...]) -> str:
    """Increase of one counter term in a window, summed over workers by ``by``."""
    return increase_sum(term.spec, window, by, suffix=term.suffix, matchers=term.matchers or None)


def levels(spec: IndicatorSpec) -> tuple[tuple[str, ...], ...]:
    """Label sets an indicator is recorded at: the municipality, each combination of its dimensions
    (in the registry's dimension order)."""
    out: list[tuple[str, ...]] = [("municipality",)]
    for size in range(1, len(spec.scope) + 1):
        out += [("municipality",) + combo for combo in combinations(spec.scope, size)]
    return tuple(out)


def denominator_expr(spec: IndicatorSpec, window: Window, by: tuple[str, ...]) -> str:
    """Σ plus − Σ minus of the live formula, from raw counters: the number of items (the report's ``n``)."""
    live = spec.live
    expr = term_increase(live.plus[0], window, by)
    for term in live.plus[1:]:
        expr = plus(expr, term_increase(term, window, by))
    for term in live.minus:
        expr = minus(expr, term_increase(term, window, by))
    return expr


def numerator_expr(spec: IndicatorSpec, window: Window, by: tuple[str, ...]) -> str:
    """Hits (ratio), summed values (mean) or the count, from raw counters."""
    return term_increase(spec.live.numerator, window, by)


def value_expr(spec: IndicatorSpec, window: Window, by: tuple[str, ...]) -> str:
    """PromQL for the indicator at a level and window (unit: ``spec.live_unit``), from the recorded parts."""
    if spec.live.kind == "count":
        return numerator_expr(spec, window, by)
    return ratio(numerator_record(spec.id, by, window), items_record(spec.id, by, window))


def record_name(indicator: str, level: tuple[str, ...], window: Window) -> str:
    """Recording-rule name of an indicator at a level (labels kept) and window."""
    spec = REGISTRY[indicator]
    if spec.live.kind == "count":
        return f"{'_'.join(level)}:{spec.metric}:increase{_increase_op(window)}"
    return f"{'_'.join(level)}:{spec.metric}:{spec.live.kind}_{window_op(window)}"


def numerator_record(indicator: str, level: tuple[str, ...], window: Window) -> str:
    """Recording name of an indicator's numerator (hits, or the sum of a mean) at a level and window."""
    return f"{'_'.join(level)}:kcc_{indicator}_numerator:increase{_increase_op(window)}"


def items_record(indicator: str, level: tuple[str, ...], window: Window) -> str:
    """Recording name of an indicator's item count (denominator, the report's ``n``) at a level and window."""
    return f"{'_'.join(level)}:kcc_{indicator}_items:increase{_increase_op(window)}"


def _increase_op(window: Window) -> str:
    return window if window in RATE_WINDOWS else f"_{window}"


def period_terms() -> tuple[Term, ...]:
    """Distinct counter series (spec + suffix) whose period increase must be recorded."""
    seen: dict[tuple[str, str], Term] = {}
    for spec in REGISTRY:
        for term in spec.live.terms():
            seen.setdefault((term.spec.name, term.suffix), Term(term.spec, term.suffix))
    return tuple(seen[k] for k in sorted(seen))


# ---------------------------------------------------------------- live-only (gauges)

OFFICE_OPEN_RECORD = "municipality:kcc_office_open:max"
"""1 while the municipality's office is open (max over workers of the worker gauge)."""
LOCAL_MONTH_RECORD = "municipality:kcc_local_month:value"
"""The local calendar month (1..12), for norms limited to months (UTC ``month()`` would be wrong at the boundary)."""

# Live records that alert rules read by name.
LONGEST_CALL_WAIT_RECORD = "municipality_queue:kcc_longest_call_wait_seconds:max"
SECONDS_SINCE_LAST_EVENT_RECORD = "municipality_family:kcc_seconds_since_last_event:min"
CALLBACKS_OPEN_RECORD = "municipality_department:kcc_callbacks_open:sum"
CALLBACKS_PAST_DEADLINE_RECORD = "municipality_department_working_days:kcc_callbacks_open_past_deadline:sum"
CONSUMER_LAG_RECORD = "topic:kcc_consumer_lag_messages:sum"

LIVE: dict[str, str] = {
    # snapshot gauges: one worker owns a queue's key; max() so a second exporter never double-counts
    "municipality_queue:kcc_calls_waiting:max":
        f'max by (municipality, queue) ({selector(ms.QUEUE_WAITING.series, {"channel": "phone"})})',
    "municipality:kcc_calls_waiting:sum":
        f'sum by (municipality) (max by (municipality, queue) ({selector(ms.QUEUE_WAITING.series, {"channel": "phone"})}))',
    LONGEST_CALL_WAIT_RECORD:
        f'max by (municipality, queue) ({selector(ms.QUEUE_LONGEST_WAIT.series, {"channel": "phone"})})',
    "municipality:kcc_longest_call_wait_seconds:max":
        f'max by (municipality) ({selector(ms.QUEUE_LONGEST_WAIT.series, {"channel": "phone"})})',
    # open items are spread over partitions (keyed by item id): sum over workers
    CALLBACKS_OPEN_RECORD: f"sum by (municipality, department) ({ms.CALLBACKS_OPEN.series})",
    CALLBACKS_PAST_DEADLINE_RECORD:
        f"sum by (municipality, department, working_days) ({ms.CALLBACKS_OPEN_PAST_DEADLINE.series})",
    "municipality_location:kcc_visitors_waiting:sum":
        f"sum by (municipality, location) ({ms.VISITORS_WAITING.series})",
    "municipality_channel_department:kcc_letters_open_past_due:sum":
        f"sum by (municipality, channel, department) ({ms.LETTERS_OPEN_PAST_DUE.series})",
    OFFICE_OPEN_RECORD: f"max by (municipality) ({ms.OFFICE_OPEN.series})",
    LOCAL_MONTH_RECORD: f"month({period_start('today')} + 43200)",
    SECONDS_SINCE_LAST_EVENT_RECORD:
        f"time() - max by (municipality, family) ({ms.LAST_EVENT.series})",
    CONSUMER_LAG_RECORD: f"sum by (topic) ({ms.CONSUMER_LAG.series})",
    "reason:kcc_dead_letters:rate5m": rate_sum(ms.DEAD_LETTERS, "5m", ("reason",)),
}
"""Live-only values (wallboard and alerts), by recording name. ``kcc_local_month``
adds 12 h to the local day start (a UTC instant at most 2 h before local midnight)
so ``month()`` (UTC) names the local month."""

DEAD_LETTER_RATIO_RECORD = ":kcc_dead_letters:ratio_rate15m"
DEAD_LETTER_RATIO_EXPR = ratio(
    f"sum(increase({ms.DEAD_LETTERS.series}[15m]))",
    plus(f"sum(increase({ms.DEAD_LETTERS.series}[15m]))", f"sum(increase({ms.EVENTS.series}[15m]))"),
)
"""Share of incoming messages that were invalid over 15 minutes (no municipality: invalid messages may lack one)."""


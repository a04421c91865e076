"""The live metrics as facts of records: what one item implies for the Prometheus counters and histograms.

The stream keeps one record per item (``monitor.records``). For every valid event the
worker folds the event into the item's record (:func:`join`) and counts its arrival
(:func:`arrival`); once per changed record and batch it asks :func:`settle` for the
counter increments to add (``facts(after)`` minus the facts already counted for the
record) and the facts then counted. :func:`apply` is the three in one for a single
event, returning a :class:`Change` — the record after the event, the increments, the
facts now counted, the gauges to set, and whether the event was a duplicate. Because records
fold order-independently and idempotently, and :func:`facts` is a function of the
record alone (plus ``now`` for deadlines), the counters always equal the facts of all
records, whatever the arrival order: a duplicate event leaves the record and so the
facts unchanged, and an out-of-order partner (``visit.called`` before
``visit.checked_in``) yields the joined facts when the originating event arrives (an
item without its originating event has no facts: its labels come from that event).

A record's facts are of two kinds. *Item facts* say what the item is, per record
kind: offered, answered, abandoned, ended, requested, checked in, received,
completed online, its contact. *Decision facts* are its indicators' decided
contributions (:func:`~monitor.indicators.contributions`, ``n = 1``), turned into
series as the indicator registry declares (:class:`~monitor.indicators.spec.Live`:
a mean's sum observed in its histogram, a ratio's hit and miss counted in its
terms; labels from the metric spec's label names, valued from the contribution's
scope and the term's matchers). No formula lives here: every threshold, wait,
deadline and due time is the indicator modules' decision, so the live metrics
and the offline report cannot disagree on an item, and a new indicator's live
series needs no code here.

A fact is ``(spec, labels, op, value)``: ``op`` is ``"inc"`` (a counter, value
1) or ``"observe"`` (a histogram observation, value in the metric's base unit:
seconds, grades). Facts form a multiset (:class:`collections.Counter`).

Time: callbacks and letters decide "missed" when their deadline passes. Facts
are evaluated at ``as_of = max(now, the record's latest event)``, so a record
whose events are all in the past is judged at ``now`` and the future events of
a fast simulation are never ignored. Only ``missed`` facts depend on ``now``;
the worker re-evaluates open callbacks and letters on a timer.

Known limit: counters cannot go down. For well-formed items the facts only
grow as events arrive. Contradictory items (an answer arriving after an abandon
of the same call, a cancellation after a callback's missed deadline, a second
``call.offered`` with another queue) lose a fact; the counters keep the facts
counted first (``counted`` is the union of every evaluation) until the worker
restarts. The report, which evaluates the record itself, is exact for them.
"""

from __future__ import annotations

from collections import Counter, _count_elements  # type: ignore[attr-defined]  # Counter.update's C loop
from typing import Any, Literal, NamedTuple, get_args

from monitor import metricspec as ms
from monitor.config import Municipality
from monitor.gauges import GaugeValue, event_gauges, last_event_series
from monitor.indicators import REGISTRY, SCALE, contributions, decided
from monitor.indicators.base import Contribution
from monitor.indicators.spec import Unit, to_live
from monitor.metricspec import MetricSpec
from monitor.labelsets import LabelSets, decision_labels, label_sets, remember
from monitor.records import (
    CallbackRecord, CallRecord, DigitalRecord, LetterRecord, Record, VisitRecord, fold, slots,
)

Op = Literal["inc", "observe"]
Fact = tuple[MetricSpec, tuple[str, ...], Op, float]
"""``(metric, label values in the spec's label order, op, value)``."""
Facts = Counter
"""A multiset of :data:`Fact` (fact → how many times)."""


def facts(record: Record | None, municipality: Municipality, now_us: int | None = None) -> Facts:
    """Every counter increment and histogram observation this record implies at ``now`` (µs since
    the epoch; None = the record's latest event): its item facts and its decision facts. An empty
    multiset for None or an item whose originating event has not arrived."""
    result = _no_facts()
    if record is None or record.origin is None:
        return result
    known = label_sets(municipality)
    decisions = decided(contributions(record, municipality, _as_of(record, now_us)))
    items = _item_facts(record, municipality, decisions, known)
    for decision in decisions.values():
        items += _decision_facts(decision, municipality, known)
    _count_elements(result, items)
    return result


def _no_facts() -> Facts:
    """An empty :data:`Facts`. ``Counter()`` runs the generic ``update`` (an ABC check): ≈ 1 µs, several times
    per event; an empty Counter needs none of it."""
    return Counter.__new__(Counter)


def _item_facts(record: Record, municipality: Municipality, decided: dict[str, Contribution],
                known: LabelSets) -> list[Fact]:
    """What the item is, whatever an indicator decided: offered, answered, abandoned, ended, requested,
    checked in, received, completed online, its contact."""
    if isinstance(record, CallRecord):
        _, line, queue = record.offered
        fixed = known.items.get(("call", line, queue))
        if fixed is None:
            phone = (municipality.slug, municipality.label("line", line), municipality.label("queue", queue))
            fixed = remember(known.items, ("call", line, queue), (
                phone, _inc(ms.CALLS_OFFERED, phone), _inc(ms.CONTACTS, (municipality.slug, "phone")),
                _inc(ms.CALLS_ANSWERED, phone), _inc(ms.CALLS_ABANDONED, phone),
                _inc(ms.CALLS_SHORT_ABANDONED, phone)))
        phone, offered, contact, answered, abandoned, short_abandoned = fixed
        result = [offered, contact]
        if record.answered is not None:
            result.append(answered)
        elif record.abandoned is not None:
            result.append(abandoned)
            if "bereikbaarheid" not in decided:  # a short abandon leaves the denominators
                result.append(short_abandoned)
        if record.ended is not None:
            result.append(_inc(ms.CALLS_ENDED, phone + (record.ended[1],)))
        return result
    if isinstance(record, CallbackRecord):
        department = record.requested[1]
        fixed = known.items.get(("callback", department))
        if fixed is None:
            dept = (municipality.slug, municipality.label("department", department))
            fixed = remember(known.items, ("callback", department), (
                _inc(ms.CALLBACKS_REQUESTED, dept), _inc(ms.CALLBACKS_COMPLETED, dept),
                _inc(ms.CALLBACKS_CANCELLED, dept)))
        requested, completed, cancelled = fixed
        result = [requested]
        if record.completed is not None:
            result.append(completed)
        if record.cancelled is not None:
            result.append(cancelled)
        return result
    if isinstance(record, VisitRecord):
        _, location, visit_type, *_ = record.checked_in
        fixed = known.items.get(("visit", location, visit_type))
        if fixed is None:
            label = municipality.label("location", location)
            fixed = remember(known.items, ("visit", location, visit_type), (
                _inc(ms.VISITS_CHECKED_IN, (municipality.slug, label, visit_type)),
                _inc(ms.CONTACTS, (municipality.slug, "counter")),
                _inc(ms.VISITS_NO_SHOW, (municipality.slug, label))))
        checked_in, contact, no_show = fixed
        return [checked_in, contact] if record.no_show is None else [checked_in, contact, no_show]
    if isinstance(record, LetterRecord):
        _, channel, department, _ = record.received
        fixed = known.items.get(("letter", channel, department))
        if fixed is None:
            letter = (municipality.slug, channel, municipality.label("department", department))
            fixed = remember(known.items, ("letter", channel, department), (
                _inc(ms.LETTERS_RECEIVED, letter), _inc(ms.CONTACTS, (municipality.slug, channel)),
                _inc(ms.LETTERS_ANSWERED, letter)))
        received, contact, answered = fixed
        return [received, contact] if record.answered is None else [received, contact, answered]
    if isinstance(record, DigitalRecord):
        product = record.completed[1]
        fixed = known.items.get(("digital", product))
        if fixed is None:
            fixed = remember(known.items, ("digital", product), (
                _inc(ms.DIGITAL_COMPLETED, (municipality.slug, municipality.label("product", product))),
                _inc(ms.CONTACTS, (municipality.slug, "digital"))))
        return list(fixed)
    return []  # a survey answer is only its decisions


def _decision_facts(decision: Contribution, municipality: Municipality, known: LabelSets) -> tuple[Fact, ...]:
    """What one decided contribution adds live, as its indicator's :class:`~monitor.indicators.spec.Live`
    declares: a mean's sum observed (base units) in its histogram; a ratio's hit counted in the numerator,
    its miss in the ``miss`` counter if the registry names one. Nothing for an indicator not ``decided``."""
    spec = REGISTRY[decision.indicator]
    live = spec.live
    if not live.decided:
        return ()
    if live.kind == "mean":
        key = (decision.indicator, decision.scope, None)
        cached = known.decisions.get(key)
        if cached is None or cached[0] is not spec:
            term = live.numerator
            cached = remember(known.decisions, key, (
                spec, (term.spec, decision_labels(term.spec, term.matchers, decision, spec, municipality))))
        metric, labels = cached[1]
        return ((metric, labels, "observe", _base_units(decision.sum, spec.unit)),)
    key = (decision.indicator, decision.scope, decision.hits)
    cached = known.decisions.get(key)
    if cached is None or cached[0] is not spec:
        term = live.numerator if decision.hits else live.miss
        cached = remember(known.decisions, key, (spec, () if term is None else (
            _inc(term.spec, decision_labels(term.spec, term.matchers, decision, spec, municipality)),)))
    return cached[1]


def latest_us(record: Record) -> int:
    """The latest event instant the record holds (µs since the epoch); ValueError for a record without events."""
    instants = [slot[0] for slot in slots(record) if slot is not None]
    if not instants:
        raise ValueError(f"{record.KIND} record {record.item_id!r} holds no event")
    return max(instants)


# ---------------------------------------------------------------- helpers

def _as_of(record: Record, now_us: int | None) -> int:
    latest = latest_us(record)
    return latest if now_us is None else max(now_us, latest)


def _base_units(amount: int, unit: Unit) -> float:
    """A mean's integer sum (``SCALE`` units: ms, thousandths of a grade) in the live base unit (s, grade)."""
    return amount / (SCALE[unit] / to_live(1, unit))


def _inc(spec: MetricSpec, labels: tuple[str, ...]) -> Fact:
    return (spec, labels, "inc", 1.0)


def _observe(spec: MetricSpec, labels: tuple[str, ...], value: float) -> Fact:
    return (spec, labels, "observe", value)


# ---------------------------------------------------------------- one event

DuplicateCause = Literal["source", "redelivery", "compacted"]
"""Why an event changed nothing (the ``cause`` label of ``kcc_events_duplicate``):

- ``source``: the record already held an event like it from *another* message (the source
  system sent it twice);
- ``redelivery``: the *same* message (topic and offset) was folded before — Kafka delivered
  it again after a worker crashed or a rebalance, before its offset was committed (a message
  that was itself a source duplicate the first time stays ``source`` when redelivered: only
  messages that changed a record are remembered);
- ``compacted``: its item was already compacted (a replay, a backfill, offsets reset, or a
  partner arriving after its item was final and moved into the per-day aggregates).
"""


class Change(NamedTuple):
    """What one event changed: everything the worker applies to its metrics and its table (a ``NamedTuple``:
    one per event, and a frozen dataclass costs four times as much to build)."""

    record: Record | None
    """The item's record after the event (None for a ``queue.snapshot``, which has no record)."""
    delta: Facts
    """Counter increments and histogram observations to add now."""
    counted: Facts
    """Every fact counted for the record once ``delta`` is added (to store beside the record)."""
    gauges: list[GaugeValue]
    """Gauges to set (last event time; a ``queue.snapshot``'s queue gauges)."""
    duplicate: DuplicateCause | None = None
    """Why the event changed nothing, or None when it changed the record (or was a snapshot)."""

    @property
    def writes_record(self) -> bool:
        """Whether the record must be stored (it changed)."""
        return self.record is not None and self.duplicate is None


def apply(record: Record | None, counted: Facts | None, event: Any, municipality: Municipality, now_us: int,
          *, redelivered: bool = False) -> Change:
    """Fold one valid event into its item's record (``record``: as stored, None for a new item; it is
    updated in place) and say what changed: :func:`join`, :func:`arrival` and :func:`settle` in one.
    ``counted``: the facts already counted for ``record`` (None: none); ``now_us``: processing time, µs since
    the epoch; ``redelivered``: the caller knows this very message was folded into the record before (decides
    the duplicate's cause only)."""
    if event.type == "queue.snapshot":
        return arrival(event, municipality, now_us)
    record, cause = join(record, event, redelivered=redelivered)
    if cause is not None:
        return duplicate(event, municipality, cause, record, counted)
    delta, now_counted = settle(record, counted, municipality, now_us)
    arrived = arrival(event, municipality, now_us)
    for fact, n in arrived.delta.items():
        delta[fact] = delta.get(fact, 0) + n
    return Change(record, delta, now_counted, arrived.gauges)


def join(record: Record | None, event: Any, *, redelivered: bool = False) -> tuple[Record, DuplicateCause | None]:
    """Fold one valid event that has an item (not a ``queue.snapshot``) into its record (None: a new item; else
    updated in place): the record, and why the event changed nothing (None when it changed the record). Its
    facts are :func:`settle`'s, which a worker calls once per changed record and batch, however many of the
    record's events the batch held (≈ 3 in a backlog: the facts are most of an event's cost)."""
    if record is None:
        return fold(None, event), None
    if not record.join(event) and event.type in type(record)._PAYLOAD:  # visit.completed is never one
        return record, "redelivery" if redelivered else "source"
    return record, None


def settle(record: Record, counted: Facts | None, municipality: Municipality, now_us: int) -> tuple[Facts, Facts]:
    """``(delta, counted)``: what the record's facts at ``now_us`` (µs since the epoch) add to those already
    counted for it (``counted``; None: none), and every fact counted once ``delta`` is added."""
    return _settle(_no_facts() if counted is None else counted, facts(record, municipality, now_us))


def arrival(event: Any, municipality: Municipality, now_us: int) -> Change:
    """What a valid event's arrival counts, whatever it changes: one ``kcc_events`` of its type and the event
    gauges (a ``queue.snapshot``'s queue gauges included). ``record`` None, nothing counted for a record."""
    delta = _no_facts()
    delta[arrival_series(event.type, municipality)[0]] = 1
    return Change(None, delta, _no_facts(), event_gauges(event, municipality, now_us))


def arrival_series(event_type: str, municipality: Municipality) -> tuple[Fact, tuple[MetricSpec, tuple[str, ...]]]:
    """An event's arrival as a worker counts it per event: its ``kcc_events`` fact and its last-event gauge series
    (``monitor.gauges.last_event_series``), kept per configuration and type (building them and a
    :class:`Change` per event cost ≈ 2.5 µs of the ≈ 50 a worker spends per event)."""
    known = label_sets(municipality).items
    kept = known.get(("arrival", event_type))
    if kept is None:
        kept = remember(known, ("arrival", event_type), (
            _inc(ms.EVENTS, (municipality.slug, event_type)), last_event_series(event_type, municipality)))
    return kept


def _settle(counted: Facts, current: Facts) -> tuple[Facts, Facts]:
    """``(current - counted, counted | current)`` in one pass over the record's few facts: what to add now,
    and everything counted once it is added (``counted`` itself, not a copy, when nothing is new)."""
    delta = _no_facts()
    for fact, n in current.items():
        more = n - counted.get(fact, 0)
        if more > 0:
            delta[fact] = more
    if not delta:
        return delta, counted
    union = _no_facts()
    dict.update(union, counted)
    for fact, more in delta.items():
        union[fact] = union.get(fact, 0) + more
    return delta, union


def duplicate(event: Any, municipality: Municipality, cause: DuplicateCause, record: Record | None = None,
              counted: Facts | None = None) -> Change:
    """The change of an event that changes nothing: one ``kcc_events_duplicate`` with its cause."""
    delta = _no_facts()
    delta[_inc(ms.EVENTS_DUPLICATE, (municipality.slug, event.type, cause))] = 1
    return Change(record, delta, _no_facts() if counted is None else counted, [], cause)


def configured_label_sets(config: Any) -> list[tuple[MetricSpec, tuple[str, ...]]]:
    """Every counter/histogram label set fully bounded by configuration (and the event contract), per
    municipality: line×queue (×outcome), department (×working days), location×visit type, letter
    channel×department, contact channel, product, survey channel (× location for counter answers),
    event type. ``other`` values are left out (they appear with their first event)."""
    from monitor.events import EVENT_TYPES

    outcomes = ("resolved", "transferred", "callback_requested", "other")
    result: list[tuple[MetricSpec, tuple[str, ...]]] = []
    for m in config.municipalities.values():
        s = m.slug
        for line in m.lines:
            for queue in m.queues:
                phone = (s, line, queue)
                for spec in (ms.CALLS_OFFERED, ms.CALLS_ANSWERED, ms.CALLS_ANSWERED_IN_SERVICE_LEVEL,
                             ms.CALLS_ABANDONED, ms.CALLS_SHORT_ABANDONED, ms.CALL_WAIT):
                    result.append((spec, phone))
                result += [(ms.CALLS_ENDED, phone + (outcome,)) for outcome in outcomes]
        for department in m.departments:
            for spec in (ms.CALLBACKS_REQUESTED, ms.CALLBACKS_CANCELLED, ms.CALLBACKS_COMPLETED):
                result.append((spec, (s, department)))
            for days in ("1", "2"):
                result += [(ms.CALLBACKS_COMPLETED_IN_TIME, (s, department, days)),
                           (ms.CALLBACKS_MISSED_DEADLINE, (s, department, days))]
            for channel in ("post", "email"):
                for spec in (ms.LETTERS_RECEIVED, ms.LETTERS_ANSWERED, ms.LETTERS_ANSWERED_IN_TIME,
                             ms.LETTERS_MISSED_DUE):
                    result.append((spec, (s, channel, department)))
        for location in m.locations:
            result.append((ms.VISITS_NO_SHOW, (s, location)))
            for visit_type in ("appointment", "walk_in"):
                for spec in (ms.VISITS_CHECKED_IN, ms.VISITS_WITHIN_NORM, ms.VISIT_WAIT):
                    result.append((spec, (s, location, visit_type)))
            for spec in (ms.SURVEY_SCORE, ms.SURVEYS_POSITIVE):
                result.append((spec, (s, "counter", location)))
        for channel in ("counter", "phone", "website", "email"):
            for spec in (ms.SURVEY_SCORE, ms.SURVEYS_POSITIVE):
                result.append((spec, (s, channel, "")))
        result += [(ms.CONTACTS, (s, channel)) for channel in ("phone", "counter", "post", "email", "digital")]
        result += [(ms.DIGITAL_COMPLETED, (s, product)) for product in m.products]
        result += [(ms.EVENTS, (s, event_type)) for event_type in EVENT_TYPES]
        result += [(ms.EVENTS_DUPLICATE, (s, event_type, cause))
                   for event_type in EVENT_TYPES for cause in get_args(DuplicateCause)]
    return result

"""The gauges: what a record, an event or the calendar says about *now*, and when time alone changes that.

Counters and histograms are facts of records (:mod:`monitor.live`) and only grow; a gauge says how things
stand at an instant: callbacks open and open past their deadline, letters open past due, visitors waiting
today (per record, :func:`open_gauges`), the office open and the periods' starts (:func:`calendar_gauges`),
a ``queue.snapshot``'s queue and the last event's processing time (:func:`event_gauges`). The live timer adds
up the records' gauges (``streams.agenda``) and looks at a record again only at :func:`next_change_us`.
Every deadline is the indicator modules' decision (``monitor.indicators``), as for the facts.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from monitor import metricspec as ms
from monitor.calendar import calendar_for
from monitor.config import Municipality
from monitor.events import family
from monitor.indicators import REGISTRY, contributions, decided, turning_points
from monitor.indicators.base import local_day
from monitor.indicators.letters import due_us
from monitor.labelsets import decision_labels
from monitor.metricspec import MetricSpec
from monitor.records import CallbackRecord, LetterRecord, Record, VisitRecord, slots

GaugeValue = tuple[MetricSpec, tuple[str, ...], float]
"""``(gauge metric, label values, value)``."""

_US = 1_000_000


def has_deadline(record: Record) -> bool:
    """Whether the record's facts can still change with time alone (an open callback or letter)."""
    if isinstance(record, CallbackRecord):
        return record.requested is not None and record.completed is None and record.cancelled is None
    if isinstance(record, LetterRecord):
        return record.received is not None and record.answered is None
    return False


def open_gauges(record: Record, municipality: Municipality, now_us: int) -> list[GaugeValue]:
    """What the record adds (1 each) to the "now" gauges: callbacks open, and open past their deadline,
    letters open past due, visitors checked in today and waiting (not called, not a no-show)."""
    m = municipality.slug
    if isinstance(record, CallbackRecord) and has_deadline(record) and record.requested[0] <= now_us:
        gauge = ms.CALLBACKS_OPEN_PAST_DEADLINE
        result = [(ms.CALLBACKS_OPEN, (m, municipality.label("department", record.department)), 1.0)]
        for decision in decided(contributions(record, municipality, now_us)).values():
            indicator = REGISTRY[decision.indicator]
            miss = indicator.live.miss  # still open: every decision is a deadline passed
            if miss is not None:  # labelled like the counter the miss adds one to (working_days)
                result.append((gauge, decision_labels(gauge, miss.matchers, decision, indicator, municipality), 1.0))
        return result
    if isinstance(record, LetterRecord) and has_deadline(record) and record.received[0] <= now_us:
        if now_us > due_us(record, municipality):
            letter = (m, record.channel, municipality.label("department", record.department))
            return [(ms.LETTERS_OPEN_PAST_DUE, letter, 1.0)]
    if (isinstance(record, VisitRecord) and record.checked_in is not None and record.called is None
            and record.no_show is None and record.checked_in[0] <= now_us
            and local_day(record.checked_in[0], municipality) == local_day(now_us, municipality)):
        return [(ms.VISITORS_WAITING, (m, municipality.label("location", record.location)), 1.0)]
    return []


def next_change_us(record: Record, municipality: Municipality, after_us: int) -> int | None:
    """The first instant after ``after_us`` (µs since the epoch) at which time alone can change the record's
    :func:`monitor.live.facts`, :func:`open_gauges` or whether it is final: one of its events becoming known (an event
    timed ahead of the clock), a deadline passing (``monitor.indicators.turning_points``), the local day of a
    waiting visitor ending. None: never. The live timer looks at a record only then (``streams.agenda``),
    not on every tick."""
    instants = [slot[0] for slot in slots(record) if slot is not None]
    instants += turning_points(record, municipality)
    if isinstance(record, VisitRecord) and record.checked_in is not None:
        next_day = local_day(record.checked_in[0], municipality) + timedelta(days=1)
        instants.append(_midnight_us(next_day, municipality.timezone))
    return min((instant for instant in instants if instant > after_us), default=None)


def calendar_gauges(municipality: Municipality, now: datetime) -> list[GaugeValue]:
    """``kcc_office_open`` (1/0) and ``kcc_period_start_timestamp_seconds`` (day, month) at ``now``
    (aware), from the municipality's calendar and time zone (local midnight, DST-correct)."""
    local = now.astimezone(municipality.tz)
    day_start = _local_midnight(local.date(), municipality.tz)
    month_start = _local_midnight(local.date().replace(day=1), municipality.tz)
    m = municipality.slug
    return [
        (ms.OFFICE_OPEN, (m,), 1.0 if calendar_for(municipality).is_open(now) else 0.0),
        (ms.PERIOD_START, (m, "day"), day_start.timestamp()),
        (ms.PERIOD_START, (m, "month"), month_start.timestamp()),
    ]


def queue_gauges(event: object, municipality: Municipality) -> list[GaugeValue]:
    """The gauges of a ``queue.snapshot``: the queue label bounded by the configured phone queues
    (channel ``phone``) or counter locations (channel ``counter``)."""
    dimension = "queue" if event.channel == "phone" else "location"  # type: ignore[attr-defined]
    labels = (municipality.slug, event.channel, municipality.label(dimension, event.queue))  # type: ignore[attr-defined]
    result = [(ms.QUEUE_WAITING, labels, float(event.waiting)),  # type: ignore[attr-defined]
              (ms.QUEUE_LONGEST_WAIT, labels, float(event.longest_wait_seconds))]  # type: ignore[attr-defined]
    if event.agents_available is not None:  # type: ignore[attr-defined]
        result.append((ms.QUEUE_AGENTS_AVAILABLE, labels, float(event.agents_available)))  # type: ignore[attr-defined]
    return result


def last_event_series(event_type: str, municipality: Municipality) -> tuple[MetricSpec, tuple[str, ...]]:
    """The ``kcc_last_event_timestamp_seconds`` series an event of ``event_type`` sets (to the processing time,
    Unix seconds)."""
    return ms.LAST_EVENT, (municipality.slug, family(event_type))


def event_gauges(event: Any, municipality: Municipality, now_us: int) -> list[GaugeValue]:
    """``kcc_last_event_timestamp_seconds`` (processing time, Unix seconds) and, for a ``queue.snapshot``,
    its queue gauges."""
    result = [(*last_event_series(event.type, municipality), now_us / _US)]
    if event.type == "queue.snapshot":
        result += queue_gauges(event, municipality)
    return result


@lru_cache(maxsize=4096)
def _midnight_us(day: date, timezone: str) -> int:
    """:func:`_local_midnight` in µs since the epoch, remembered: the zone's offset lookups cost ≈ 10 µs, and
    every waiting visitor of a day asks for the same midnight."""
    return int(_local_midnight(day, ZoneInfo(timezone)).timestamp()) * 1_000_000


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """Start of a local calendar day in zone ``tz``: the first instant whose local date is ``day`` (DST-safe)."""
    naive = datetime(day.year, day.month, day.day)
    candidate = naive.replace(tzinfo=tz)
    # Midnight exists in Europe/Amsterdam; a zone that skips it would start at the first valid hour.
    for hours in range(0, 3):
        moment = (naive + timedelta(hours=hours)).replace(tzinfo=tz)
        if moment.astimezone(tz).replace(tzinfo=None) == naive + timedelta(hours=hours):
            return moment
    return candidate

"""Calls and the callbacks they lead to.

Per queue a first-come-first-served queue (:func:`~monitor.simulator.queueing.serve`)
with agents staffed per hour from the expected load (occupancy ~90 %, a staffing
factor per day), callers with a patience (a few hang up within seconds: short
abandons). Waits, abandons and the per-minute ``queue.snapshot`` all come from that
one queue, so they agree. Outcomes of ended calls: ``resolved`` with
``resolved_share``, ``callback_requested`` so that about ``callbacks_per_working_day``
callbacks arise, the rest ``transferred`` or ``other``.

Callbacks follow their call (same department list as the configuration): about half
the same working day, most within 2 working days, some late, ~3 % cancelled.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from monitor.calendar import WorkingCalendar
from monitor.simulator.day import Day
from monitor.simulator.draws import grade, poissonish, weights
from monitor.simulator.model import (
    AGENT_OCCUPANCY, AGENT_ROUNDING, CALLBACK_CANCEL_AFTER_SECONDS, CALLBACK_CANCEL_SHARE, CALLBACK_DONE_WITHIN,
    CALLBACK_LATE_WORKING_DAYS, CALLBACK_MIN_SECONDS, CALLBACK_REQUEST_DELAY_SECONDS, CLOSING_OVERTIME_SECONDS,
    DEFAULT_DEPARTMENTS, EXPECTED_ANSWERED_SHARE, MAIN_QUEUE_WEIGHT, MAX_CALLBACK_OUTCOME_SHARE,
    MIN_PATIENCE_SECONDS, PATIENCE_MEAN_SECONDS, PHONE_CURVE, PHONE_CURVE_OTHER_HOURS, PHONE_STAFFING_RANGE,
    PHONE_STAFFING_SD, PHONE_SURVEY_DELAY_SECONDS, SHORT_ABANDON_PATIENCE_SECONDS, SHORT_ABANDON_SHARE,
    TALK_MEDIAN_SECONDS, TALK_SECONDS_RANGE, TALK_SIGMA, TRANSFERRED_SHARE, WEEKDAY_FACTOR_PHONE, WRAP_UP_SECONDS,
)
from monitor.simulator.queueing import serve


def _rate(wall_seconds: int) -> float:
    return PHONE_CURVE.get(wall_seconds // 3600, PHONE_CURVE_OTHER_HOURS)


def build(day: Day) -> None:
    """Every call offered on ``day`` (a working day) with its answer or abandon, end, callback and survey."""
    sim, m = day.sim, day.m
    if sim.calls_per_working_day <= 0 or not m.queues:
        return
    rng = day.rng("phone")
    opening, closing = day.office_seconds()
    expected = sim.calls_per_working_day * WEEKDAY_FACTOR_PHONE[day.day.weekday()]
    total_rate = sum(_rate(s) for s in range(opening, closing, 60))
    shares = weights(m.queues)
    shares = [MAIN_QUEUE_WEIGHT * w if i == 0 else w for i, w in enumerate(shares)]
    share_sum = sum(shares)
    answered_expected = expected * EXPECTED_ANSWERED_SHARE
    callback_share = (min(MAX_CALLBACK_OUTCOME_SHARE, sim.callbacks_per_working_day / answered_expected)
                      if answered_expected else 0)
    low, high = PHONE_STAFFING_RANGE
    staffing = min(high, max(low, rng.gauss(1.0, PHONE_STAFFING_SD)))
    handling_seconds = TALK_MEDIAN_SECONDS * math.exp(TALK_SIGMA ** 2 / 2) + WRAP_UP_SECONDS  # mean, per call
    for q_index, queue in enumerate(m.queues):
        q_expected = expected * shares[q_index] / share_sum
        offered = day.times(rng, poissonish(rng, q_expected), [(opening, closing)], _rate)
        servers = _agents(day, opening, closing, q_expected, total_rate, handling_seconds, staffing)
        arrivals = [(t, _patience(rng), _talk(rng) + WRAP_UP_SECONDS) for t in offered]
        starts = serve(arrivals, servers)
        line = m.lines[0] if len(m.lines) == 1 else None
        waiting: list[tuple[int, int]] = []
        busy: list[tuple[int, int]] = []
        for n, ((t, patience, service), begin) in enumerate(zip(arrivals, starts)):
            call_id = f"{day.prefix}k{q_index}-{n}"
            call_line = line or rng.choice(m.lines)
            base = {"call_id": call_id, "line": call_line, "queue": queue}
            gone = t + max(1, math.floor(patience))
            waiting.append((t, gone if begin is None else begin))
            if begin is not None:
                busy.append((begin, begin + int(service)))
            if not day.inside(t):
                continue
            day.emit(t, "call.offered", event_id=f"{call_id}.o", **base)
            if begin is None:
                day.emit(gone, "call.abandoned", event_id=f"{call_id}.x", wait_seconds=gone - t, **base)
                continue
            talk = int(service) - WRAP_UP_SECONDS
            day.emit(begin, "call.answered", event_id=f"{call_id}.a", wait_seconds=begin - t, **base)
            outcome = _outcome(rng, sim.resolved_share, callback_share)
            ended = begin + talk
            day.emit(ended, "call.ended", event_id=f"{call_id}.e", talk_seconds=talk, outcome=outcome, **base)
            if outcome == "callback_requested":
                callback(day, rng, f"{day.prefix}t{q_index}-{n}", ended + rng.randint(*CALLBACK_REQUEST_DELAY_SECONDS))
            if rng.random() < sim.survey_share:
                day.emit(ended + rng.randint(*PHONE_SURVEY_DELAY_SECONDS), "survey.answered",
                         event_id=f"{day.prefix}s{q_index}p{n}", survey_id=f"{day.prefix}s{q_index}p{n}",
                         channel="phone", score=grade(rng, "phone"))
        day.snapshots("phone", queue, f"q{q_index}", waiting, servers, busy)


def _agents(day: Day, opening: int, closing: int, q_expected: float, total_rate: float,
            handling_seconds: float, staffing: float) -> list[tuple[int, int]]:
    """Agent shifts (epoch from, until) per hour from the expected load of that hour."""
    servers: list[tuple[int, int]] = []
    for hour_start in range(opening, closing, 3600):
        hour_end = min(closing, hour_start + 3600)
        hour_calls = sum(_rate(s) for s in range(hour_start, hour_end, 60)) / total_rate * q_expected
        load = hour_calls * handling_seconds / 3600 / AGENT_OCCUPANCY
        agents = max(1, round(load * staffing + AGENT_ROUNDING))
        until = day.epoch(hour_end + (CLOSING_OVERTIME_SECONDS if hour_end == closing else 0))
        servers += [(day.epoch(hour_start), until)] * agents
    return servers


def _patience(rng: random.Random) -> float:
    """How long a caller waits before hanging up, seconds."""
    if rng.random() < SHORT_ABANDON_SHARE:
        return rng.uniform(*SHORT_ABANDON_PATIENCE_SECONDS)
    return MIN_PATIENCE_SECONDS + rng.expovariate(1 / PATIENCE_MEAN_SECONDS)


def _talk(rng: random.Random) -> float:
    """Talk time of an answered call, seconds."""
    shortest, longest = TALK_SECONDS_RANGE
    return min(longest, max(shortest, rng.lognormvariate(math.log(TALK_MEDIAN_SECONDS), TALK_SIGMA)))


def _outcome(rng: random.Random, resolved_share: float, callback_share: float) -> str:
    r = rng.random()
    if r < resolved_share:
        return "resolved"
    if r < resolved_share + callback_share:
        return "callback_requested"
    return "transferred" if rng.random() < TRANSFERRED_SHARE else "other"


def callback(day: Day, rng: random.Random, callback_id: str, t: int) -> None:
    """A callback requested at epoch second ``t``: completed (mostly in time) or cancelled."""
    departments = day.m.departments or DEFAULT_DEPARTMENTS
    department = rng.choices(departments, weights=weights(departments))[0]
    base = {"callback_id": callback_id, "department": department}
    day.emit(t, "callback.requested", event_id=f"{callback_id}.r", **base)
    calendar = day.calendar
    clock = calendar.clock_start(day.local(t))
    if rng.random() < CALLBACK_CANCEL_SHARE:
        done = t + rng.randint(*CALLBACK_CANCEL_AFTER_SECONDS)
        day.emit(done, "callback.cancelled", event_id=f"{callback_id}.c", **base)
        return
    r = rng.random()
    after = next((days for share, days in CALLBACK_DONE_WITHIN if r < share), None)
    if after is None:
        after = rng.randint(*CALLBACK_LATE_WORKING_DAYS)
    done_day = _add_working_days(calendar, clock.date(), after)
    hours = calendar.office_hours(done_day)
    low = clock if after == 0 else datetime.combine(done_day, hours.open, day.m.tz)
    high = datetime.combine(done_day, hours.close, day.m.tz)
    low_s, high_s = int(low.timestamp()), int(high.timestamp())
    done = max(t + CALLBACK_MIN_SECONDS, rng.randint(low_s, max(low_s, high_s - CALLBACK_MIN_SECONDS)))
    day.emit(done, "callback.completed", event_id=f"{callback_id}.d", **base)


def _add_working_days(calendar: WorkingCalendar, day: date, n: int) -> date:
    for _ in range(n):
        day += timedelta(days=1)
        while not calendar.is_working_day(day):
            day += timedelta(days=1)
    return day

"""Counter visits: walk-ins and appointments at each location.

Walk-ins arrive in ``walk_in_hours`` (a rush at opening) and queue for walk-in desks;
appointments are booked in slots in ``appointment_hours`` (plus an evening when a
weekday's office hours close later than the default, Amersfoort's Thursday), arrive
mostly a few minutes early, some late, some never come (``visit.no_show``). Desk
capacity follows only part of a peak month's extra demand, so waits grow in peak
months, as the seeds say.
"""

from __future__ import annotations

import math
import random
from typing import Any

from monitor.simulator.day import Day, seconds
from monitor.simulator.draws import grade, poissonish, weights
from monitor.simulator.model import (
    APPOINTMENT_DESK_OCCUPANCY, APPOINTMENT_EARLY_MAX_SECONDS, APPOINTMENT_EARLY_MEAN_SECONDS,
    APPOINTMENT_EARLY_SD_SECONDS, APPOINTMENT_LATE_SECONDS, APPOINTMENT_LATE_SHARE, APPOINTMENT_MEDIAN_SECONDS,
    APPOINTMENT_SERVICE_SIGMA, COUNTER_STAFFING_RANGE, COUNTER_STAFFING_SD, COUNTER_SURVEY_DELAY_SECONDS,
    DESK_OVERTIME_SECONDS, MAX_VISIT_SERVICE_SECONDS, NO_SHOW_AFTER_SECONDS, NO_SHOW_SHARE, OTHER_PRODUCT_WEIGHT,
    PEAK_CAPACITY_FOLLOW, PRODUCT_WEIGHT, SLOT_MINUTES, WALK_IN_CURVE, WALK_IN_CURVE_STEP_SECONDS,
    WALK_IN_DESK_OCCUPANCY, WALK_IN_DESK_ROUNDING, WALK_IN_MEDIAN_SECONDS, WALK_IN_SERVICE_SIGMA,
    WEEKDAY_FACTOR_COUNTER,
)
from monitor.simulator.queueing import serve

Visit = tuple[int, "int | None", str, int, float]
"""(check-in, appointment or None, visit type, service start, service seconds); instants in epoch seconds."""
Window = tuple[int, int]
"""Local wall-clock window, seconds after midnight."""


def build(day: Day) -> None:
    """Every visit checked in (or booked and missed) on ``day`` (a working day), with its survey."""
    sim, m = day.sim, day.m
    if sim.visits_per_working_day <= 0 or not m.locations:
        return
    rng = day.rng("counter")
    peak = sim.peak_months.get(day.day.month, 1.0)
    capacity = 1 + PEAK_CAPACITY_FOLLOW * (peak - 1)
    base_expected = sim.visits_per_working_day * WEEKDAY_FACTOR_COUNTER[day.day.weekday()]
    walk_in_share = sim.walk_in_share if sim.walk_in_hours is not None else 0.0
    opening, closing = day.office_seconds()
    walk_windows = day.clip(sim.walk_in_hours, opening, closing) if walk_in_share else []
    app_windows = day.clip(sim.appointment_hours, opening, closing) if walk_in_share < 1 else []
    default_close = seconds(m.office_hours.default.close)
    if app_windows and closing > default_close:
        app_windows.append((max(default_close, app_windows[-1][1]), closing))  # late opening: appointments
    if not app_windows and walk_in_share < 1 and sim.appointment_hours is None:
        app_windows = [(opening, closing)]
    products = m.products
    base_product = [PRODUCT_WEIGHT.get(p, OTHER_PRODUCT_WEIGHT) for p in products]
    travel = products.index("reisdocument") if "reisdocument" in products else None
    product_weights = list(base_product)
    if travel is not None and peak > 1:
        product_weights[travel] += (peak - 1) * sum(base_product)  # a peak's extra visits are travel documents
    location_shares = weights(m.locations)
    share_sum = sum(location_shares)
    low, high = COUNTER_STAFFING_RANGE
    staffing = min(high, max(low, rng.gauss(1.0, COUNTER_STAFFING_SD)))
    for l_index, location in enumerate(m.locations):
        loc_base = base_expected * location_shares[l_index] / share_sum
        visits: list[Visit] = []
        all_servers: list[tuple[int, int]] = []
        counter = 0
        if walk_windows:
            all_servers += _walk_ins(day, rng, walk_windows, loc_base * walk_in_share, peak, capacity, staffing,
                                     visits)
        if app_windows:
            shifts, counter = _appointments(day, rng, app_windows, loc_base * (1 - walk_in_share), peak,
                                            capacity, staffing, location, l_index, visits)
            all_servers += shifts
        waiting: list[tuple[int, int]] = []
        busy: list[tuple[int, int]] = []
        visits.sort(key=lambda v: (v[0], v[3]))
        for check_in, at, visit_type, begin, service in visits:
            counter += 1
            visit_id = f"{day.prefix}b{l_index}v{counter}"
            if not day.inside(check_in):
                continue
            extra: dict[str, Any] = {}
            if at is not None:
                extra["appointment_at"] = day.local(at)
            if products:
                extra["product"] = rng.choices(products, weights=product_weights)[0]
            base = {"visit_id": visit_id, "location": location}
            day.emit(check_in, "visit.checked_in", event_id=f"{visit_id}.i", visit_type=visit_type, **base, **extra)
            day.emit(begin, "visit.called", event_id=f"{visit_id}.c", visit_type=visit_type, **base)
            done = begin + int(service)
            day.emit(done, "visit.completed", event_id=f"{visit_id}.d", visit_type=visit_type, **base)
            waiting.append((check_in, begin))
            busy.append((begin, done))
            if rng.random() < sim.survey_share:
                survey_id = f"{day.prefix}s{l_index}b{counter}"
                day.emit(done + rng.randint(*COUNTER_SURVEY_DELAY_SECONDS), "survey.answered", event_id=survey_id,
                         survey_id=survey_id, channel="counter", location=location, score=grade(rng, "counter"))
        day.snapshots("counter", location, f"l{l_index}", waiting, all_servers, busy)


def _walk_ins(day: Day, rng: random.Random, windows: list[Window], expected: float, peak: float,
              capacity: float, staffing: float, visits: list[Visit]) -> list[tuple[int, int]]:
    """Walk-ins of one location, queued first come first served for the walk-in desks; adds them to
    ``visits`` and returns the desks' shifts (epoch from, until) within the windows."""
    span = sum(b - a for a, b in windows)
    first = windows[0][0]
    arrivals = day.times(rng, poissonish(rng, expected * peak), windows,
                         lambda s: WALK_IN_CURVE[min(len(WALK_IN_CURVE) - 1, (s - first) // WALK_IN_CURVE_STEP_SECONDS)])
    mean_service = WALK_IN_MEDIAN_SECONDS * math.exp(WALK_IN_SERVICE_SIGMA ** 2 / 2)
    desks = max(1, round(expected * mean_service / span / WALK_IN_DESK_OCCUPANCY * capacity * staffing
                         + WALK_IN_DESK_ROUNDING))
    servers = [(day.epoch(a), day.epoch(b + DESK_OVERTIME_SECONDS)) for a, b in windows] * desks
    queue = [(t, math.inf, _service(rng, WALK_IN_MEDIAN_SECONDS, WALK_IN_SERVICE_SIGMA)) for t in arrivals]
    for (t, _, service), begin in zip(queue, serve(queue, servers)):
        visits.append((t, None, "walk_in", begin if begin is not None else t, service))
    return [(day.epoch(a), day.epoch(b)) for a, b in windows] * desks


def _appointments(day: Day, rng: random.Random, windows: list[Window], expected: float, peak: float,
                  capacity: float, staffing: float, location: str, l_index: int,
                  visits: list[Visit]) -> tuple[list[tuple[int, int]], int]:
    """Booked visits of one location: no-shows are emitted here, the others added to ``visits``.

    Returns the desks' shifts (epoch from, until) and the number of visit ids used by no-shows.
    """
    booked = poissonish(rng, expected * peak)
    slot_seconds = SLOT_MINUTES * 60
    slots = [a + k * slot_seconds for a, b in windows for k in range((b - a) // slot_seconds)]
    if not (slots and booked):
        return [], 0
    desks = max(1, math.ceil(expected * capacity / len(slots) / APPOINTMENT_DESK_OCCUPANCY * staffing))
    cells = [(s, d) for s in slots for d in range(desks)]
    chosen = rng.sample(cells, booked) if booked <= len(cells) else \
        cells + rng.choices(cells, k=booked - len(cells))  # overbooked in a peak
    chosen.sort()
    appointments = [_arrival(rng, day.epoch(slot)) for slot, _ in chosen]
    counter = 0
    queue = []
    for at, arrive in appointments:
        if arrive is None:
            counter += 1
            visit_id = f"{day.prefix}b{l_index}n{counter}"
            if day.inside(at):
                day.emit(at + NO_SHOW_AFTER_SECONDS, "visit.no_show", event_id=f"{visit_id}.n",
                         visit_id=visit_id, location=location)
            continue
        service = _service(rng, APPOINTMENT_MEDIAN_SECONDS, APPOINTMENT_SERVICE_SIGMA)
        queue.append((max(at, arrive), math.inf, service, at, arrive))
    queue.sort()
    servers = [(day.epoch(a), day.epoch(b + DESK_OVERTIME_SECONDS)) for a, b in windows] * desks
    started = serve([(r, p, s) for r, p, s, _, _ in queue], servers)
    for (ready, _, service, at, arrive), begin in zip(queue, started):
        visits.append((arrive, at, "appointment", begin if begin is not None else ready, service))
    return [(day.epoch(a), day.epoch(b)) for a, b in windows] * desks, counter


def _arrival(rng: random.Random, at: int) -> tuple[int, int | None]:
    """(slot, arrival) in epoch seconds; arrival None for a no-show."""
    if rng.random() < NO_SHOW_SHARE:
        return at, None
    if rng.random() < APPOINTMENT_LATE_SHARE:
        return at, at + rng.randint(*APPOINTMENT_LATE_SECONDS)
    early = round(rng.gauss(-APPOINTMENT_EARLY_MEAN_SECONDS, APPOINTMENT_EARLY_SD_SECONDS))
    return at, at + min(0, max(-APPOINTMENT_EARLY_MAX_SECONDS, early))


def _service(rng: random.Random, median: float, sigma: float) -> float:
    """Service time at a desk, seconds (log-normal, at most an hour)."""
    return min(MAX_VISIT_SERVICE_SECONDS, rng.lognormvariate(math.log(median), sigma))

"""Simulated source systems: realistic, deterministic event streams for every configured municipality.

:func:`simulate` yields the events of EVENTS.md that the telephony, callback,
counter-queue, survey, post and e-form systems of the configured municipalities
would publish between two instants, in event-time order, each one valid per
:func:`monitor.events.parse_event`. It is pure: no Kafka, no clock, no files
(:func:`write_jsonl` is the one convenience that writes). The producing edge is
``streams/publish.py``.

Why it looks the way it does:

- **Volumes** come from ``simulation:`` in each municipality's YAML, which in
  turn come from the seeds (Amersfoort 740 calls and 500 counter visitors per
  working day; Nijmegen 215,000 calls and 166,000 visits a year = 850 and 656 per
  working day, all by appointment; Groningen's 2026 travel-document peak as
  ``peak_months``). A day's count is the profile figure × a weekday factor
  (Monday busiest, Friday quietest; the five factors average 1) × Poisson-like
  noise, so five working days average the profile.
- **Days**: phone, counter and post only on working days
  (:func:`monitor.calendar.calendar_for`: no weekends, no Koningsdag, …) and within
  office hours; e-forms every day and evening.
- **Phone**: per queue a first-come-first-served queue with agents staffed per hour
  from the expected load (occupancy ~90 %, a staffing factor per day), callers with
  a patience (a few hang up within seconds: short abandons). Waits, abandons and the
  per-minute ``queue.snapshot`` all come from that one queue, so they agree.
  Outcomes of ended calls: ``resolved`` with ``resolved_share``, ``callback_requested``
  so that about ``callbacks_per_working_day`` callbacks arise, the rest
  ``transferred`` (3/4) or ``other``.
- **Callbacks** follow their call (same department list as the configuration):
  about half the same working day, most within 2 working days, some late, ~3 %
  cancelled.
- **Counter**: walk-ins arrive in ``walk_in_hours`` (a rush at opening) and queue for
  walk-in desks; appointments are booked in 10-minute slots in
  ``appointment_hours`` (plus an evening when a weekday's office hours close later
  than the default, Amersfoort's Thursday), arrive mostly a few minutes early, some
  late, ~5 % never come (``visit.no_show``). Desk capacity follows only half of a
  peak month's extra demand, so waits grow in peak months, as the seeds say.
- **Surveys** for a ``survey_share`` of answered calls, completed visits, e-forms
  and answered e-mails; scores are whole grades around a channel mean (counter
  highest, website lowest, as the seeds report).
- **Letters**: post registered in the morning, e-mail through the day; ~90 %
  answered within the configured term, the rest late; ~5 % carry their own
  ``due_at`` (six weeks).

Determinism: every (municipality, day, channel) draws from its own
``random.Random`` seeded with ``"{seed}:{slug}:{day}:{channel}"`` (string seeds are
hashed with SHA-512, independent of ``PYTHONHASHSEED``), so a seed always gives the
same events, and a day's events do not depend on the window around it. Ids are
opaque: a six-hex token per (seed, municipality), the date the item starts, a kind
letter with the queue/location index and a counter (``3fa9c1-260407-k0-42``); event
ids append the step (``3fa9c1-260407-k0-42.a``). No personal data anywhere.

Window: items that *start* in ``[start, end)`` are emitted with their whole life
(a callback requested on the last day is completed after ``end``), so a report
over the window sees finished items, not an artificial cliff. Queue snapshots and
e-forms are emitted only inside the window.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import random
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from pathlib import Path
from typing import IO, Any

from monitor.calendar import WorkingCalendar, calendar_for
from monitor.config import Config, Municipality, OpeningHours
from monitor.events import EVENT_TYPES, Event, event_to_json

WEEKDAY_FACTOR_PHONE = (1.25, 1.05, 0.95, 0.95, 0.80)
"""Mon..Fri volume factor of calls (Monday busiest); they average 1."""
WEEKDAY_FACTOR_COUNTER = (1.10, 1.00, 1.00, 1.05, 0.85)
"""Mon..Fri volume factor of counter visits (booked capacity evens it out); they average 1."""
NON_WORKING_DIGITAL_FACTOR = 0.6
WORKING_DIGITAL_FACTOR = 1.15
"""E-forms on non-working vs working days; (5 × 1.15 + 2 × 0.6) / 7 ≈ 1, so ``digital_per_day`` holds."""

_PHONE_CURVE = {9: 1.0, 10: 1.4, 11: 1.3, 12: 1.0, 13: 0.95, 14: 1.0, 15: 0.85, 16: 0.7,
                17: 0.35, 18: 0.3, 19: 0.25}
"""Relative call arrival rate per local hour: mid-morning peak, quieter after lunch."""
_DIGITAL_CURVE = (0.08, 0.05, 0.04, 0.04, 0.05, 0.1, 0.25, 0.5, 0.9, 1.2, 1.25, 1.2, 1.1, 1.1, 1.1,
                  1.05, 0.95, 0.8, 0.8, 1.0, 1.05, 0.9, 0.6, 0.3)
"""Relative e-form rate per local hour 0..23: office hours and an evening bump."""
_EMAIL_CURVE = {7: 0.4, 8: 0.8, 9: 1.2, 10: 1.3, 11: 1.2, 12: 1.0, 13: 1.0, 14: 1.1, 15: 1.0, 16: 0.9,
                17: 0.6, 18: 0.4, 19: 0.5, 20: 0.6, 21: 0.5, 22: 0.3}
_WALK_IN_CURVE = (1.5, 1.0, 0.9, 0.85, 0.8, 0.7)
"""Walk-in arrival rate per half hour from opening (people queue at the door); the last value repeats."""

_SURVEY = {"counter": (0.07, 8.6, 1.0), "phone": (0.09, 8.0, 1.1), "website": (0.3, 8.3, 1.2),
           "email": (0.15, 8.0, 1.2)}
"""Per channel: (share of dissatisfied answers, graded 1-5 uniformly; mean and sd of the others).
Overall means ≈ counter 8.2, phone 7.5, website 6.7, e-mail 7.2, and ≈ 92 % / 90 % / 65 %
positive: the seeds report counters 8.0-8.7 and 90-92 % positive, phone 7.3-8.2, website ~7
and 54-60 % positive (website feedback comes mostly from people who did not find something)."""

_PRODUCT_WEIGHT = {"reisdocument": 0.095, "rijbewijs": 0.2, "uittreksel": 0.15, "verhuizing": 0.12,
                   "parkeervergunning": 0.1, "gevonden-voorwerp": 0.03, "vergunning": 0.08,
                   "uitkering": 0.08, "klacht": 0.04}
"""Base product mix of counter visits and e-forms; a product not listed weighs 0.1.
A peak month's extra visits are all travel documents: Groningen 2026 (seed 002 expects
≈ 43,000 travel documents) gets 41,263 travel-document check-ins of 172,163 (seed 1,
measured), the rest of its ≈ 43,000 bookings being no-shows."""

TALK_MEDIAN_SECONDS = 200.0
WRAP_UP_SECONDS = 30
AGENT_OCCUPANCY = 0.9
SHORT_ABANDON_SHARE = 0.04
PATIENCE_MEAN_SECONDS = 150.0
SLOT_MINUTES = 10
APPOINTMENT_MEDIAN_SECONDS = 480.0
WALK_IN_MEDIAN_SECONDS = 420.0
NO_SHOW_SHARE = 0.05
CALLBACK_CANCEL_SHARE = 0.03
LETTER_LATE_SHARE = 0.1
LETTER_OWN_DUE_SHARE = 0.05

_Draft = tuple[int, int, str, dict[str, Any]]
"""(epoch seconds, sequence within the day, event type, fields) — built into an Event when emitted."""


def simulate(config: Config, municipalities: Collection[str] | None, start: datetime,
             end: datetime | None, seed: int, volume: float = 1.0) -> Iterator[Event]:
    """The events of ``municipalities`` (None: all configured) between ``start`` and ``end``.

    ``volume`` multiplies every configured daily volume (calls, visits, callbacks, letters,
    e-forms); 0.1 gives a tenth of the items with the same rhythms (tests, quick runs).

    ``end`` None runs without end (real time). Yields in ``ts`` order (ties in causal
    order), deterministic for ``seed``. Raises ``ValueError`` for naive instants or an
    unknown municipality.
    """
    if start.tzinfo is None or (end is not None and end.tzinfo is None):
        raise ValueError("start and end must be aware datetimes (with a UTC offset)")
    slugs = sorted(config.slugs if municipalities is None else municipalities)
    unknown = [s for s in slugs if s not in config.slugs]
    if unknown:
        raise ValueError(f"unknown municipalities {unknown} (configured: {sorted(config.slugs)})")
    if volume < 0:
        raise ValueError(f"volume must be at least 0, got {volume}")
    chosen = [config[s] if volume == 1.0 else _scaled(config[s], volume) for s in slugs]
    if not chosen:
        return
    start_s = math.ceil(start.timestamp())
    end_s = math.inf if end is None else end.timestamp()
    # Iterate local calendar dates; a date's drafts all lie at or after its local midnight.
    day = min(start.astimezone(m.tz).date() for m in chosen)
    # Each (day, municipality) is one run of drafts sorted by (time, sequence); a small heap
    # of run heads merges them. Runs reach past their day (callbacks, letters), so a head is
    # emitted only once it lies before the next day's midnight (the watermark).
    runs: list[list[_Draft]] = []
    heads: list[tuple[int, int, int, int, int, int]] = []  # (t, ordinal, index, seq, run, position)
    emitters = [_Emitter(m) for m in chosen]
    ordinal = 0
    watermark: float = math.inf
    while True:
        day_starts = [_midnight(m, day) for m in chosen]
        finished = min(day_starts) >= end_s
        if not finished:
            for index, municipality in enumerate(chosen):
                if day_starts[index] >= end_s:
                    continue
                drafts = _DayBuilder(municipality, day, seed, start_s, end_s).build()
                if drafts:
                    drafts.sort(key=_draft_order)
                    run = len(runs)
                    runs.append(drafts)
                    heapq.heappush(heads, (drafts[0][0], ordinal, index, drafts[0][1], run, 0))
            ordinal += 1
            day += timedelta(days=1)
            watermark = min(_midnight(m, day) for m in chosen)
        else:
            watermark = math.inf
        while heads and heads[0][0] < watermark:
            t, order, index, _, run, position = heads[0]
            drafts = runs[run]
            _, _, kind, fields = drafts[position]
            position += 1
            if position < len(drafts):
                heapq.heapreplace(heads, (drafts[position][0], order, index, drafts[position][1], run, position))
            else:
                heapq.heappop(heads)
                runs[run] = []
            yield emitters[index].build(t, kind, fields)
        if finished:
            return


def _scaled(municipality: Municipality, volume: float) -> Municipality:
    """The municipality with its simulated daily volumes multiplied by ``volume``."""
    sim = municipality.simulation
    scaled = sim.model_copy(update={name: getattr(sim, name) * volume for name in (
        "calls_per_working_day", "visits_per_working_day", "callbacks_per_working_day",
        "letters_per_working_day", "digital_per_day")})
    return municipality.model_copy(update={"simulation": scaled})


def _draft_order(draft: _Draft) -> tuple[int, int]:
    return draft[0], draft[1]


def write_jsonl(events: Iterable[Event], path: Path | str | IO[str]) -> int:
    """Write events as JSON Lines (EVENTS.md: one compact object per line); returns the count.

    ``path`` may be an open text stream (e.g. ``sys.stdout``).
    """
    if not isinstance(path, (str, Path)):
        return _write_lines(events, path)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        return _write_lines(events, handle)


def _write_lines(events: Iterable[Event], handle: IO[str]) -> int:
    count = 0
    batch: list[str] = []
    for event in events:
        batch.append(event_to_json(event))
        count += 1
        if len(batch) >= 4096:
            handle.write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        handle.write("\n".join(batch) + "\n")
    return count


class _Emitter:
    """Turns drafts into validated event models (one per municipality)."""

    def __init__(self, municipality: Municipality) -> None:
        self.slug = municipality.slug
        self.tz = municipality.tz

    def build(self, t: int, kind: str, fields: dict[str, Any]) -> Event:
        ts = datetime.fromtimestamp(t, self.tz)
        return EVENT_TYPES[kind](type=kind, ts=ts, municipality=self.slug, **fields)  # type: ignore[return-value]


def _midnight(municipality: Municipality, day: date) -> float:
    return datetime.combine(day, time(), municipality.tz).timestamp()


def _token(seed: int, slug: str) -> str:
    return hashlib.blake2b(f"{seed}:{slug}".encode(), digest_size=3).hexdigest()


def _seconds(clock: time) -> int:
    return clock.hour * 3600 + clock.minute * 60 + clock.second


def _poissonish(rng: random.Random, mean: float) -> int:
    """A count with mean ``mean`` and Poisson-like spread (normal approximation, ≥ 0)."""
    if mean <= 0:
        return 0
    if mean < 30:
        # Knuth's method: exact and cheap for small means.
        limit, k, p = math.exp(-mean), 0, rng.random()
        while p > limit:
            k += 1
            p *= rng.random()
        return k
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def _weights(names: list[str]) -> list[float]:
    """Decreasing weights 1, 1/2, 1/3 … (the first-listed item is the main one)."""
    return [1 / (i + 1) for i in range(len(names))]


def _grade(rng: random.Random, channel: str) -> int:
    unhappy, mean, sd = _SURVEY[channel]
    if rng.random() < unhappy:
        return rng.randint(1, 5)
    return min(10, max(1, round(rng.gauss(mean, sd))))


def _add_working_days(calendar: WorkingCalendar, day: date, n: int) -> date:
    for _ in range(n):
        day += timedelta(days=1)
        while not calendar.is_working_day(day):
            day += timedelta(days=1)
    return day


def _serve(arrivals: list[tuple[int, float, float]], servers: list[tuple[int, int]]) -> list[int | None]:
    """First come, first served with several servers and reneging.

    ``arrivals`` (sorted by time): (time the customer may be served, patience s,
    service s); ``servers``: (available from, until) per server shift. Returns per
    arrival the service start, or None when the customer left (waited longer than
    the patience, or no server shift remained). A server busy past its shift end
    finishes the customer in hand; the shift is gone afterwards.
    """
    heap = list(servers)
    heapq.heapify(heap)
    starts: list[int | None] = []
    for t, patience, service in arrivals:
        begin = None
        while heap:
            free, until = heap[0]
            candidate = t if t > free else free
            if candidate >= until:
                heapq.heappop(heap)
                continue
            begin = candidate
            break
        if begin is None or begin - t > patience:
            starts.append(None)
            continue
        heapq.heapreplace(heap, (begin + math.ceil(service), until))
        starts.append(begin)
    return starts


class _DayBuilder:
    """All items of one municipality that start on one local date."""

    def __init__(self, municipality: Municipality, day: date, seed: int, start_s: int, end_s: float) -> None:
        self.m = municipality
        self.sim = municipality.simulation
        self.day = day
        self.seed = seed
        self.calendar = calendar_for(municipality)
        self.working = self.calendar.is_working_day(day)
        self.hours = self.calendar.office_hours(day)
        self.start_s = start_s
        self.end_s = end_s
        self.prefix = f"{_token(seed, municipality.slug)}-{day:%y%m%d}-"
        self.drafts: list[_Draft] = []
        self._seq = 0
        midnight = datetime.combine(day, time(), municipality.tz)
        noon = datetime.combine(day, time(12), municipality.tz)
        # Wall-clock seconds after local midnight → epoch; exact from 03:00 on (DST switches at 02:00-03:00).
        self._base = int(noon.timestamp()) - 12 * 3600
        self._day_start = midnight

    # -- helpers -----------------------------------------------------------------------------

    def rng(self, channel: str) -> random.Random:
        return random.Random(f"{self.seed}:{self.m.slug}:{self.day.isoformat()}:{channel}")

    def epoch(self, wall_seconds: float) -> int:
        """Epoch seconds of a local wall-clock time on this day (seconds after midnight)."""
        if wall_seconds >= 3 * 3600:
            return self._base + int(wall_seconds)
        return int((self._day_start + timedelta(seconds=wall_seconds)).timestamp())

    def local(self, t: int) -> datetime:
        return datetime.fromtimestamp(t, self.m.tz)

    def inside(self, t: int) -> bool:
        return self.start_s <= t < self.end_s

    def emit(self, t: int, kind: str, **fields: Any) -> None:
        self._seq += 1
        self.drafts.append((t, self._seq, kind, fields))

    def times(self, rng: random.Random, n: int, windows: list[tuple[int, int]],
              rate: Callable[[int], float]) -> list[int]:
        """``n`` sorted arrival instants (epoch s) in local windows (wall seconds), by per-minute ``rate``."""
        minutes = [s for a, b in windows for s in range(a, b, 60)]
        if not minutes or n <= 0:
            return []
        cumulative = list(accumulate(rate(s) for s in minutes))
        picks = rng.choices(minutes, cum_weights=cumulative, k=n)
        return sorted(self.epoch(s + rng.random() * 60) for s in picks)

    def build(self) -> list[_Draft]:
        if self.working:
            self._phone()
            self._counter()
            self._letters()
        self._digital()
        return self.drafts

    # -- phone and callbacks -------------------------------------------------------------------

    def _phone(self) -> None:
        sim, m = self.sim, self.m
        if sim.calls_per_working_day <= 0 or not m.queues:
            return
        rng = self.rng("phone")
        opening, closing = _seconds(self.hours.open), _seconds(self.hours.close)
        rate = lambda s: _PHONE_CURVE.get(s // 3600, 0.2)  # noqa: E731
        expected = sim.calls_per_working_day * WEEKDAY_FACTOR_PHONE[self.day.weekday()]
        total_rate = sum(rate(s) for s in range(opening, closing, 60))
        shares = _weights(m.queues)
        shares = [2 * w if i == 0 else w for i, w in enumerate(shares)]  # the general queue takes most
        share_sum = sum(shares)
        answered_expected = expected * 0.9
        callback_share = min(0.5, sim.callbacks_per_working_day / answered_expected) if answered_expected else 0
        staffing = min(1.15, max(0.8, rng.gauss(1.0, 0.08)))
        talk_sigma = 0.6
        aht = TALK_MEDIAN_SECONDS * math.exp(talk_sigma ** 2 / 2) + WRAP_UP_SECONDS
        for q_index, queue in enumerate(m.queues):
            q_expected = expected * shares[q_index] / share_sum
            offered = self.times(rng, _poissonish(rng, q_expected), [(opening, closing)], rate)
            # Agents per hour from the expected load of that hour.
            servers: list[tuple[int, int]] = []
            for hour_start in range(opening, closing, 3600):
                hour_end = min(closing, hour_start + 3600)
                hour_rate = sum(rate(s) for s in range(hour_start, hour_end, 60)) / total_rate * q_expected
                load = hour_rate * aht / 3600 / AGENT_OCCUPANCY
                agents = max(1, round(load * staffing + 0.5))
                until = self.epoch(hour_end + (600 if hour_end == closing else 0))
                servers += [(self.epoch(hour_start), until)] * agents
            arrivals = []
            for t in offered:
                if rng.random() < SHORT_ABANDON_SHARE:
                    patience = rng.uniform(0.5, 4.9)
                else:
                    patience = 5 + rng.expovariate(1 / PATIENCE_MEAN_SECONDS)
                talk = min(5400.0, max(15.0, rng.lognormvariate(math.log(TALK_MEDIAN_SECONDS), talk_sigma)))
                arrivals.append((t, patience, talk + WRAP_UP_SECONDS))
            starts = _serve(arrivals, servers)
            line = m.lines[0] if len(m.lines) == 1 else None
            waiting: list[tuple[int, int]] = []
            busy: list[tuple[int, int]] = []
            for n, ((t, patience, service), begin) in enumerate(zip(arrivals, starts)):
                call_id = f"{self.prefix}k{q_index}-{n}"
                call_line = line or rng.choice(m.lines)
                base = {"call_id": call_id, "line": call_line, "queue": queue}
                gone = t + max(1, math.floor(patience))
                waiting.append((t, gone if begin is None else begin))
                if begin is not None:
                    busy.append((begin, begin + int(service)))
                if not self.inside(t):
                    continue
                self.emit(t, "call.offered", event_id=f"{call_id}.o", **base)
                if begin is None:
                    self.emit(gone, "call.abandoned", event_id=f"{call_id}.x", wait_seconds=gone - t, **base)
                    continue
                talk = int(service) - WRAP_UP_SECONDS
                self.emit(begin, "call.answered", event_id=f"{call_id}.a", wait_seconds=begin - t, **base)
                r = rng.random()
                if r < sim.resolved_share:
                    outcome = "resolved"
                elif r < sim.resolved_share + callback_share:
                    outcome = "callback_requested"
                elif rng.random() < 0.75:
                    outcome = "transferred"
                else:
                    outcome = "other"
                ended = begin + talk
                self.emit(ended, "call.ended", event_id=f"{call_id}.e", talk_seconds=talk, outcome=outcome, **base)
                if outcome == "callback_requested":
                    self._callback(rng, f"{self.prefix}t{q_index}-{n}", ended + rng.randint(5, 90))
                if rng.random() < sim.survey_share:
                    self.emit(ended + rng.randint(20, 90), "survey.answered", event_id=f"{self.prefix}s{q_index}p{n}",
                              survey_id=f"{self.prefix}s{q_index}p{n}", channel="phone",
                              score=_grade(rng, "phone"))
            self._snapshots("phone", queue, f"q{q_index}", waiting, servers, busy)

    def _callback(self, rng: random.Random, callback_id: str, t: int) -> None:
        departments = self.m.departments or ["kcc"]
        department = rng.choices(departments, weights=_weights(departments))[0]
        base = {"callback_id": callback_id, "department": department}
        self.emit(t, "callback.requested", event_id=f"{callback_id}.r", **base)
        calendar = self.calendar
        clock = calendar.clock_start(self.local(t))
        r = rng.random()
        if r < CALLBACK_CANCEL_SHARE:
            done = t + rng.randint(600, 86400)
            self.emit(done, "callback.cancelled", event_id=f"{callback_id}.c", **base)
            return
        r = rng.random()
        after = 0 if r < 0.5 else 1 if r < 0.85 else 2 if r < 0.95 else rng.randint(3, 6)
        day = _add_working_days(calendar, clock.date(), after)
        hours = calendar.office_hours(day)
        low = clock if after == 0 else datetime.combine(day, hours.open, self.m.tz)
        high = datetime.combine(day, hours.close, self.m.tz)
        low_s, high_s = int(low.timestamp()), int(high.timestamp())
        done = max(t + 60, rng.randint(low_s, max(low_s, high_s - 60)))
        self.emit(done, "callback.completed", event_id=f"{callback_id}.d", **base)

    # -- counter -----------------------------------------------------------------------------

    def _counter(self) -> None:
        sim, m = self.sim, self.m
        if sim.visits_per_working_day <= 0 or not m.locations:
            return
        rng = self.rng("counter")
        peak = sim.peak_months.get(self.day.month, 1.0)
        capacity = 1 + 0.5 * (peak - 1)  # desks follow half of the peak's extra demand
        base_expected = sim.visits_per_working_day * WEEKDAY_FACTOR_COUNTER[self.day.weekday()]
        walk_in_share = sim.walk_in_share if sim.walk_in_hours is not None else 0.0
        opening, closing = _seconds(self.hours.open), _seconds(self.hours.close)
        walk_windows = self._clip(sim.walk_in_hours, opening, closing) if walk_in_share else []
        app_windows = self._clip(sim.appointment_hours, opening, closing) if walk_in_share < 1 else []
        default_close = _seconds(m.office_hours.default.close)
        if app_windows and closing > default_close:
            app_windows.append((max(default_close, app_windows[-1][1]), closing))  # late opening: appointments
        if not app_windows and walk_in_share < 1 and sim.appointment_hours is None:
            app_windows = [(opening, closing)]
        products = m.products
        base_product = [_PRODUCT_WEIGHT.get(p, 0.1) for p in products]
        travel = products.index("reisdocument") if "reisdocument" in products else None
        product_weights = list(base_product)
        if travel is not None and peak > 1:
            product_weights[travel] += (peak - 1) * sum(base_product)
        location_shares = _weights(m.locations)
        share_sum = sum(location_shares)
        staffing = min(1.15, max(0.85, rng.gauss(1.0, 0.06)))
        for l_index, location in enumerate(m.locations):
            loc_base = base_expected * location_shares[l_index] / share_sum
            visits: list[tuple[int, int | None, str, int, float]] = []  # (check-in, appointment, type, ready, service)
            waiting: list[tuple[int, int]] = []
            busy: list[tuple[int, int]] = []
            all_servers: list[tuple[int, int]] = []
            counter = 0
            # Walk-ins: one FCFS queue for the walk-in desks.
            if walk_windows:
                expected = loc_base * walk_in_share
                span = sum(b - a for a, b in walk_windows)
                arrivals = self.times(rng, _poissonish(rng, expected * peak), walk_windows,
                                      lambda s: _WALK_IN_CURVE[min(len(_WALK_IN_CURVE) - 1,
                                                                   (s - walk_windows[0][0]) // 1800)])
                service_median = WALK_IN_MEDIAN_SECONDS
                mean_service = service_median * math.exp(0.5 ** 2 / 2)
                desks = max(1, round(expected * mean_service / span / 0.85 * capacity * staffing + 0.4))
                servers = [(self.epoch(a), self.epoch(b + 3600)) for a, b in walk_windows] * desks
                all_servers += [(self.epoch(a), self.epoch(b)) for a, b in walk_windows] * desks
                queue = [(t, math.inf, min(3600.0, rng.lognormvariate(math.log(service_median), 0.5)))
                         for t in arrivals]
                for (t, _, service), begin in zip(queue, _serve(queue, servers)):
                    visits.append((t, None, "walk_in", begin if begin is not None else t, service))
            if app_windows:
                expected = loc_base * (1 - walk_in_share)
                booked = _poissonish(rng, expected * peak)
                slots = [a + k * SLOT_MINUTES * 60 for a, b in app_windows for k in range((b - a) // (SLOT_MINUTES * 60))]
                if slots and booked:
                    desks = max(1, math.ceil(expected * capacity / len(slots) / 0.92 * staffing))
                    cells = [(s, d) for s in slots for d in range(desks)]
                    chosen = rng.sample(cells, booked) if booked <= len(cells) else \
                        cells + rng.choices(cells, k=booked - len(cells))  # overbooked in a peak
                    chosen.sort()
                    appointments = []
                    for slot, _ in chosen:
                        at = self.epoch(slot)
                        if rng.random() < NO_SHOW_SHARE:
                            appointments.append((at, None))
                            continue
                        if rng.random() < 0.1:
                            arrive = at + rng.randint(60, 900)
                        else:
                            arrive = at + min(0, max(-2400, round(rng.gauss(-420, 300))))
                        appointments.append((at, arrive))
                    queue = []
                    for at, arrive in appointments:
                        if arrive is None:
                            counter += 1
                            visit_id = f"{self.prefix}b{l_index}n{counter}"
                            if self.inside(at):
                                self.emit(at + 900, "visit.no_show", event_id=f"{visit_id}.n",
                                          visit_id=visit_id, location=location)
                            continue
                        service = min(3600.0, rng.lognormvariate(math.log(APPOINTMENT_MEDIAN_SECONDS), 0.4))
                        queue.append((max(at, arrive), math.inf, service, at, arrive))
                    queue.sort()
                    servers = [(self.epoch(a), self.epoch(b + 3600)) for a, b in app_windows] * desks
                    all_servers += [(self.epoch(a), self.epoch(b)) for a, b in app_windows] * desks
                    started = _serve([(r, p, s) for r, p, s, _, _ in queue], servers)
                    for (ready, _, service, at, arrive), begin in zip(queue, started):
                        visits.append((arrive, at, "appointment", begin if begin is not None else ready, service))
            visits.sort(key=lambda v: (v[0], v[3]))
            for check_in, at, visit_type, begin, service in visits:
                counter += 1
                visit_id = f"{self.prefix}b{l_index}v{counter}"
                if not self.inside(check_in):
                    continue
                extra: dict[str, Any] = {}
                if at is not None:
                    extra["appointment_at"] = self.local(at)
                if products:
                    extra["product"] = rng.choices(products, weights=product_weights)[0]
                base = {"visit_id": visit_id, "location": location}
                self.emit(check_in, "visit.checked_in", event_id=f"{visit_id}.i", visit_type=visit_type,
                          **base, **extra)
                self.emit(begin, "visit.called", event_id=f"{visit_id}.c", visit_type=visit_type, **base)
                done = begin + int(service)
                self.emit(done, "visit.completed", event_id=f"{visit_id}.d", visit_type=visit_type, **base)
                waiting.append((check_in, begin))
                busy.append((begin, done))
                if rng.random() < sim.survey_share:
                    survey_id = f"{self.prefix}s{l_index}b{counter}"
                    self.emit(done + rng.randint(600, 4 * 3600), "survey.answered", event_id=survey_id,
                              survey_id=survey_id, channel="counter", location=location,
                              score=_grade(rng, "counter"))
            self._snapshots("counter", location, f"l{l_index}", waiting, all_servers, busy)

    def _clip(self, hours: OpeningHours | None, opening: int, closing: int) -> list[tuple[int, int]]:
        if hours is None:
            return []
        a, b = max(opening, _seconds(hours.open)), min(closing, _seconds(hours.close))
        return [(a, b)] if a < b else []

    # -- queue snapshots -------------------------------------------------------------------------

    def _snapshots(self, channel: str, queue: str, tag: str, waiting: list[tuple[int, int]],
                   servers: list[tuple[int, int]], busy: list[tuple[int, int]]) -> None:
        """One ``queue.snapshot`` per minute of office hours, from the queue's own intervals."""
        opening, closing = _seconds(self.hours.open), _seconds(self.hours.close)
        waiting.sort()
        wait_starts = [a for a, _ in waiting]
        wait_ends = sorted(b for _, b in waiting)
        shift_starts = sorted(a for a, _ in servers)
        shift_ends = sorted(b for _, b in servers)
        busy_starts = sorted(a for a, _ in busy)
        busy_ends = sorted(b for _, b in busy)
        front = 0
        for wall in range(opening, closing, 60):
            t = self.epoch(wall)
            if not self.inside(t):
                continue
            now_waiting = bisect_right(wait_starts, t) - bisect_right(wait_ends, t)
            longest = 0
            if now_waiting:
                while front < len(waiting) and waiting[front][1] <= t:
                    front += 1
                # the earliest still-waiting start (entries behind the front may have left already)
                for a, b in waiting[front:]:
                    if a > t:
                        break
                    if b > t:
                        longest = t - a
                        break
            on_shift = bisect_right(shift_starts, t) - bisect_right(shift_ends, t)
            in_service = bisect_right(busy_starts, t) - bisect_right(busy_ends, t)
            event_id = f"{self.prefix}{tag}-{wall // 60}"
            self.emit(t, "queue.snapshot", event_id=event_id, channel=channel, queue=queue,
                      waiting=max(0, now_waiting), longest_wait_seconds=longest,
                      agents_available=max(0, on_shift - in_service))

    # -- letters -------------------------------------------------------------------------------

    def _letters(self) -> None:
        sim, m = self.sim, self.m
        if sim.letters_per_working_day <= 0:
            return
        rng = self.rng("letters")
        departments = m.departments or ["kcc"]
        dep_weights = _weights(departments)
        n = _poissonish(rng, sim.letters_per_working_day)
        n_post = sum(1 for _ in range(n) if rng.random() < 0.45)
        post = self.times(rng, n_post, [(9 * 3600, 12 * 3600)], lambda s: 1.0)
        email = self.times(rng, n - n_post, [(7 * 3600, 23 * 3600)], lambda s: _EMAIL_CURVE.get(s // 3600, 0.3))
        received = sorted([(t, "post") for t in post] + [(t, "email") for t in email])
        calendar = self.calendar
        for n_letter, (t, channel) in enumerate(received):
            if not self.inside(t):
                continue
            letter_id = f"{self.prefix}l{n_letter}"
            department = rng.choices(departments, weights=dep_weights)[0]
            base = {"letter_id": letter_id, "channel": channel, "department": department}
            arrived = self.local(t)
            extra: dict[str, Any] = {}
            if rng.random() < LETTER_OWN_DUE_SHARE:
                due = calendar.add_calendar_days(arrived, 42)
                extra["due_at"] = due
            else:
                term = m.thresholds.letter_terms.get(channel)
                if term is None:
                    due = calendar.deadline(arrived, 15 if channel == "post" else 5)
                elif term.kind == "working":
                    due = calendar.deadline(arrived, term.days)
                else:
                    due = calendar.add_calendar_days(arrived, term.days)
            self.emit(t, "letter.received", event_id=f"{letter_id}.r", **base, **extra)
            clock = calendar.clock_start(arrived)
            due_s, clock_s = int(due.timestamp()), int(clock.timestamp())
            if rng.random() < LETTER_LATE_SHARE:
                answer = due_s + rng.randint(3600, 10 * 86400)
            else:
                answer = clock_s + int((due_s - clock_s) * min(0.98, rng.betavariate(2.0, 1.6)))
            opened = int(calendar.clock_start(self.local(answer)).timestamp())
            if opened != answer:  # outside office hours: the answer goes out at the next opening
                answer = opened + rng.randint(0, 1800)
                if answer > due_s and opened <= due_s:
                    answer = due_s
            answer = max(answer, t + 600)
            self.emit(answer, "letter.answered", event_id=f"{letter_id}.a", **base)
            if channel == "email" and rng.random() < sim.survey_share:
                survey_id = f"{self.prefix}s-l{n_letter}"
                self.emit(answer + rng.randint(3600, 48 * 3600), "survey.answered", event_id=survey_id,
                          survey_id=survey_id, channel="email", score=_grade(rng, "email"))

    # -- digital -------------------------------------------------------------------------------

    def _digital(self) -> None:
        sim, m = self.sim, self.m
        if sim.digital_per_day <= 0:
            return
        rng = self.rng("digital")
        factor = WORKING_DIGITAL_FACTOR if self.working else NON_WORKING_DIGITAL_FACTOR
        products = m.products or ["eformulier"]
        weights = [_PRODUCT_WEIGHT.get(p, 0.1) for p in products]
        for n, t in enumerate(self.times(rng, _poissonish(rng, sim.digital_per_day * factor), [(0, 86400)],
                                         lambda s: _DIGITAL_CURVE[s // 3600])):
            if not self.inside(t):
                continue
            transaction_id = f"{self.prefix}d{n}"
            self.emit(t, "digital.completed", event_id=transaction_id, transaction_id=transaction_id,
                      product=rng.choices(products, weights=weights)[0])
            if rng.random() < sim.survey_share:
                survey_id = f"{self.prefix}s-d{n}"
                self.emit(t + rng.randint(5, 180), "survey.answered", event_id=survey_id, survey_id=survey_id,
                          channel="website", score=_grade(rng, "website"))

"""The simulated event stream: days of every municipality merged into one stream in event-time order.

Window: items that *start* in ``[start, end)`` are emitted with their whole life (a
callback requested on the last day is completed after ``end``), so a report over the
window sees finished items, not an artificial cliff. Queue snapshots and e-forms are
emitted only inside the window.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from monitor.config import Config, Municipality
from monitor.events import EVENT_TYPES, Event
from monitor.simulator import counter, digital, letters, phone
from monitor.simulator.day import Day, Draft

SCALED_VOLUMES = ("calls_per_working_day", "visits_per_working_day", "callbacks_per_working_day",
                  "letters_per_working_day", "digital_per_day")
"""The ``simulation:`` volumes that ``volume`` multiplies."""


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
    runs: list[list[Draft]] = []
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
                drafts = day_drafts(Day(municipality, day, seed, start_s, end_s))
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


def day_drafts(day: Day) -> list[Draft]:
    """Every channel's drafts of ``day`` (unsorted): phone, counter and post only on working
    days (no weekends, no Koningsdag, …) and within office hours; e-forms every day and evening."""
    if day.working:
        phone.build(day)
        counter.build(day)
        letters.build(day)
    digital.build(day)
    return day.drafts


def _scaled(municipality: Municipality, volume: float) -> Municipality:
    """The municipality with its simulated daily volumes multiplied by ``volume``."""
    sim = municipality.simulation
    scaled = sim.model_copy(update={name: getattr(sim, name) * volume for name in SCALED_VOLUMES})
    return municipality.model_copy(update={"simulation": scaled})


def _draft_order(draft: Draft) -> tuple[int, int]:
    return draft[0], draft[1]


def _midnight(municipality: Municipality, day: date) -> float:
    return datetime.combine(day, time(), municipality.tz).timestamp()


class _Emitter:
    """Turns drafts into validated event models (one per municipality)."""

    def __init__(self, municipality: Municipality) -> None:
        self.slug = municipality.slug
        self.tz = municipality.tz

    def build(self, t: int, kind: str, fields: dict[str, Any]) -> Event:
        ts = datetime.fromtimestamp(t, self.tz)
        return EVENT_TYPES[kind](type=kind, ts=ts, municipality=self.slug, **fields)  # type: ignore[return-value]

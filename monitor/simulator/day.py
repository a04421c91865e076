"""One simulated day of one municipality: its clock, random streams, arrival times and drafts.

A :class:`Day` holds what every channel's builder needs (the working calendar, office
hours, the window, the id prefix) and collects the drafts they emit
(:func:`monitor.simulator.stream.day_drafts` runs the channels).

Determinism: every (municipality, day, channel) draws from its own ``random.Random``
seeded with ``"{seed}:{slug}:{day}:{channel}"`` (string seeds are hashed with SHA-512,
independent of ``PYTHONHASHSEED``), so a day's events do not depend on the window
around it.
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect_right
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from monitor.calendar import calendar_for
from monitor.config import Municipality, OpeningHours

Draft = tuple[int, int, str, dict[str, Any]]
"""(epoch seconds, sequence within the day, event type, fields) — built into an Event when emitted."""

DST_SAFE_FROM_SECONDS = 3 * 3600
"""From this wall-clock time on (seconds after midnight) a day's offset is fixed: DST switches at 02:00-03:00."""


def token(seed: int, slug: str) -> str:
    """The opaque six-hex id prefix of one (seed, municipality)."""
    return hashlib.blake2b(f"{seed}:{slug}".encode(), digest_size=3).hexdigest()


def seconds(clock: time) -> int:
    """Seconds after midnight of a wall-clock time."""
    return clock.hour * 3600 + clock.minute * 60 + clock.second


class Day:
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
        self.prefix = f"{token(seed, municipality.slug)}-{day:%y%m%d}-"
        self.drafts: list[Draft] = []
        self._seq = 0
        midnight = datetime.combine(day, time(), municipality.tz)
        noon = datetime.combine(day, time(12), municipality.tz)
        # Wall-clock seconds after local midnight → epoch; exact from 03:00 on.
        self._base = int(noon.timestamp()) - 12 * 3600
        self._day_start = midnight

    # -- clock and randomness ----------------------------------------------------------------

    def rng(self, channel: str) -> random.Random:
        return random.Random(f"{self.seed}:{self.m.slug}:{self.day.isoformat()}:{channel}")

    def epoch(self, wall_seconds: float) -> int:
        """Epoch seconds of a local wall-clock time on this day (seconds after midnight)."""
        if wall_seconds >= DST_SAFE_FROM_SECONDS:
            return self._base + int(wall_seconds)
        return int((self._day_start + timedelta(seconds=wall_seconds)).timestamp())

    def local(self, t: int) -> datetime:
        return datetime.fromtimestamp(t, self.m.tz)

    def inside(self, t: int) -> bool:
        """Whether epoch second ``t`` lies in the simulated window."""
        return self.start_s <= t < self.end_s

    def office_seconds(self) -> tuple[int, int]:
        """Opening and closing time of this day, seconds after midnight."""
        return seconds(self.hours.open), seconds(self.hours.close)

    def clip(self, hours: OpeningHours | None, opening: int, closing: int) -> list[tuple[int, int]]:
        """``hours`` within [opening, closing) as wall-second windows (none if they do not overlap)."""
        if hours is None:
            return []
        a, b = max(opening, seconds(hours.open)), min(closing, seconds(hours.close))
        return [(a, b)] if a < b else []

    def times(self, rng: random.Random, n: int, windows: list[tuple[int, int]],
              rate: Callable[[int], float]) -> list[int]:
        """``n`` sorted arrival instants (epoch s) in local windows (wall seconds), by per-minute ``rate``."""
        minutes = [s for a, b in windows for s in range(a, b, 60)]
        if not minutes or n <= 0:
            return []
        cumulative = list(accumulate(rate(s) for s in minutes))
        picks = rng.choices(minutes, cum_weights=cumulative, k=n)
        return sorted(self.epoch(s + rng.random() * 60) for s in picks)

    # -- output ------------------------------------------------------------------------------

    def emit(self, t: int, kind: str, **fields: Any) -> None:
        self._seq += 1
        self.drafts.append((t, self._seq, kind, fields))

    def snapshots(self, channel: str, queue: str, tag: str, waiting: list[tuple[int, int]],
                  servers: list[tuple[int, int]], busy: list[tuple[int, int]]) -> None:
        """One ``queue.snapshot`` per minute of office hours, from the queue's own intervals.

        ``waiting``: (arrival, served or gone), ``servers``: shifts (from, until), ``busy``:
        (service start, end), all epoch seconds.
        """
        opening, closing = self.office_seconds()
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

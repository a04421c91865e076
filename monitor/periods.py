"""Report periods: a day, ISO week, month, quarter or year in a municipality's time zone.

A period is the half-open interval ``[start, end)`` of local calendar time; an
item belongs to the period that contains its originating event's ``ts``
(``2026-10-31T23:30:00Z`` is 1 November in Amsterdam).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

PeriodKind = Literal["day", "week", "month", "quarter", "year"]

_PATTERNS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    ("day", re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")),
    ("week", re.compile(r"^(\d{4})-W(\d{2})$")),
    ("month", re.compile(r"^(\d{4})-(\d{2})$")),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$")),
    ("year", re.compile(r"^(\d{4})$")),
)


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    label: str
    first_day: date
    """First local calendar day in the period."""
    end_day: date
    """First local calendar day after the period."""
    tz: ZoneInfo

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(0), self.tz)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.end_day, time(0), self.tz)

    def contains(self, ts: datetime) -> bool:
        """Whether an aware timestamp falls in the period, in the period's time zone."""
        return self.first_day <= ts.astimezone(self.tz).date() < self.end_day

    @property
    def months(self) -> tuple[int, ...]:
        """Calendar months (1..12) the period touches, in order."""
        months: list[int] = []
        day = self.first_day
        while day < self.end_day:
            if day.month not in months:
                months.append(day.month)
            day = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        return tuple(months)

    def month_periods(self) -> tuple["Period", ...]:
        """The months inside a quarter or year (the period itself for a month)."""
        result = []
        day = self.first_day.replace(day=1)
        while day < self.end_day:
            result.append(parse_period(f"{day:%Y-%m}", self.tz))
            day = (day + timedelta(days=32)).replace(day=1)
        return tuple(result)

    def previous_year(self) -> "Period":
        """The same period one year earlier (for "not below the previous year" norms)."""
        year = int(self.label[:4]) - 1
        if self.kind == "week":
            return parse_period(f"{year}{self.label[4:]}", self.tz)
        if self.kind == "day" and self.first_day.month == 2 and self.first_day.day == 29:
            return parse_period(f"{year}-02-28", self.tz)
        return parse_period(f"{year}{self.label[4:]}", self.tz)

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind, "label": self.label,
                "start": self.start.isoformat(), "end": self.end.isoformat()}


def parse_period(text: str, tz: ZoneInfo | str = "Europe/Amsterdam") -> Period:
    """Parse ``2026-04-07``, ``2026-W15``, ``2026-04``, ``2026-Q2`` or ``2026``; ValueError otherwise."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                first, end = _bounds(kind, [int(g) for g in match.groups()])
            except ValueError as exc:
                raise ValueError(f"invalid period {text!r}: {exc}") from None
            return Period(kind, text, first, end, zone)
    raise ValueError(f"invalid period {text!r}: expected a day (2026-04-07), ISO week (2026-W15), "
                     "month (2026-04), quarter (2026-Q2) or year (2026)")


def _bounds(kind: PeriodKind, parts: list[int]) -> tuple[date, date]:
    if kind == "day":
        first = date(*parts)
        return first, first + timedelta(days=1)
    if kind == "week":
        first = date.fromisocalendar(parts[0], parts[1], 1)
        return first, first + timedelta(days=7)
    if kind == "month":
        first = date(parts[0], parts[1], 1)
        return first, (first + timedelta(days=32)).replace(day=1)
    if kind == "quarter":
        first = date(parts[0], 3 * parts[1] - 2, 1)
        end_month = first.month + 3
        return first, date(first.year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    return date(parts[0], 1, 1), date(parts[0] + 1, 1, 1)

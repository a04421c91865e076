"""The working-day calendar of a municipality: closing days, office hours and deadlines.

KPIS.md "Working days": a working day is Monday–Friday (``working_weekdays`` in the configuration) that is not a closing day.
Closing days are the default Dutch days on which town halls close plus the
municipality's configured extra days (``closing_days.extra``, e.g. the Friday
after Hemelvaart); Goede Vrijdag only with ``closing_days.good_friday_closed``.

Deadlines ("within N working days", callbacks and letters) are computed in the
municipality's local time (``zoneinfo``): every result is built with
``datetime.combine(local_date, local_time, tz)`` and never by adding a
``timedelta`` across a DST switch, so "Friday 16:00 → Monday 16:00" stays 16:00
on the wall clock whether the weekend in between switched the clocks or not.

Where the default closing days come from (checked against ``holidays`` 0.109 on
real years; ``tests/monitor/test_calendar.py`` pins each point):

- Nieuwjaarsdag, Tweede Paasdag, Hemelvaartsdag, Tweede Pinksterdag, Eerste and
  Tweede Kerstdag: taken from ``holidays.Netherlands`` (Easter arithmetic and
  fixed dates), unchanged.
- Goede Vrijdag: the library lists it as a public holiday every year; for us it
  is a working day unless the municipality configures it closed.
- Eerste Paasdag and Eerste Pinksterdag: the library lists them; they are always
  Sundays and KPIS.md does not name them, so they are left out (no effect on
  working days).
- Koningsdag: computed here by the KPIS rule (27 April, 26 April when the 27th is
  a Sunday) for 2014 and later; this agrees with the library for those years,
  including a Koningsdag on a Saturday (2024, 2025) that is *not* moved to a
  weekday — there is simply no weekday closing that week. Before 2014 the day
  was Koninginnedag (30 April, with its own Sunday rule); for those years the
  library's date is used.
- Bevrijdingsdag: computed here by the KPIS rule, 5 May in every year divisible
  by 5. The library agrees for every year it covers (1966–2100; outside that
  range it returns nothing and ``closing_days`` raises ``LookupError`` rather
  than declare Christmas a working day). The library writes days
  that coincide as one name, "Ascension Day; Liberation Day" on 5 May 2005;
  we split those, and a date with two closing reasons gets both Dutch names
  joined by " / " ("Hemelvaartsdag / Bevrijdingsdag").

Deadlines per instant (:meth:`WorkingCalendar.deadline_us`, :meth:`WorkingCalendar.calendar_days_us`):
the indicators re-evaluate an open callback or letter on each of its events and on every timer
tick, always for the same request instant, so the calendar remembers the last
:data:`DEADLINES_KEPT` results (emptied when full), in integer µs like the records.

Exceptions: naive datetimes raise ``ValueError`` (an instant without a zone has
no local working day).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays

from monitor.config import WEEKDAYS, Municipality, OpeningHours
from monitor.instants import from_us, to_us

DEADLINES_KEPT = 8192
"""Deadlines a calendar remembers at most (≈ 1 MB): more than a large municipality's open callbacks and
letters; when full it starts again empty, and a deadline not remembered is simply computed."""

EXTRA_CLOSING_DAY = "Gemeentelijke sluitingsdag"
"""Name of a configured extra closing day that is not also a default closing day."""

_FROM_LIBRARY = {
    # holidays.Netherlands name (language en_US, stable across translations) → our Dutch name
    "New Year's Day": "Nieuwjaarsdag",
    "Easter Monday": "Tweede Paasdag",
    "Ascension Day": "Hemelvaartsdag",
    "Pentecost Monday": "Tweede Pinksterdag",
    "Christmas Day": "Eerste Kerstdag",
    "Second Day of Christmas": "Tweede Kerstdag",
}
_GOOD_FRIDAY = ("Good Friday", "Goede Vrijdag")
_QUEENS_DAY = "Queen's Day"


class WorkingCalendar:
    """Working days, office hours and working-day deadlines of one municipality.

    Instances are immutable after construction apart from internal caches (closing
    days per year, remembered deadlines); build them with :func:`calendar_for`.
    """

    def __init__(self, municipality: Municipality) -> None:
        self.municipality = municipality
        self.tz: ZoneInfo = municipality.tz
        self._extra = frozenset(municipality.closing_days.extra)
        self._good_friday = municipality.closing_days.good_friday_closed
        self._weekdays = frozenset(WEEKDAYS.index(day) for day in municipality.working_weekdays)
        self._years: dict[int, dict[date, str]] = {}
        self._deadlines: dict[tuple[int, int, bool], int] = {}

    # -- days -------------------------------------------------------------------------------

    def closing_days(self, year: int) -> dict[date, str]:
        """Every closing day of ``year`` (default Dutch days + configured extra), date → Dutch name.

        Includes days that fall on a weekend (e.g. Koningsdag on Saturday 26 April 2025),
        sorted by date. Returns a fresh dict; the caller may modify it.
        """
        return dict(self._closing(year))

    def is_working_day(self, day: date) -> bool:
        """A configured working weekday (default Monday–Friday) and not a closing day (a local calendar date)."""
        return day.weekday() in self._weekdays and day not in self._closing(day.year)

    def office_hours(self, day: date) -> OpeningHours:
        """Opening hours configured for the weekday of ``day`` (local clock times).

        Says nothing about whether the day is a working day; combine with
        :meth:`is_working_day`.
        """
        return self.municipality.office_hours.on(day.weekday())

    def is_open(self, t: datetime) -> bool:
        """Whether the office is open at instant ``t``: a working day and ``open <= local time < close``."""
        local = self._local(t)
        day = local.date()
        if not self.is_working_day(day):
            return False
        hours = self.office_hours(day)
        return hours.open <= local.time() < hours.close

    # -- instants ---------------------------------------------------------------------------

    def clock_start(self, t: datetime) -> datetime:
        """When a working-day clock started at ``t`` starts running (aware, municipality zone).

        During office hours on a working day: ``t`` itself (in local time). Before
        opening on a working day: that day's opening. Otherwise (after closing, at
        exactly closing time, or on a non-working day): the next working day's
        opening, with that weekday's own hours.
        """
        local = self._local(t)
        day = local.date()
        if self.is_working_day(day):
            hours = self.office_hours(day)
            if local.time() < hours.open:
                return self._at(day, hours.open)
            if local.time() < hours.close:
                return local
        day = self._next_working_day(day)
        return self._at(day, self.office_hours(day).open)

    def deadline(self, t: datetime, working_days: int) -> datetime:
        """Deadline of "within ``working_days`` working days" for something started at ``t``.

        The same local clock time as :meth:`clock_start` on the N-th working day after
        the day the clock started (aware, municipality zone). The clock time is kept
        even when it lies outside that day's office hours: a request at 19:00 on an
        Amersfoort Thursday (open until 20:00) is due Friday 19:00 although Friday
        closes at 17:00 — KPIS.md says "the same clock time". Whether an item
        completed exactly at the deadline is in time is the caller's rule (KPIS: it is).
        ``working_days`` = 0 gives the clock start; negative raises ``ValueError``.
        """
        if working_days < 0:
            raise ValueError(f"working_days must be >= 0, got {working_days}")
        start = self.clock_start(t)
        day = start.date()
        for _ in range(working_days):
            day = self._next_working_day(day)
        return self._at(day, start.time())

    def deadline_us(self, t_us: int, working_days: int) -> int:
        """:meth:`deadline` of the instant ``t_us``, both in µs since the epoch; remembered per instant."""
        return self._remembered(t_us, working_days, True)

    def calendar_days_us(self, t_us: int, days: int) -> int:
        """:meth:`add_calendar_days` of the instant ``t_us``, both in µs since the epoch; remembered per instant."""
        return self._remembered(t_us, days, False)

    def _remembered(self, t_us: int, days: int, working: bool) -> int:
        key = (t_us, days, working)
        due = self._deadlines.get(key)
        if due is None:
            t = from_us(t_us, self.tz)
            due = to_us(self.deadline(t, days) if working else self.add_calendar_days(t, days))
            if len(self._deadlines) >= DEADLINES_KEPT:
                self._deadlines.clear()
            self._deadlines[key] = due
        return due

    def add_calendar_days(self, t: datetime, days: int) -> datetime:
        """The same local clock time ``days`` calendar days after ``t`` (aware, municipality zone).

        DST-safe: 16:00 the Friday before a clock change plus 3 days is 16:00 on
        Monday, 71 or 73 hours later. A wall time that does not exist on the target
        day (02:00–03:00 on the spring-forward Sunday) resolves with the offset
        before the switch, i.e. one hour later on the wall clock; an ambiguous one
        (02:00–03:00 on the autumn Sunday) is its first occurrence, summer time.
        """
        local = self._local(t)
        return self._at(local.date() + timedelta(days=days), local.time())

    # -- helpers ----------------------------------------------------------------------------

    def _local(self, t: datetime) -> datetime:
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError(f"naive datetime {t.isoformat()}: give an aware instant")
        return t.astimezone(self.tz)

    def _at(self, day: date, clock: time) -> datetime:
        # Round-trip through UTC so a non-existent wall time comes back normalised.
        return datetime.combine(day, clock, self.tz).astimezone(timezone.utc).astimezone(self.tz)

    def _next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def _closing(self, year: int) -> dict[date, str]:
        days = self._years.get(year)
        if days is None:
            days = self._years[year] = self._build(year)
        return days

    def _build(self, year: int) -> dict[date, str]:
        library = holidays.Netherlands(years=year, language="en_US")
        days: dict[date, list[str]] = {}

        def close(day: date, name: str) -> None:
            days.setdefault(day, []).append(name)

        for day, names in library.items():
            # Coinciding holidays share one entry: 5 May 2005 is "Ascension Day; Liberation Day".
            for name in names.split("; "):
                if name in _FROM_LIBRARY:
                    close(day, _FROM_LIBRARY[name])
                elif name == _GOOD_FRIDAY[0] and self._good_friday:
                    close(day, _GOOD_FRIDAY[1])
                elif name == _QUEENS_DAY and year < 2014:
                    close(day, "Koninginnedag")
        found = {name for names in days.values() for name in names}
        expected = set(_FROM_LIBRARY.values()) | ({_GOOD_FRIDAY[1]} if self._good_friday else set())
        if expected - found:  # a renamed holiday in a new library version must not silently open the town hall
            raise LookupError(f"holidays.Netherlands({year}) lacks {sorted(expected - found)}; "
                              "update monitor/calendar.py")
        if year >= 2014:
            kings = date(year, 4, 27)
            close(kings if kings.weekday() != 6 else date(year, 4, 26), "Koningsdag")
        if year % 5 == 0:
            close(date(year, 5, 5), "Bevrijdingsdag")
        for day in self._extra:
            if day.year == year and day not in days:
                close(day, EXTRA_CLOSING_DAY)
        return {day: " / ".join(days[day]) for day in sorted(days)}


_CALENDARS: dict[str, WorkingCalendar] = {}


def calendar_for(municipality: Municipality) -> WorkingCalendar:
    """The municipality's calendar, cached per slug.

    A cached calendar is reused only for the same (or an equal) configuration, so
    two test configurations sharing a slug never see each other's closing days.
    """
    cached = _CALENDARS.get(municipality.slug)
    if cached is not None and (cached.municipality is municipality or cached.municipality == municipality):
        return cached
    cal = _CALENDARS[municipality.slug] = WorkingCalendar(municipality)
    return cal

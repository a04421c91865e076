"""Working days, closing days and working-day deadlines (KPIS.md "Working days"), hand-computed."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from zoneinfo import ZoneInfo

from monitor.calendar import EXTRA_CLOSING_DAY, WorkingCalendar, calendar_for
from monitor.config import Municipality, load_config

AMS = ZoneInfo("Europe/Amsterdam")
UTC = timezone.utc


def _municipality(**overrides: object) -> Municipality:
    data: dict[str, object] = {"slug": "testgem", "name": "Testgemeente", "lines": ["14000"], "queues": ["algemeen"]}
    data.update(overrides)
    return Municipality.model_validate(data)


def _cal(**overrides: object) -> WorkingCalendar:
    return WorkingCalendar(_municipality(**overrides))


def _at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=AMS)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return _cal()


@pytest.fixture(scope="module")
def amersfoort() -> WorkingCalendar:
    return calendar_for(load_config()["amersfoort"])


# -- the KPIS.md examples (office hours 09:00–17:00) -------------------------------------------

def test_request_on_tuesday_10_is_due_wednesday_10_for_one_working_day(cal: WorkingCalendar) -> None:
    assert cal.deadline(_at(2026, 3, 10, 10), 1) == _at(2026, 3, 11, 10)


def test_request_on_tuesday_10_is_due_thursday_10_for_two_working_days(cal: WorkingCalendar) -> None:
    assert cal.deadline(_at(2026, 3, 10, 10), 2) == _at(2026, 3, 12, 10)


def test_callback_on_friday_before_koningsdag_is_due_tuesday(cal: WorkingCalendar) -> None:
    # Friday 24 April 2026 15:00; Monday 27 April 2026 is Koningsdag.
    assert cal.deadline(_at(2026, 4, 24, 15), 1) == _at(2026, 4, 28, 15)


def test_request_on_saturday_starts_monday_opening_and_is_due_tuesday_opening(cal: WorkingCalendar) -> None:
    assert cal.clock_start(_at(2026, 3, 14, 11, 20)) == _at(2026, 3, 16, 9)
    assert cal.deadline(_at(2026, 3, 14, 11, 20), 1) == _at(2026, 3, 17, 9)


def test_request_on_monday_evening_starts_tuesday_opening_and_is_due_wednesday_opening(cal: WorkingCalendar) -> None:
    assert cal.clock_start(_at(2026, 3, 16, 18, 30)) == _at(2026, 3, 17, 9)
    assert cal.deadline(_at(2026, 3, 16, 18, 30), 1) == _at(2026, 3, 18, 9)


def test_request_after_midnight_starts_same_day_opening(cal: WorkingCalendar) -> None:
    assert cal.clock_start(_at(2026, 3, 18, 0, 30)) == _at(2026, 3, 18, 9)
    assert cal.deadline(_at(2026, 3, 18, 0, 30), 1) == _at(2026, 3, 19, 9)


# -- office hours boundaries ---------------------------------------------------------------------

def test_request_at_exactly_opening_time_starts_then(cal: WorkingCalendar) -> None:
    assert cal.clock_start(_at(2026, 3, 10, 9)) == _at(2026, 3, 10, 9)
    assert cal.deadline(_at(2026, 3, 10, 9), 1) == _at(2026, 3, 11, 9)


def test_request_at_exactly_closing_time_starts_next_working_day(cal: WorkingCalendar) -> None:
    assert cal.clock_start(_at(2026, 3, 10, 17)) == _at(2026, 3, 11, 9)
    assert cal.deadline(_at(2026, 3, 10, 17), 1) == _at(2026, 3, 12, 9)


def test_request_just_before_closing_keeps_its_clock_time(cal: WorkingCalendar) -> None:
    assert cal.deadline(_at(2026, 3, 10, 16, 59, 59), 1) == _at(2026, 3, 11, 16, 59, 59)


def test_deadline_keeps_seconds_and_microseconds_so_the_caller_can_compare_exactly(cal: WorkingCalendar) -> None:
    started = datetime(2026, 3, 10, 10, 15, 7, 123456, tzinfo=AMS)
    due = cal.deadline(started, 1)
    assert due == datetime(2026, 3, 11, 10, 15, 7, 123456, tzinfo=AMS)
    # "Completed exactly at the deadline counts as in time" is the caller's comparison (<=).
    assert due <= datetime(2026, 3, 11, 10, 15, 7, 123456, tzinfo=AMS)


def test_request_on_friday_evening_is_due_tuesday_opening(cal: WorkingCalendar) -> None:
    assert cal.deadline(_at(2026, 3, 13, 17, 30), 1) == _at(2026, 3, 17, 9)


def test_custom_default_office_hours_move_the_clock_start() -> None:
    cal = _cal(office_hours={"default": {"open": "08:30", "close": "16:00"}})
    assert cal.clock_start(_at(2026, 3, 10, 8, 0)) == _at(2026, 3, 10, 8, 30)
    assert cal.deadline(_at(2026, 3, 10, 16, 30), 1) == _at(2026, 3, 12, 8, 30)


def test_zero_working_days_is_the_clock_start(cal: WorkingCalendar) -> None:
    assert cal.deadline(_at(2026, 3, 14, 12), 0) == _at(2026, 3, 16, 9)


def test_negative_working_days_are_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        cal.deadline(_at(2026, 3, 10, 10), -1)


def test_naive_datetimes_are_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        cal.deadline(datetime(2026, 3, 10, 10), 1)
    with pytest.raises(ValueError):
        cal.clock_start(datetime(2026, 3, 10, 10))
    with pytest.raises(ValueError):
        cal.add_calendar_days(datetime(2026, 3, 10, 10), 1)


def test_is_open_only_during_office_hours_on_working_days(cal: WorkingCalendar) -> None:
    assert cal.is_open(_at(2026, 3, 10, 9))
    assert cal.is_open(_at(2026, 3, 10, 16, 59))
    assert not cal.is_open(_at(2026, 3, 10, 17))
    assert not cal.is_open(_at(2026, 3, 10, 8, 59))
    assert not cal.is_open(_at(2026, 3, 14, 12))  # Saturday
    assert not cal.is_open(_at(2026, 4, 27, 12))  # Koningsdag


# -- per-weekday office hours (Amersfoort: Thursday until 20:00) ---------------------------------

def test_amersfoort_thursday_closes_at_20(amersfoort: WorkingCalendar) -> None:
    assert amersfoort.office_hours(date(2026, 3, 12)).close == time(20)
    assert amersfoort.office_hours(date(2026, 3, 13)).close == time(17)


def test_amersfoort_thursday_evening_request_starts_at_once_and_keeps_its_clock_time(
        amersfoort: WorkingCalendar) -> None:
    # Friday closes at 17:00, but the deadline is the same clock time (KPIS.md): Friday 19:00.
    assert amersfoort.clock_start(_at(2026, 3, 12, 19)) == _at(2026, 3, 12, 19)
    assert amersfoort.deadline(_at(2026, 3, 12, 19), 1) == _at(2026, 3, 13, 19)


def test_amersfoort_thursday_after_20_starts_friday_opening(amersfoort: WorkingCalendar) -> None:
    assert amersfoort.deadline(_at(2026, 3, 12, 20, 15), 1) == _at(2026, 3, 16, 9)


def test_amersfoort_wednesday_evening_starts_thursday_opening(amersfoort: WorkingCalendar) -> None:
    assert amersfoort.deadline(_at(2026, 3, 11, 18), 1) == _at(2026, 3, 13, 9)


def test_groningen_thursday_evening_is_outside_office_hours() -> None:
    groningen = calendar_for(load_config()["groningen"])
    assert groningen.deadline(_at(2026, 3, 12, 19), 1) == _at(2026, 3, 16, 9)


def test_late_opening_on_one_weekday_sets_that_days_clock_start() -> None:
    cal = _cal(office_hours={"weekdays": {"mon": {"open": "13:00", "close": "17:00"}}})
    assert cal.clock_start(_at(2026, 3, 14, 10)) == _at(2026, 3, 16, 13)
    assert cal.deadline(_at(2026, 3, 16, 10), 1) == _at(2026, 3, 17, 13)


# -- Koningsdag ----------------------------------------------------------------------------------

def test_koningsdag_on_a_monday_is_closed() -> None:
    cal = _cal()
    assert date(2026, 4, 27).weekday() == 0
    assert cal.closing_days(2026)[date(2026, 4, 27)] == "Koningsdag"
    assert not cal.is_working_day(date(2026, 4, 27))


def test_koningsdag_on_a_saturday_is_not_moved_to_a_weekday(cal: WorkingCalendar) -> None:
    # 27 April 2024 was a Saturday: Friday 26 April 2024 is a working day.
    assert cal.closing_days(2024)[date(2024, 4, 27)] == "Koningsdag"
    assert cal.is_working_day(date(2024, 4, 26))
    assert cal.deadline(_at(2024, 4, 26, 15), 1) == _at(2024, 4, 29, 15)


def test_koningsdag_moves_to_saturday_when_the_27th_is_a_sunday(cal: WorkingCalendar) -> None:
    # 27 April 2025 was a Sunday → Koningsdag Saturday 26 April; Friday 25 and Monday 28 are working days.
    days = cal.closing_days(2025)
    assert days[date(2025, 4, 26)] == "Koningsdag"
    assert date(2025, 4, 27) not in days
    assert cal.deadline(_at(2025, 4, 25, 10), 1) == _at(2025, 4, 28, 10)


def test_koninginnedag_before_2014_comes_from_the_holidays_library(cal: WorkingCalendar) -> None:
    days = cal.closing_days(2010)
    assert days[date(2010, 4, 30)] == "Koninginnedag"
    assert date(2010, 4, 27) not in days


# -- Easter, Hemelvaart, Pinksteren -------------------------------------------------------------

def test_easter_monday_is_closed_and_skipped(cal: WorkingCalendar) -> None:
    assert cal.closing_days(2026)[date(2026, 4, 6)] == "Tweede Paasdag"
    # Friday 3 April (Goede Vrijdag, open by default) 10:00 → Tuesday 7 April 10:00.
    assert cal.deadline(_at(2026, 4, 3, 10), 1) == _at(2026, 4, 7, 10)


def test_goede_vrijdag_is_a_working_day_by_default(cal: WorkingCalendar) -> None:
    assert date(2026, 4, 3) not in cal.closing_days(2026)
    assert cal.is_working_day(date(2026, 4, 3))
    assert cal.deadline(_at(2026, 4, 2, 10), 1) == _at(2026, 4, 3, 10)
    assert cal.deadline(_at(2026, 4, 2, 10), 2) == _at(2026, 4, 7, 10)


def test_goede_vrijdag_is_closed_when_configured() -> None:
    cal = _cal(closing_days={"good_friday_closed": True})
    assert cal.closing_days(2026)[date(2026, 4, 3)] == "Goede Vrijdag"
    assert cal.deadline(_at(2026, 4, 2, 10), 1) == _at(2026, 4, 7, 10)
    assert cal.closing_days(2025)[date(2025, 4, 18)] == "Goede Vrijdag"


def test_sunday_holidays_are_not_listed(cal: WorkingCalendar) -> None:
    # The library has Eerste Paasdag / Eerste Pinksterdag; KPIS.md does not name them (always Sundays).
    names = set(cal.closing_days(2026).values())
    assert names == {"Nieuwjaarsdag", "Tweede Paasdag", "Koningsdag", "Hemelvaartsdag",
                     "Tweede Pinksterdag", "Eerste Kerstdag", "Tweede Kerstdag"}


def test_hemelvaart_without_bridge_day_leaves_friday_open(cal: WorkingCalendar) -> None:
    assert cal.closing_days(2026)[date(2026, 5, 14)] == "Hemelvaartsdag"
    assert cal.deadline(_at(2026, 5, 13, 11), 1) == _at(2026, 5, 15, 11)


def test_hemelvaart_with_configured_bridge_day_is_due_monday() -> None:
    cal = _cal(closing_days={"extra": ["2026-05-15"]})
    assert cal.closing_days(2026)[date(2026, 5, 15)] == EXTRA_CLOSING_DAY
    assert cal.deadline(_at(2026, 5, 13, 11), 1) == _at(2026, 5, 18, 11)
    assert cal.deadline(_at(2026, 5, 13, 11), 2) == _at(2026, 5, 19, 11)


def test_extra_closing_day_on_a_holiday_keeps_the_holiday_name() -> None:
    cal = _cal(closing_days={"extra": ["2026-05-14", "2027-05-07"]})
    assert cal.closing_days(2026)[date(2026, 5, 14)] == "Hemelvaartsdag"
    assert date(2027, 5, 7) not in cal.closing_days(2026)
    assert cal.closing_days(2027)[date(2027, 5, 7)] == EXTRA_CLOSING_DAY


def test_whit_monday_is_closed(cal: WorkingCalendar) -> None:
    assert cal.closing_days(2026)[date(2026, 5, 25)] == "Tweede Pinksterdag"
    assert cal.deadline(_at(2026, 5, 22, 14), 1) == _at(2026, 5, 26, 14)


# -- Bevrijdingsdag ------------------------------------------------------------------------------

def test_bevrijdingsdag_is_closed_in_lustrum_year_2025(cal: WorkingCalendar) -> None:
    assert cal.closing_days(2025)[date(2025, 5, 5)] == "Bevrijdingsdag"
    # Friday 2 May 2025 14:00 → Monday 5 May closed → Tuesday 6 May 14:00.
    assert cal.deadline(_at(2025, 5, 2, 14), 1) == _at(2025, 5, 6, 14)


def test_bevrijdingsdag_is_a_working_day_in_2026(cal: WorkingCalendar) -> None:
    assert date(2026, 5, 5) not in cal.closing_days(2026)
    assert cal.deadline(_at(2026, 5, 4, 14), 1) == _at(2026, 5, 5, 14)


def test_bevrijdingsdag_on_hemelvaart_2005_keeps_both_names(cal: WorkingCalendar) -> None:
    # The library names the day "Ascension Day; Liberation Day"; both are split out and kept.
    days = cal.closing_days(2005)
    assert days[date(2005, 5, 5)] == "Hemelvaartsdag / Bevrijdingsdag"
    assert cal.deadline(_at(2005, 5, 4, 10), 1) == _at(2005, 5, 6, 10)


def test_a_year_the_holidays_library_does_not_cover_is_refused_not_treated_as_all_working_days(
        cal: WorkingCalendar) -> None:
    with pytest.raises(LookupError):
        cal.closing_days(1960)
    with pytest.raises(LookupError):
        cal.is_working_day(date(1960, 12, 26))


# -- Christmas and New Year ----------------------------------------------------------------------

def test_christmas_eve_request_is_due_after_both_christmas_days(cal: WorkingCalendar) -> None:
    # Wednesday 24 Dec 2025; Thursday 25 and Friday 26 closed.
    assert cal.deadline(_at(2025, 12, 24, 15), 1) == _at(2025, 12, 29, 15)
    assert cal.deadline(_at(2025, 12, 24, 15), 2) == _at(2025, 12, 30, 15)


def test_deadline_crosses_new_year_skipping_nieuwjaarsdag(cal: WorkingCalendar) -> None:
    assert cal.closing_days(2026)[date(2026, 1, 1)] == "Nieuwjaarsdag"
    assert cal.deadline(_at(2025, 12, 31, 10), 1) == _at(2026, 1, 2, 10)
    assert cal.deadline(_at(2025, 12, 30, 16), 2) == _at(2026, 1, 2, 16)
    # 24 Dec + 5 wd: 29, 30, 31 Dec, 2 Jan, 5 Jan.
    assert cal.deadline(_at(2025, 12, 24, 10), 5) == _at(2026, 1, 5, 10)


def test_christmas_on_friday_2026_is_due_monday(cal: WorkingCalendar) -> None:
    assert cal.deadline(_at(2026, 12, 24, 12), 1) == _at(2026, 12, 28, 12)
    assert cal.is_working_day(date(2026, 12, 24))


def test_new_years_eve_evening_request_starts_on_january_2(cal: WorkingCalendar) -> None:
    assert cal.clock_start(_at(2026, 12, 31, 18)) == _at(2027, 1, 4, 9)  # 1 Jan Friday, then weekend


# -- DST and local dates -------------------------------------------------------------------------

def test_friday_before_spring_dst_switch_is_due_monday_same_wall_time(cal: WorkingCalendar) -> None:
    due = cal.deadline(_at(2026, 3, 27, 16), 1)
    assert due == _at(2026, 3, 30, 16)
    assert due.utcoffset() == timedelta(hours=2)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 14, tzinfo=UTC)
    assert due.astimezone(UTC) - _at(2026, 3, 27, 16).astimezone(UTC) == timedelta(hours=71)


def test_friday_before_autumn_dst_switch_is_due_monday_same_wall_time(cal: WorkingCalendar) -> None:
    due = cal.deadline(_at(2026, 10, 23, 16), 1)
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 15, tzinfo=UTC)
    assert due.utcoffset() == timedelta(hours=1)
    assert (due.hour, due.minute) == (16, 0)


def test_utc_input_gives_a_deadline_in_the_municipality_zone(cal: WorkingCalendar) -> None:
    due = cal.deadline(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), 1)  # 10:00 local
    assert due.tzinfo is AMS or due.tzinfo == AMS
    assert due == _at(2026, 3, 11, 10)
    assert (due.hour, due.utcoffset()) == (10, timedelta(hours=1))


def test_item_at_2330_utc_on_last_day_of_month_belongs_to_the_next_local_day(cal: WorkingCalendar) -> None:
    # 30 April 2026 23:30Z = Friday 1 May 01:30 local → starts 09:00 that Friday → Monday 4 May 09:00.
    assert cal.clock_start(datetime(2026, 4, 30, 23, 30, tzinfo=UTC)) == _at(2026, 5, 1, 9)
    assert cal.deadline(datetime(2026, 4, 30, 23, 30, tzinfo=UTC), 1) == _at(2026, 5, 4, 9)
    # 31 October 2026 23:30Z = Sunday 1 November 00:30 (winter time) → Monday 09:00 → Tuesday 09:00.
    assert cal.deadline(datetime(2026, 10, 31, 23, 30, tzinfo=UTC), 1) == _at(2026, 11, 3, 9)


def test_add_calendar_days_keeps_wall_time_over_dst(cal: WorkingCalendar) -> None:
    later = cal.add_calendar_days(_at(2026, 3, 27, 16), 3)
    assert later == _at(2026, 3, 30, 16)
    assert later.utcoffset() == timedelta(hours=2)
    autumn = cal.add_calendar_days(datetime(2026, 10, 24, 14, tzinfo=UTC), 1)  # Sat 16:00 CEST
    assert autumn.astimezone(UTC) == datetime(2026, 10, 25, 15, tzinfo=UTC)  # Sun 16:00 CET


def test_add_calendar_days_counts_weekends_and_holidays(cal: WorkingCalendar) -> None:
    assert cal.add_calendar_days(_at(2026, 4, 24, 15), 5) == _at(2026, 4, 29, 15)
    assert cal.add_calendar_days(_at(2026, 12, 31, 20), 1) == _at(2027, 1, 1, 20)


def test_add_calendar_days_uses_the_local_date_of_a_utc_instant(cal: WorkingCalendar) -> None:
    assert cal.add_calendar_days(datetime(2026, 1, 31, 23, 30, tzinfo=UTC), 1) == _at(2026, 2, 2, 0, 30)


def test_add_calendar_days_onto_the_missing_spring_hour_resolves_one_hour_later(cal: WorkingCalendar) -> None:
    # 02:30 does not exist on Sunday 29 March 2026; the result is the instant 01:30Z = 03:30 CEST.
    result = cal.add_calendar_days(_at(2026, 3, 28, 2, 30), 1)
    assert result.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert (result.hour, result.minute) == (3, 30)


def test_add_calendar_days_onto_the_repeated_autumn_hour_is_its_first_occurrence(cal: WorkingCalendar) -> None:
    result = cal.add_calendar_days(_at(2026, 10, 24, 2, 30), 1)
    assert result.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert result.utcoffset() == timedelta(hours=2)


# -- the library and the cache -------------------------------------------------------------------

@pytest.mark.parametrize("year", range(2015, 2041))
def test_every_year_has_the_seven_weekday_relevant_default_closing_days(cal: WorkingCalendar, year: int) -> None:
    names = list(cal.closing_days(year).values())
    for name in ("Nieuwjaarsdag", "Tweede Paasdag", "Koningsdag", "Hemelvaartsdag",
                 "Tweede Pinksterdag", "Eerste Kerstdag", "Tweede Kerstdag"):
        assert names.count(name) == 1
    assert ("Bevrijdingsdag" in names) == (year % 5 == 0)
    assert "Goede Vrijdag" not in names


def test_closing_days_are_a_fresh_sorted_dict(cal: WorkingCalendar) -> None:
    days = cal.closing_days(2026)
    assert list(days) == sorted(days)
    days.clear()
    assert cal.closing_days(2026)


def test_calendar_for_is_cached_per_municipality(cal: WorkingCalendar) -> None:
    config = load_config()
    assert calendar_for(config["hengelo"]) is calendar_for(config["hengelo"])
    assert calendar_for(config["hengelo"]) is calendar_for(load_config()["hengelo"])


def test_calendar_for_a_changed_configuration_under_the_same_slug_is_rebuilt() -> None:
    open_friday = calendar_for(_municipality())
    closed_friday = calendar_for(_municipality(closing_days={"good_friday_closed": True}))
    assert open_friday.is_working_day(date(2026, 4, 3))
    assert not closed_friday.is_working_day(date(2026, 4, 3))


def test_saturday_is_a_working_day_only_when_configured() -> None:
    saturday = date(2026, 12, 5)
    assert not _cal().is_working_day(saturday)
    assert _cal(working_weekdays=["mon", "tue", "wed", "thu", "fri", "sat"]).is_working_day(saturday)


def test_a_configured_working_saturday_still_closes_on_a_closing_day() -> None:
    every_day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert not _cal(working_weekdays=every_day).is_working_day(date(2026, 12, 26))  # Tweede Kerstdag, a Saturday


# -- remembered deadlines (µs, per instant) -------------------------------------------------------

_us = lambda t: (t - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)  # noqa: E731


@pytest.mark.parametrize("start", [
    _at(2026, 4, 24, 15),  # Friday before Koningsdag (Monday 27 April 2026)
    _at(2026, 4, 26, 12),  # the Sunday before it
    _at(2026, 3, 27, 16),  # Friday before the spring DST switch
    _at(2026, 10, 23, 16),  # Friday before the autumn DST switch
    _at(2026, 10, 25, 2, 30),  # inside the repeated hour of the autumn switch
    datetime(2026, 4, 30, 23, 30, tzinfo=UTC),  # the next local day
    _at(2026, 12, 31, 18),  # New Year's Eve evening
])
def test_remembered_deadline_is_the_computed_one_on_koningsdag_dst_and_year_end(start: datetime) -> None:
    cal = _cal()
    for _ in range(2):  # computed, then remembered
        for days in (0, 1, 2, 5):
            assert cal.deadline_us(_us(start), days) == _us(cal.deadline(start, days))
            assert cal.calendar_days_us(_us(start), days) == _us(cal.add_calendar_days(start, days))


def test_a_changed_configuration_does_not_reuse_the_remembered_deadlines() -> None:
    start = _at(2026, 5, 13, 10)  # Wednesday before Hemelvaartsdag (Thursday 14 May)
    before = calendar_for(_municipality()).deadline_us(_us(start), 1)
    changed = calendar_for(_municipality(closing_days={"extra": ["2026-05-15"]}))  # same slug
    assert before == _us(_at(2026, 5, 15, 10))
    assert changed.deadline_us(_us(start), 1) == _us(_at(2026, 5, 18, 10))


def test_remembered_deadlines_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import monitor.calendar

    monkeypatch.setattr(monitor.calendar, "DEADLINES_KEPT", 3)
    cal = _cal()
    for hour in range(10):
        start = _at(2026, 3, 10, 8 + hour)
        assert cal.deadline_us(_us(start), 1) == _us(cal.deadline(start, 1))
        assert len(cal._deadlines) <= 3

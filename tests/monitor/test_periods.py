"""Report periods are local calendar periods: their bounds, months and previous year."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from monitor.periods import parse_period


@pytest.mark.parametrize(
    "label, kind, start, end",
    [
        ("2026-04-07", "day", "2026-04-07T00:00:00+02:00", "2026-04-08T00:00:00+02:00"),
        ("2026-W15", "week", "2026-04-06T00:00:00+02:00", "2026-04-13T00:00:00+02:00"),
        ("2026-04", "month", "2026-04-01T00:00:00+02:00", "2026-05-01T00:00:00+02:00"),
        ("2026-Q4", "quarter", "2026-10-01T00:00:00+02:00", "2027-01-01T00:00:00+01:00"),
        ("2026", "year", "2026-01-01T00:00:00+01:00", "2027-01-01T00:00:00+01:00"),
    ],
)
def test_period_bounds_are_local_midnights(label, kind, start, end):
    period = parse_period(label)
    assert period.as_json() == {"kind": kind, "label": label, "start": start, "end": end}


def test_half_past_eleven_utc_on_last_day_of_october_belongs_to_november_in_amsterdam():
    ts = datetime(2026, 10, 31, 23, 30, tzinfo=timezone.utc)
    assert parse_period("2026-11").contains(ts)
    assert not parse_period("2026-10").contains(ts)


def test_quarter_has_its_three_months():
    assert [p.label for p in parse_period("2026-Q2").month_periods()] == ["2026-04", "2026-05", "2026-06"]
    assert parse_period("2026-Q2").months == (4, 5, 6)


def test_previous_year_is_the_same_period_a_year_earlier():
    assert parse_period("2026-Q2").previous_year().label == "2025-Q2"
    assert parse_period("2028-02-29").previous_year().label == "2027-02-28"


@pytest.mark.parametrize("text", ["2026-13", "2026-W54", "26-04", "april", "2026-Q5", "2026-02-30"])
def test_invalid_period_is_rejected_with_the_accepted_forms(text):
    with pytest.raises(ValueError, match="invalid period"):
        parse_period(text)

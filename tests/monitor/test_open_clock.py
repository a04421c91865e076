"""The demo's and live tests' open clock: a configuration in which every municipality is open now."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from monitor.calendar import calendar_for
from monitor.config import WEEKDAYS, load_config
from monitor.open_clock import open_shift, write_config

UTC = timezone.utc


@pytest.mark.parametrize("now", [
    datetime(2026, 12, 2, 0, 30, tzinfo=UTC),   # Wednesday night in the Netherlands
    datetime(2026, 12, 2, 13, 0, tzinfo=UTC),   # Wednesday afternoon
    datetime(2026, 12, 5, 12, 0, tzinfo=UTC),   # Saturday noon: weekend in every zone
    datetime(2026, 12, 6, 3, 0, tzinfo=UTC),    # Sunday night
])
def test_every_municipality_is_open_now_in_the_moved_configuration(now: datetime, tmp_path: Path) -> None:
    config = load_config()
    shift = open_shift(config, now)
    assert shift is not None
    moved = load_config(write_config(config, shift, tmp_path))
    for municipality in moved.municipalities.values():
        assert calendar_for(municipality).is_open(now), municipality.slug


def test_on_a_working_day_the_working_weekdays_stay_as_configured() -> None:
    assert open_shift(load_config(), datetime(2026, 12, 2, 13, 0, tzinfo=UTC)).weekdays is None


def test_at_the_weekend_every_day_becomes_a_working_day() -> None:
    assert open_shift(load_config(), datetime(2026, 12, 5, 12, 0, tzinfo=UTC)).weekdays == WEEKDAYS

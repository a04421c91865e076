"""The helpers every indicator shares: the local day of an instant."""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from monitor.indicators.base import local_day
from monitor.instants import to_us

QUARTER_HOUR_US = 15 * 60 * 1_000_000


def _instants_around(moment: str, days: int = 2) -> list[int]:
    """Every quarter hour and the µs on either side of it, ``days`` days before and after ``moment``."""
    middle = to_us(datetime.fromisoformat(moment))
    quarters = range(middle - days * 96 * QUARTER_HOUR_US, middle + days * 96 * QUARTER_HOUR_US, QUARTER_HOUR_US)
    return [us + step for us in quarters for step in (-1, 0, 1)]


@pytest.mark.parametrize("zone, moment", [
    ("Europe/Amsterdam", "2026-03-29T02:00:00+01:00"),  # summer time starts
    ("Europe/Amsterdam", "2026-10-25T03:00:00+02:00"),  # summer time ends
    ("America/Sao_Paulo", "2018-11-04T00:00:00-03:00"),  # summer time started at midnight: that day began at 01:00
    ("America/Sao_Paulo", "2019-02-17T00:00:00-02:00"),  # and ended at midnight: 23:00–24:00 twice
])
def test_the_local_day_of_every_instant_is_its_date_in_the_zone_whatever_the_order_asked(config, zone, moment):
    municipality = config["groningen"].model_copy(update={"timezone": zone})
    instants = _instants_around(moment)
    for order in (instants, instants[::-1], random.Random(11).sample(instants, len(instants))):
        for us in order:
            assert local_day(us, municipality) == datetime.fromtimestamp(us // 1_000_000, municipality.tz).date(), us


def test_two_zones_asked_in_turn_each_get_their_own_day(config):
    amsterdam = config["groningen"]
    auckland = amsterdam.model_copy(update={"timezone": "Pacific/Auckland"})
    us = to_us(datetime.fromisoformat("2026-06-30T20:00:00+00:00"))
    for _ in range(3):
        assert str(local_day(us, amsterdam)) == "2026-06-30"
        assert str(local_day(us, auckland)) == "2026-07-01"

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from monitor.instants import from_us, to_us
from tests.events import call


@pytest.mark.parametrize("ts", [
    datetime(2026, 3, 29, 1, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=1))),
    datetime(1969, 12, 31, 23, 59, 59, 1, tzinfo=timezone.utc),
    datetime(2100, 1, 1, tzinfo=timezone(timedelta(hours=-5))),
])
def test_an_instant_in_microseconds_is_exact_and_round_trips(ts):
    us = to_us(ts)
    assert us == (ts - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(microseconds=1)
    assert from_us(us) == ts


def test_an_event_s_instant_in_microseconds_is_its_timestamp_s() -> None:
    offered = call("k1", "2026-03-29T03:00:00.000001+02:00")[0]
    assert offered.ts_us == 1_774_746_000_000_001

"""``streams.tables``: ``daily``'s per-partition parts."""

from __future__ import annotations

from monitor.indicators import contributions
from monitor.instants import to_us
from monitor.records import fold
from streams.tables import daily_key
from tests.streams.unitkit import T0, call


def test_daily_keeps_each_partitions_part_and_totals_add_them(unit_worker, config) -> None:
    worker = unit_worker()
    m = config["groningen"]
    answered = fold(fold(None, call("call.offered")), call("call.answered", 1, wait_seconds=10))
    items = contributions(answered, m, to_us(T0) + 10**9)
    assert worker.daily.add(0, items, "groningen") == 1
    assert worker.daily.add(2, items, "groningen") == 1
    key = daily_key("groningen", T0.date())
    assert set(worker.daily.parts) == {(0, key), (2, key)}
    one = worker.daily.parts[(0, key)]
    total = worker.daily.total(key)
    assert all(total.cells[cell].n == 2 * one.cells[cell].n for cell in one.cells)

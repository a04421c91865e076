"""``streams.watermarks``: the per-source event time and the rule that says when a record is settled."""

from __future__ import annotations

from datetime import timedelta

from monitor.instants import to_us
from monitor.records import fold
from streams.watermarks import Watermarks, compactable
from tests.streams.unitkit import T0, call, event

DAY = 86400
WALL = (T0 + timedelta(days=60)).timestamp()
"""The wall clock of a backfill: long after the events, and not moving."""


def _abandoned():
    return fold(fold(None, call("call.offered")), call("call.abandoned", 1, wait_seconds=40))


def _settled(record, config, watermark_us: int | None, updated: float = WALL, now: float = WALL) -> bool:
    return compactable(record, config["groningen"], updated, now, watermark_us, DAY, 8 * DAY, event_after=DAY)


def test_a_watermark_only_grows_and_never_passes_the_wall_clock() -> None:
    marks = Watermarks()
    assert marks.advance(1, "groningen", "call", 100, 1000) is None  # the source's first event
    assert marks.advance(1, "groningen", "call", 50, 1000) == 100  # out of order: the watermark stays
    assert marks.get(1, "groningen", "call") == 100
    assert marks.advance(1, "groningen", "call", 5000, 2000) == 100  # a source clock in the future
    assert marks.get(1, "groningen", "call") == 2000
    assert marks.get(0, "groningen", "call") is None and marks.get(1, "groningen", "letter") is None
    assert marks.of_partition(1) == {("groningen", "call"): 2000}


def test_progress_is_the_event_time_every_source_advanced_since_it_was_first_seen() -> None:
    marks = Watermarks()
    marks.advance(0, "groningen", "call", 1000, 10**9)
    marks.advance(1, "groningen", "letter", 5000, 10**9)
    assert marks.progress_us == 0
    marks.advance(0, "groningen", "call", 1500, 10**9)
    marks.advance(0, "groningen", "call", 1200, 10**9)
    marks.advance(1, "groningen", "letter", 5100, 10**9)
    assert marks.progress_us == 600


def test_a_final_record_is_settled_once_its_watermark_is_the_margin_past_its_latest_event(config) -> None:
    record = _abandoned()
    latest = to_us(T0) + 60 * 10**6
    assert not _settled(record, config, latest + DAY * 10**6 - 1)
    assert _settled(record, config, latest + DAY * 10**6)


def test_a_final_record_is_settled_in_wall_clock_time_without_any_watermark(config) -> None:
    record = _abandoned()
    assert not _settled(record, config, None, updated=WALL - DAY + 1)
    assert _settled(record, config, None, updated=WALL - DAY)


def test_an_open_item_is_never_settled_however_far_its_watermark(config) -> None:
    letter = fold(None, event("letter.received", letter_id="l1", channel="post", department="afval",
                              due_at=(T0 + timedelta(days=5)).isoformat()))
    callback = fold(None, event("callback.requested", callback_id="cb1", department="afval"))
    far = to_us(T0 + timedelta(days=50))
    assert not _settled(letter, config, far, updated=WALL - 50 * DAY)
    assert not _settled(callback, config, far, updated=WALL - 50 * DAY)


def test_an_orphan_is_dropped_once_the_redelivery_horizon_behind_its_watermark(config) -> None:
    orphan = fold(None, event("visit.no_show", visit_id="v1", location="haren"))
    assert not _settled(orphan, config, to_us(T0 + timedelta(days=7)))
    assert _settled(orphan, config, to_us(T0 + timedelta(days=8)))


def test_the_event_time_margin_is_its_own_setting(config) -> None:
    record = _abandoned()
    latest = to_us(T0) + 60 * 10**6
    m = config["groningen"]
    assert not compactable(record, m, WALL, WALL, latest + 2 * 10**6, 1, 8 * DAY, event_after=DAY)
    assert compactable(record, m, WALL - 1, WALL, latest + 2 * 10**6, 1, 8 * DAY, event_after=DAY)  # wall clock
    assert compactable(record, m, WALL, WALL, latest + 2 * 10**6, DAY, 8 * DAY, event_after=1)
    assert not compactable(record, m, WALL, WALL, latest + 30 * DAY * 10**6, DAY, 8 * DAY)  # none: wall clock only

"""``streams.timers``: what passing time alone changes (missed deadlines, compaction commands) in a pass
over every record, with an injected clock. The live timer's agenda and the "now" gauges:
``test_agenda.py``."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from monitor import metricspec as ms
from monitor.live import facts
from monitor.records import fold, to_us
from streams.timers import COMMAND_HEADER, COMPACT, RESEND_SECONDS, is_command, scan
from tests.streams.unitkit import T0, call, event

DEADLINE_1 = (T0 + timedelta(days=1)).timestamp()  # one working day after Tuesday 10:00


def _callback_open(worker) -> str:
    record = fold(None, event("callback.requested", callback_id="cb1", department="afval"))
    counted = facts(record, worker.config["groningen"], to_us(T0))
    worker.cache.put("groningen|callback|cb1", record, counted, 0, T0.timestamp())
    return "groningen|callback|cb1"


def test_a_passed_deadline_is_counted_once(unit_worker, config) -> None:
    worker = unit_worker()
    _callback_open(worker)
    added, _ = scan(worker.cache, config, {0}, 86400, now=DEADLINE_1)
    assert not added
    added, _ = scan(worker.cache, config, {0}, 86400, now=DEADLINE_1 + 1)
    assert added == Counter({(ms.CALLBACKS_MISSED_DEADLINE, ("groningen", "afval", "1"), "inc", 1.0): 1})
    added, _ = scan(worker.cache, config, {0}, 86400, now=DEADLINE_1 + 600)
    assert not added


def test_records_of_partitions_not_owned_are_not_scanned(unit_worker, config) -> None:
    worker = unit_worker()
    _callback_open(worker)
    assert scan(worker.cache, config, {1, 2}, 86400, now=DEADLINE_1 + 1) == (Counter(), [])


def test_final_record_settled_long_enough_is_asked_for_compaction_once_per_resend_interval(unit_worker,
                                                                                           config) -> None:
    worker = unit_worker()
    record = fold(fold(None, call("call.offered")), call("call.abandoned", 1, wait_seconds=50))
    worker.cache.put("groningen|call|k1", record, Counter(), 2, T0.timestamp())
    _callback_open(worker)  # open: never compacted
    settled = T0.timestamp() + 100
    assert scan(worker.cache, config, {0, 2}, 100.5, now=settled)[1] == []
    assert scan(worker.cache, config, {0, 2}, 100, now=settled)[1] == [("call", "groningen|call|k1", 2)]
    assert scan(worker.cache, config, {0, 2}, 100, now=settled + RESEND_SECONDS - 1)[1] == []
    assert scan(worker.cache, config, {0, 2}, 100, now=settled + RESEND_SECONDS)[1] == [
        ("call", "groningen|call|k1", 2)]


def test_command_header_is_read_from_pairs_or_a_mapping() -> None:
    assert is_command([(COMMAND_HEADER, COMPACT)]) == COMPACT
    assert is_command({COMMAND_HEADER: "compact"}) == COMPACT
    assert is_command(None) is None and is_command([("other", b"x")]) is None


def test_an_orphan_is_asked_for_only_after_the_orphan_horizon(unit_worker, config) -> None:
    worker = unit_worker()
    called = fold(None, event("visit.called", visit_id="v1", location="haren", visit_type="walk_in"))
    worker.cache.put("groningen|visit|v1", called, Counter(), 1, T0.timestamp())
    start = T0.timestamp()
    assert scan(worker.cache, config, {1}, 0, now=start + 999, orphan_after=1000)[1] == []
    assert scan(worker.cache, config, {1}, 0, now=start + 1000, orphan_after=1000)[1] == [
        ("visit", "groningen|visit|v1", 1)]

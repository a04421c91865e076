"""``streams.agenda``: the live timer looks at a record when it changed or when time changes it, keeps the
"now" gauges by difference, and a scrape only serialises them; an injected clock throughout."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from types import SimpleNamespace

from prometheus_client import CollectorRegistry

from monitor import metricspec as ms
from monitor.live import facts
from monitor.instants import to_us
from monitor.records import fold
from streams.timers import RESEND_SECONDS, NowCollector
from tests.streams.unitkit import T0, TZ, call, event

DEADLINE_1 = (T0 + timedelta(days=1)).timestamp()  # one working day after Tuesday 10:00
MIDNIGHT = datetime(2026, 4, 8, tzinfo=TZ).timestamp()
HAREN = ("groningen", "haren")
AFVAL_1 = ("groningen", "afval", "1")


def _callback_open(worker, callback_id: str = "cb1", partition: int = 0) -> str:
    record = fold(None, event("callback.requested", callback_id=callback_id, department="afval"))
    key = f"groningen|callback|{callback_id}"
    worker.cache.put(key, record, facts(record, worker.config["groningen"], to_us(T0)), partition, T0.timestamp())
    return key


def _visitor_waiting(worker, partition: int = 1) -> str:
    visit = fold(None, event("visit.checked_in", visit_id="v1", location="haren", visit_type="walk_in"))
    worker.cache.put("groningen|visit|v1", visit, Counter(), partition, T0.timestamp())
    return "groningen|visit|v1"


def _tick(worker, now: float, partitions=frozenset({0, 1, 2, 3}), after: float = 86400, **kwargs):
    return worker.agenda.tick(worker.config, set(partitions), after, now=now, **kwargs)


def _gauge(worker, spec, labels) -> float:
    return worker.agenda.gauges.values.get(spec, {}).get(labels, 0.0)


def test_a_tick_looks_only_at_records_changed_since_the_last_one_or_due_now(unit_worker) -> None:
    worker = unit_worker()
    for n in range(1_000):
        _callback_open(worker, f"cb{n}", n % 4)
    _tick(worker, T0.timestamp() + 60)
    assert worker.agenda.looked_at == 1_000  # the first tick counts every record of the owned partitions
    _tick(worker, T0.timestamp() + 70)
    assert worker.agenda.looked_at == 0
    _callback_open(worker, "cb7", 3)
    _tick(worker, T0.timestamp() + 80)
    assert worker.agenda.looked_at == 1
    _tick(worker, DEADLINE_1 + 1)  # every open callback passes its deadline
    assert worker.agenda.looked_at == 1_000
    assert _gauge(worker, ms.CALLBACKS_OPEN_PAST_DEADLINE, AFVAL_1) == 1_000


def test_a_passed_deadline_is_counted_once_at_the_first_tick_after_it(unit_worker) -> None:
    worker = unit_worker()
    _callback_open(worker)
    assert _tick(worker, T0.timestamp() + 60) == (Counter(), [])
    assert _tick(worker, DEADLINE_1) == (Counter(), [])
    missed = Counter({(ms.CALLBACKS_MISSED_DEADLINE, AFVAL_1, "inc", 1.0): 1})
    assert _tick(worker, DEADLINE_1 + 1) == (missed, [])
    assert _gauge(worker, ms.CALLBACKS_OPEN_PAST_DEADLINE, AFVAL_1) == 1
    assert _tick(worker, DEADLINE_1 + 600) == (Counter(), [])


def test_a_visitor_still_waiting_at_midnight_leaves_the_gauge_without_any_event(unit_worker) -> None:
    worker = unit_worker()
    _visitor_waiting(worker)
    _tick(worker, T0.timestamp() + 60)
    assert _gauge(worker, ms.VISITORS_WAITING, HAREN) == 1
    _tick(worker, MIDNIGHT - 1)
    assert _gauge(worker, ms.VISITORS_WAITING, HAREN) == 1
    _tick(worker, MIDNIGHT)
    assert _gauge(worker, ms.VISITORS_WAITING, HAREN) == 0


def test_a_changed_or_deleted_record_moves_the_gauges_by_its_difference(unit_worker) -> None:
    worker = unit_worker()
    key = _visitor_waiting(worker)
    _callback_open(worker)
    _tick(worker, T0.timestamp() + 60)
    called = fold(worker.cache.get(key).record, event("visit.called", 5, visit_id="v1", location="haren",
                                                       visit_type="walk_in"))
    worker.cache.put(key, called, Counter(), 1, T0.timestamp() + 300)
    _tick(worker, T0.timestamp() + 310)
    assert _gauge(worker, ms.VISITORS_WAITING, HAREN) == 0
    worker.cache.delete("groningen|callback|cb1", 0)
    _tick(worker, T0.timestamp() + 320)
    assert _gauge(worker, ms.CALLBACKS_OPEN, ("groningen", "afval")) == 0


def test_records_of_partitions_not_owned_do_not_count_and_a_rebalance_counts_afresh(unit_worker) -> None:
    worker = unit_worker()
    _callback_open(worker, partition=0)
    _visitor_waiting(worker, partition=1)
    _tick(worker, T0.timestamp() + 60, partitions={1})
    assert _gauge(worker, ms.CALLBACKS_OPEN, ("groningen", "afval")) == 0
    assert _gauge(worker, ms.VISITORS_WAITING, HAREN) == 1
    _tick(worker, T0.timestamp() + 70, partitions={0})
    assert _gauge(worker, ms.CALLBACKS_OPEN, ("groningen", "afval")) == 1
    assert _gauge(worker, ms.VISITORS_WAITING, HAREN) == 0


def test_a_record_recovered_from_the_changelog_is_looked_at_by_the_next_tick(unit_worker) -> None:
    worker = unit_worker()
    _tick(worker, T0.timestamp() + 60)
    visit = fold(None, event("visit.checked_in", visit_id="v9", location="haren", visit_type="walk_in"))
    value = {"record": visit.to_json(), "updated": T0.timestamp(), "partition": 2, "folded": []}
    worker.records.apply_changelog_batch([SimpleNamespace(key="groningen|visit|v9", value=value,
                                                          message=SimpleNamespace(value=b"{}", partition=2))])
    _tick(worker, T0.timestamp() + 70)
    assert worker.agenda.looked_at == 1
    assert _gauge(worker, ms.VISITORS_WAITING, HAREN) == 1


def test_a_final_record_is_asked_for_when_settled_and_again_after_the_resend_interval(unit_worker) -> None:
    worker = unit_worker()
    record = fold(fold(None, call("call.offered")), call("call.abandoned", 1, wait_seconds=50))
    worker.cache.put("groningen|call|k1", record, Counter(), 2, T0.timestamp())
    _callback_open(worker)  # open: never compacted
    settled = T0.timestamp() + 100
    assert _tick(worker, T0.timestamp() + 90, after=100)[1] == []
    assert _tick(worker, settled + 0.001, after=100)[1] == [("call", "groningen|call|k1", 2)]
    assert _tick(worker, settled + RESEND_SECONDS - 1, after=100)[1] == []
    assert _tick(worker, settled + RESEND_SECONDS + 0.002, after=100)[1] == [("call", "groningen|call|k1", 2)]


def test_an_orphan_is_asked_for_only_after_the_orphan_horizon(unit_worker) -> None:
    worker = unit_worker()
    called = fold(None, event("visit.called", visit_id="v1", location="haren", visit_type="walk_in"))
    worker.cache.put("groningen|visit|v1", called, Counter(), 1, T0.timestamp())
    start = T0.timestamp()
    assert _tick(worker, start + 999, after=0, orphan_after=1000)[1] == []
    assert _tick(worker, start + 1000.002, after=0, orphan_after=1000)[1] == [("visit", "groningen|visit|v1", 1)]


def test_a_scrape_serialises_the_gauges_of_the_last_tick_and_zero_for_every_configured_series(
        unit_worker, config) -> None:
    worker = unit_worker()
    _visitor_waiting(worker)
    clock = [T0.timestamp() + 60]
    registry = CollectorRegistry()
    registry.register(NowCollector(worker.agenda.gauges, config, clock=lambda: clock[0]))
    get = registry.get_sample_value
    haren = {"municipality": "groningen", "location": "haren"}
    assert get("kcc_visitors_waiting", haren) == 0  # before the first tick: configured series at 0
    _tick(worker, clock[0])
    assert get("kcc_visitors_waiting", haren) == 1
    assert get("kcc_visitors_waiting", {"municipality": "groningen", "location": "ten-boer"}) == 0
    assert get("kcc_office_open", {"municipality": "groningen"}) == 1
    worker.cache.delete("groningen|visit|v1", 1)
    assert get("kcc_visitors_waiting", haren) == 1  # a scrape does not look at the records
    _tick(worker, clock[0] + 10)
    assert get("kcc_visitors_waiting", haren) == 0
    assert worker.agenda.gauges.as_of == clock[0] + 10


def test_a_long_count_goes_in_chunks_and_the_gauges_show_only_a_whole_count(unit_worker) -> None:
    worker = unit_worker()
    for n in range(25):
        _callback_open(worker, f"cb{n}", n % 4)
    looked_at = []
    for seconds in (60, 61, 62):
        _tick(worker, T0.timestamp() + seconds, limit=10)
        looked_at.append(worker.agenda.looked_at)
        if seconds < 62:
            assert worker.agenda.gauges.as_of is None  # the first count is not whole yet: nothing published
    assert looked_at == [10, 10, 5] and not worker.agenda.pending
    assert _gauge(worker, ms.CALLBACKS_OPEN, ("groningen", "afval")) == 25


def test_a_count_after_a_restart_decodes_only_the_records_of_its_chunk(unit_worker) -> None:
    worker = unit_worker()
    for n in range(25):
        _callback_open(worker, f"cb{n}", n % 4)
    worker.cache.entries.clear()  # as recovered from the changelog: table values, none decoded yet
    _tick(worker, T0.timestamp() + 60, limit=10)
    assert len(worker.cache.entries) == 10
    _tick(worker, T0.timestamp() + 61, limit=10)
    assert len(worker.cache.entries) == 20

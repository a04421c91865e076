"""The "now" gauges (monitor/gauges.py): what a record adds to them at an instant, the calendar's gauges
across DST, and the instant until which time alone changes nothing about a record."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from monitor import metricspec as ms
from monitor.config import Config
from monitor.gauges import calendar_gauges, next_change_us, open_gauges
from monitor.live import facts
from monitor.instants import to_us
from tests.monitor.itemkit import CB, LATER, T0, TZ, callback, letter, record_of, visit


def test_a_callback_counts_as_open_from_its_request_until_it_is_made_or_withdrawn(config) -> None:
    m = config["groningen"]
    requested = to_us(T0)
    assert open_gauges(record_of(callback("callback.requested")), m, requested - 1) == []
    assert open_gauges(record_of(callback("callback.requested")), m, requested) == [(ms.CALLBACKS_OPEN, CB, 1.0)]
    made = record_of(callback("callback.requested"), callback("callback.completed", 60))
    withdrawn = record_of(callback("callback.requested"), callback("callback.cancelled", 60))
    assert open_gauges(made, m, LATER) == [] and open_gauges(withdrawn, m, LATER) == []


def test_visitor_waiting_today_is_a_gauge_until_called(config) -> None:
    m = config["groningen"]
    record = record_of(visit("visit.checked_in", visit_type="walk_in"))
    assert open_gauges(record, m, to_us(T0 + timedelta(minutes=5))) == [
        (ms.VISITORS_WAITING, ("groningen", "haren"), 1.0)]
    assert open_gauges(record, m, to_us(T0 + timedelta(days=1))) == []  # yesterday's ticket
    called = record_of(visit("visit.checked_in", visit_type="walk_in"), visit("visit.called", 2))
    assert open_gauges(called, m, to_us(T0 + timedelta(minutes=5))) == []


def test_calendar_gauges_office_open_and_local_period_starts_across_dst(config) -> None:
    m = config["groningen"]
    gauges = {(spec.name, labels): value for spec, labels, value in calendar_gauges(m, T0)}
    assert gauges[("kcc_office_open", ("groningen",))] == 1.0
    assert gauges[("kcc_period_start_timestamp_seconds", ("groningen", "day"))] == datetime(2026, 4, 7, tzinfo=TZ).timestamp()
    # 1 April 00:00 is CEST (+02:00); the month started before the DST change? No: DST began 29 March.
    assert gauges[("kcc_period_start_timestamp_seconds", ("groningen", "month"))] == datetime(
        2026, 4, 1, tzinfo=TZ).timestamp()
    march = {(s.name, labels): v for s, labels, v in calendar_gauges(m, datetime(2026, 3, 30, 8, tzinfo=TZ))}
    assert march[("kcc_period_start_timestamp_seconds", ("groningen", "month"))] == datetime(
        2026, 3, 1, tzinfo=TZ).timestamp() == 1772319600.0  # 2026-03-01T00:00+01:00
    saturday = {(s.name, labels): v for s, labels, v in calendar_gauges(m, datetime(2026, 4, 11, 10, tzinfo=TZ))}
    assert saturday[("kcc_office_open", ("groningen",))] == 0.0


def _time_state(record, municipality, at_us: int) -> tuple:
    """Everything about a record that time alone can change: contributions, finality, facts, gauges."""
    from monitor.indicators import contributions, is_final

    return (contributions(record, municipality, at_us), is_final(record, municipality, at_us),
            facts(record, municipality, at_us), open_gauges(record, municipality, at_us))


def test_until_its_next_change_time_alone_changes_nothing_about_a_record(config: Config) -> None:
    """``next_change_us`` lets the live timer leave a record alone until then (``streams.agenda``): for the
    items of two simulated days around Koningsdag and a weekend, plus items left open (a callback, a letter, a
    visitor never called), the state at any instant before the next change is the state now."""
    from monitor.records import RecordStore
    from monitor.simulator import simulate

    store = RecordStore()
    for simulated in simulate(config, ["groningen"], datetime(2026, 4, 24, 9, tzinfo=TZ),
                              datetime(2026, 4, 25, 9, tzinfo=TZ), seed=4, volume=0.03):
        store.add(simulated)
    records = [record for _, record in store.items()]
    records += [record_of(callback("callback.requested")), record_of(letter("letter.received")),
                record_of(visit("visit.checked_in"))]
    municipality = config["groningen"]
    kinds = Counter()
    for record in records:
        kinds[record.KIND] += 1
        slots = [slot[0] for slot in (getattr(record, name) for name in record.SLOTS) if slot is not None]
        for now in sorted({t + d for t in slots for d in (-1, 0, 3_600_000_000)}):
            state = _time_state(record, municipality, now)
            change = next_change_us(record, municipality, now)
            probes = [now + 1, now + 86_400_000_000 * 40] if change is None else [now + 1, (now + change) // 2,
                                                                                change - 1]
            for probe in probes:
                if probe > now and (change is None or probe < change):
                    assert _time_state(record, municipality, probe) == state, (record, now, probe, change)
    assert set(kinds) == {"call", "callback", "visit", "letter", "survey", "digital"}, kinds

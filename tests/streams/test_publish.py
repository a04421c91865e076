"""Routing and pacing of the producing edge (streams/publish.py), without a broker.

The commands that produce through it into a real broker are tested in
``tests/kcc/commands/test_produce_to_kafka.py``.
"""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from monitor.settings import Settings
from streams.publish import Pacer, route_line


def test_a_valid_line_goes_to_its_family_topic_keyed_by_its_item():
    settings = Settings(topic_prefix="t")
    line = (b'{"event_id":"v-1","type":"visit.checked_in","ts":"2026-04-07T13:58:00+02:00","municipality":"x",'
            b'"visit_id":"b1","location":"kreupelstraat","visit_type":"walk_in"}')
    routed = route_line(line, settings)
    assert (routed.topic, routed.key, routed.valid) == ("t.events.visit", "b1", True)
    assert routed.ts == datetime(2026, 4, 7, 11, 58, tzinfo=ZoneInfo("UTC")).timestamp()
    snapshot = (b'{"event_id":"q","type":"queue.snapshot","ts":"2026-04-07T13:58:00+02:00","municipality":"groningen",'
                b'"channel":"phone","queue":"algemeen","waiting":2,"longest_wait_seconds":40}')
    assert route_line(snapshot, settings).key == "groningen:algemeen"


def test_an_invalid_line_goes_to_its_declared_family_or_the_call_topic_so_the_worker_dead_letters_it():
    settings = Settings(topic_prefix="t")
    missing_fields = route_line(b'{"type":"letter.received","letter_id":"l9"}', settings)
    assert (missing_fields.topic, missing_fields.key, missing_fields.valid) == ("t.events.letter", "l9", False)
    assert route_line(b"not json", settings).topic == "t.events.call"
    assert route_line(b'{"type":"fax.received"}', settings).key is None
    assert route_line(b'{"type":"fax.received"}', settings).topic == "t.events.call"
    assert route_line(b'[1, 2]', settings).topic == "t.events.call"


def test_pacer_without_speed_never_waits_and_a_stopped_pacer_refuses():
    stop = threading.Event()
    assert Pacer(None, stop).wait(1e12)
    pacer = Pacer(1.0, stop, origin=0.0, clock=lambda: 0.0)
    assert pacer.wait(0.0)  # due now
    stop.set()
    assert not pacer.wait(3600.0)  # would wait an hour; the stop ends it at once
    with pytest.raises(ValueError):
        Pacer(0, stop)

"""Items at a fixed instant for the live-metric tests (``monitor.live``, ``monitor.gauges``): one event of each
family ``minutes`` after :data:`T0` with fixed ids and configured Groningen values, and the record they fold into."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.instants import to_us
from monitor.records import fold
from tests.events import event

TZ = ZoneInfo("Europe/Amsterdam")
T0 = datetime(2026, 4, 7, 10, 0, tzinfo=TZ)  # Tuesday 10:00: 1 wd → Wed 10:00, 2 wd → Thu 10:00
LATER = to_us(datetime(2026, 6, 1, tzinfo=TZ))
CB = ("groningen", "burgerzaken")
"""The labels (municipality, department) of :func:`callback`'s callbacks."""


def ev(event_type: str, minutes: float = 0, municipality: str = "groningen", **fields: object) -> object:
    """An event ``minutes`` after :data:`T0` (built by ``tests.events``)."""
    return event(event_type, (T0 + timedelta(minutes=minutes)).isoformat(), municipality, **fields)


def call(event_type: str, minutes: float = 0, **fields: object) -> object:
    return ev(event_type, minutes, call_id="k1", line="14050", queue="algemeen", **fields)


def callback(event_type: str, minutes: float = 0, **fields: object) -> object:
    return ev(event_type, minutes, callback_id="cb1", department="burgerzaken", **fields)


def visit(event_type: str, minutes: float = 0, **fields: object) -> object:
    if event_type != "visit.no_show":
        fields.setdefault("visit_type", "walk_in")
    if event_type == "visit.checked_in" and fields["visit_type"] == "appointment":
        fields.setdefault("appointment_at", T0.isoformat())
    return ev(event_type, minutes, visit_id="v1", location="haren", **fields)


def letter(event_type: str, minutes: float = 0, **fields: object) -> object:
    return ev(event_type, minutes, letter_id="l1", channel="post", department="afval", **fields)


def record_of(*events: object):
    record = None
    for each in events:
        record = fold(record, each)
    return record

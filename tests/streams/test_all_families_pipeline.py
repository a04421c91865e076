"""Every event family through the real broker into a real worker: exact /metrics values.

Hand-made events around the wall clock (deadlines are wall-clock facts): calls,
callbacks in time, late and open past their deadline, an out-of-order visit
(``visit.called`` before ``visit.checked_in``), a no-show, a visitor waiting now,
surveys, letters (in time, open past due, and one whose due time passes during
the test, counted by the timer), a digital transaction, a queue snapshot, and
duplicates of several of them.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitor.calendar import calendar_for
from monitor.config import load_config

pytestmark = pytest.mark.integration

TZ = ZoneInfo("Europe/Amsterdam")
G = "groningen"


def _events(now: datetime) -> dict[str, list[dict]]:
    def at(delta: timedelta) -> str:
        return (now + delta).isoformat()

    m = timedelta(minutes=1)
    d = timedelta(days=1)
    call = {"municipality": G, "call_id": "k1", "line": "14050", "queue": "algemeen"}
    cb = {"municipality": G, "department": "burgerzaken"}
    return {
        "call": [
            {**call, "event_id": "c1", "type": "call.offered", "ts": at(-10 * m)},
            {**call, "event_id": "c2", "type": "call.answered", "ts": at(-9 * m), "wait_seconds": 25},
            {**call, "event_id": "c3", "type": "call.ended", "ts": at(-5 * m), "talk_seconds": 240,
             "outcome": "resolved"},
        ],
        "callback": [
            {**cb, "callback_id": "in-time", "event_id": "b1", "type": "callback.requested", "ts": at(-60 * m)},
            {**cb, "callback_id": "in-time", "event_id": "b2", "type": "callback.completed", "ts": at(-30 * m)},
            {**cb, "callback_id": "late", "event_id": "b3", "type": "callback.requested", "ts": at(-10 * d)},
            {**cb, "callback_id": "late", "event_id": "b4", "type": "callback.completed", "ts": at(-1 * m)},
            {**cb, "callback_id": "open-late", "event_id": "b5", "type": "callback.requested", "ts": at(-10 * d)},
            {**cb, "callback_id": "open-new", "event_id": "b6", "type": "callback.requested", "ts": at(-1 * m)},
        ],
        "visit": [
            # Out of order: called arrives before the check-in it belongs to (wait 8 min, walk-in norm 15).
            {"municipality": G, "visit_id": "v1", "location": "haren", "visit_type": "walk_in",
             "event_id": "v-called", "type": "visit.called", "ts": at(-2 * m)},
            {"municipality": G, "visit_id": "v1", "location": "haren", "visit_type": "walk_in",
             "event_id": "v-in", "type": "visit.checked_in", "ts": at(-10 * m)},
            {"municipality": G, "visit_id": "v2", "location": "haren", "visit_type": "appointment",
             "appointment_at": at(-30 * m), "event_id": "v2-in", "type": "visit.checked_in", "ts": at(-40 * m)},
            {"municipality": G, "visit_id": "v2", "location": "haren", "event_id": "v2-no", "type": "visit.no_show",
             "ts": at(-15 * m)},
            {"municipality": G, "visit_id": "v3", "location": "kreupelstraat", "visit_type": "walk_in",
             "event_id": "v3-in", "type": "visit.checked_in", "ts": at(timedelta(seconds=-5))},
        ],
        "survey": [
            {"municipality": G, "survey_id": "s1", "channel": "counter", "location": "haren", "score": 8,
             "event_id": "s1", "type": "survey.answered", "ts": at(-3 * m)},
            {"municipality": G, "survey_id": "s2", "channel": "website", "score": 5, "event_id": "s2",
             "type": "survey.answered", "ts": at(-3 * m)},
        ],
        "letter": [
            {"municipality": G, "letter_id": "l1", "channel": "post", "department": "afval", "event_id": "l1-in",
             "type": "letter.received", "ts": at(-3 * d), "due_at": at(2 * d)},
            {"municipality": G, "letter_id": "l1", "channel": "post", "department": "afval", "event_id": "l1-out",
             "type": "letter.answered", "ts": at(-1 * m)},
            {"municipality": G, "letter_id": "l2", "channel": "email", "department": "afval", "event_id": "l2-in",
             "type": "letter.received", "ts": at(-20 * d), "due_at": at(-10 * d)},
            {"municipality": G, "letter_id": "l3", "channel": "post", "department": "afval", "event_id": "l3-in",
             "type": "letter.received", "ts": at(-1 * m), "due_at": at(timedelta(seconds=12))},
        ],
        "digital": [
            {"municipality": G, "transaction_id": "d1", "product": "rijbewijs", "event_id": "d1",
             "type": "digital.completed", "ts": at(-4 * m)},
        ],
        "queue": [
            {"municipality": G, "channel": "phone", "queue": "algemeen", "waiting": 4, "longest_wait_seconds": 95,
             "agents_available": 2, "event_id": "q1", "type": "queue.snapshot", "ts": at(-1 * m)},
        ],
    }


def _key(event: dict) -> bytes:
    for field in ("call_id", "callback_id", "visit_id", "survey_id", "letter_id", "transaction_id"):
        if field in event:
            return event[field].encode()
    return f"{event['municipality']}:{event['queue']}".encode()


def test_every_family_gives_exact_metrics_with_out_of_order_events_and_duplicates(kafka_broker, start_worker):
    worker = start_worker(KCC_LIVE_TIMER_SECONDS="0.5")
    now = datetime.now(TZ)
    events = _events(now)
    duplicates = {"call": [events["call"][1]], "visit": [events["visit"][0], events["visit"][1]],
                  "callback": [events["callback"][1]]}
    producer = kafka_broker.producer()
    for family, items in events.items():
        for event in items + duplicates.get(family, []):
            producer.send(worker.topic(family), key=_key(event), value=json.dumps(event).encode())
    producer.flush()
    producer.close()

    distinct = sum(len(items) for items in events.values())
    worker.wait_for_total("kcc_events_total", distinct)
    worker.wait_for_total("kcc_events_duplicate_total", 4)
    samples = worker.samples()

    def value(name: str, **labels: str) -> float:
        return samples.get((name, frozenset({"municipality": G, **labels}.items())), 0.0)

    phone = {"line": "14050", "queue": "algemeen"}
    assert value("kcc_calls_offered_total", **phone) == 1
    assert value("kcc_calls_answered_total", **phone) == 1
    assert value("kcc_calls_answered_within_service_level_total", **phone) == 1
    assert value("kcc_call_wait_seconds_sum", **phone) == 25
    assert value("kcc_calls_ended_total", **phone, outcome="resolved") == 1
    assert value("kcc_calls_offered_total", line="14050", queue="afval") == 0  # pre-created, still 0
    assert ("kcc_calls_offered_total", frozenset({"municipality": G, "line": "14050", "queue": "afval"}.items())) \
        in samples

    dept = {"department": "burgerzaken"}
    assert value("kcc_callbacks_requested_total", **dept) == 4
    assert value("kcc_callbacks_completed_total", **dept) == 2
    for days in ("1", "2"):
        assert value("kcc_callbacks_completed_in_time_total", **dept, working_days=days) == 1
        assert value("kcc_callbacks_missed_deadline_total", **dept, working_days=days) == 2  # late + open-late
        assert value("kcc_callbacks_open_past_deadline", **dept, working_days=days) == 1
    assert value("kcc_callbacks_open_past_deadline", department="afval", working_days="1") == 0
    assert value("kcc_callbacks_open", **dept) == 2  # open-late and open-new
    assert value("kcc_callbacks_open", department="afval") == 0

    walk_in = {"location": "haren", "visit_type": "walk_in"}
    assert value("kcc_visits_checked_in_total", **walk_in) == 1
    assert value("kcc_visits_checked_in_total", location="haren", visit_type="appointment") == 1
    assert value("kcc_visit_wait_seconds_count", **walk_in) == 1
    assert value("kcc_visit_wait_seconds_sum", **walk_in) == 480
    assert value("kcc_visits_within_norm_total", **walk_in) == 1
    assert value("kcc_visits_no_show_total", location="haren") == 1
    assert value("kcc_visitors_waiting", location="kreupelstraat") == 1
    assert value("kcc_visitors_waiting", location="haren") == 0

    assert value("kcc_survey_score_sum", channel="counter", location="haren") == 8
    assert value("kcc_surveys_positive_total", channel="counter", location="haren") == 1
    assert value("kcc_survey_score_count", channel="website", location="") == 1
    assert value("kcc_surveys_positive_total", channel="website", location="") == 0

    post, email = {"channel": "post", "department": "afval"}, {"channel": "email", "department": "afval"}
    assert value("kcc_letters_received_total", **post) == 2
    assert value("kcc_letters_answered_total", **post) == 1
    assert value("kcc_letters_answered_in_time_total", **post) == 1
    assert value("kcc_letters_missed_due_total", **email) == 1
    assert value("kcc_letters_open_past_due", **email) == 1

    assert value("kcc_digital_completed_total", product="rijbewijs") == 1
    contacts = {c: value("kcc_contacts_total", channel=c) for c in ("phone", "counter", "post", "email", "digital")}
    assert contacts == {"phone": 1, "counter": 3, "post": 2, "email": 1, "digital": 1}

    snapshot = {"channel": "phone", "queue": "algemeen"}
    assert (value("kcc_queue_waiting", **snapshot), value("kcc_queue_longest_wait_seconds", **snapshot),
            value("kcc_queue_agents_available", **snapshot)) == (4, 95, 2)
    assert value("kcc_events_duplicate_total", type="visit.called", cause="source") == 1
    assert value("kcc_events_duplicate_total", type="visit.checked_in", cause="source") == 1
    assert value("kcc_events_total", type="visit.checked_in") == 3

    municipality = load_config()[G]
    scraped = time.time()
    assert value("kcc_office_open") == (1.0 if calendar_for(municipality).is_open(datetime.now(TZ)) else 0.0)
    local = datetime.fromtimestamp(scraped, TZ)
    assert value("kcc_period_start_timestamp_seconds", period="day") == datetime(
        local.year, local.month, local.day, tzinfo=TZ).timestamp()
    assert value("kcc_period_start_timestamp_seconds", period="month") == datetime(
        local.year, local.month, 1, tzinfo=TZ).timestamp()

    # l3's due time passes during the test: the timer counts it missed, once, and the gauge shows it.
    assert value("kcc_letters_missed_due_total", **post) == 0
    worker.wait_for("kcc_letters_missed_due_total", 1, timeout=60, municipality=G, **post)
    worker.wait_for("kcc_letters_open_past_due", 1, timeout=10, municipality=G, **post)
    time.sleep(1.5)
    assert worker.value("kcc_letters_missed_due_total", municipality=G, **post) == 1

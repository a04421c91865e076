"""Phone events through the real broker into a real worker: exact counters on /metrics.

Every test starts its own `kcc-monitor worker` (unique app id and topic prefix) against the
session's Kafka broker and produces real messages with kafka-python.
"""

from __future__ import annotations

import json

import pytest
import requests

from tests.events import raw
from tests.support import wait_until

pytestmark = pytest.mark.integration

TS = "2026-04-07T09:{minute:02d}:00+02:00"


def phone_event(event_id: str, event_type: str, call_id: str, minute: int = 0, queue: str = "algemeen",
                municipality: str = "groningen", **fields: object) -> dict:
    """One call event as a producer sends it, at 09:``minute`` on Tuesday 7 April 2026."""
    return raw(event_type, TS.format(minute=minute), municipality, event_id, call_id=call_id, line="14050",
               queue=queue, **fields)


def produce(broker, topic: str, events: list[dict | tuple[bytes | None, bytes]]) -> None:
    """Send events keyed by call_id (dicts) or raw (key, value) pairs, in order, and wait for acks."""
    producer = broker.producer()
    try:
        for item in events:
            if isinstance(item, dict):
                producer.send(topic, key=item["call_id"].encode(), value=json.dumps(item).encode())
            else:
                producer.send(topic, key=item[0], value=item[1])
        producer.flush(timeout=30)
    finally:
        producer.close()


PHONE = {"municipality": "groningen", "line": "14050", "queue": "algemeen"}
OTHER = {**PHONE, "queue": "other"}

# Groningen: service level 30 s (at most), short abandon 5 s (less than).
EVENTS = [
    phone_event("e1", "call.offered", "k1"),
    phone_event("e2", "call.answered", "k1", 1, wait_seconds=30),           # exactly the service level: within
    phone_event("e3", "call.ended", "k1", 4, talk_seconds=180, outcome="resolved"),
    phone_event("e4", "call.offered", "k2"),
    phone_event("e5", "call.answered", "k2", 1, wait_seconds=31),           # just outside
    phone_event("e6", "call.ended", "k2", 5, talk_seconds=240, outcome="transferred"),
    phone_event("e7", "call.offered", "k3"),
    phone_event("e8", "call.abandoned", "k3", 1, wait_seconds=4),           # short abandon
    phone_event("e9", "call.offered", "k4"),
    phone_event("e10", "call.abandoned", "k4", 1, wait_seconds=5),          # exactly the threshold: not short
    phone_event("e11", "call.offered", "k5", queue="geheim"),               # unconfigured queue → other
    phone_event("e12", "call.answered", "k5", 1, queue="geheim", wait_seconds=10),
    phone_event("e13", "call.ended", "k5", 3, queue="geheim", talk_seconds=60, outcome="callback_requested"),
]
DUPLICATES = [EVENTS[0], EVENTS[4], EVENTS[4]]


def test_phone_counters_are_exact_and_duplicates_count_once(kafka_broker, start_worker) -> None:
    worker = start_worker()
    produce(kafka_broker, worker.topic("call"), EVENTS + DUPLICATES)
    worker.wait_for_total("kcc_events_total", len(EVENTS))
    worker.wait_for_total("kcc_events_duplicate_total", len(DUPLICATES))

    samples = worker.samples()

    def value(name: str, labels: dict) -> float:
        return samples.get((name, frozenset(labels.items())), 0.0)

    assert value("kcc_calls_offered_total", PHONE) == 4
    assert value("kcc_calls_offered_total", OTHER) == 1
    assert value("kcc_calls_answered_total", PHONE) == 2
    assert value("kcc_calls_answered_within_service_level_total", PHONE) == 1
    assert value("kcc_calls_answered_total", OTHER) == 1
    assert value("kcc_calls_answered_within_service_level_total", OTHER) == 1
    assert value("kcc_calls_abandoned_total", PHONE) == 2
    assert value("kcc_calls_short_abandoned_total", PHONE) == 1
    assert value("kcc_calls_ended_total", {**PHONE, "outcome": "resolved"}) == 1
    assert value("kcc_calls_ended_total", {**PHONE, "outcome": "transferred"}) == 1
    assert value("kcc_calls_ended_total", {**OTHER, "outcome": "callback_requested"}) == 1
    assert value("kcc_contacts_total", {"municipality": "groningen", "channel": "phone"}) == 5
    # Wait histogram of answered calls: 30 and 31 s on algemeen, 10 s on other.
    assert value("kcc_call_wait_seconds_bucket", {**PHONE, "le": "20.0"}) == 0
    assert value("kcc_call_wait_seconds_bucket", {**PHONE, "le": "30.0"}) == 1
    assert value("kcc_call_wait_seconds_bucket", {**PHONE, "le": "45.0"}) == 2
    assert value("kcc_call_wait_seconds_bucket", {**PHONE, "le": "+Inf"}) == 2
    assert value("kcc_call_wait_seconds_sum", PHONE) == 61
    assert value("kcc_call_wait_seconds_count", PHONE) == 2
    assert value("kcc_call_wait_seconds_bucket", {**OTHER, "le": "5.0"}) == 0
    assert value("kcc_call_wait_seconds_bucket", {**OTHER, "le": "10.0"}) == 1
    assert value("kcc_call_wait_seconds_sum", OTHER) == 10
    # Pipeline health: per type, duplicates apart.
    assert value("kcc_events_total", {"municipality": "groningen", "type": "call.offered"}) == 5
    assert value("kcc_events_duplicate_total", {"municipality": "groningen", "type": "call.answered", "cause": "source"}) == 2
    assert value("kcc_events_duplicate_total", {"municipality": "groningen", "type": "call.offered", "cause": "source"}) == 1
    assert value("kcc_last_event_timestamp_seconds", {"municipality": "groningen", "family": "call"}) > 1.7e9
    assert not [key for key in samples if key[0] == "kcc_dead_letters_total"]
    # Consumer lag per assigned partition of the call topic: nothing left behind.
    lag = {dict(labels)["partition"]: v for (name, labels), v in samples.items()
           if name == "kcc_consumer_lag_messages" and dict(labels)["topic"] == worker.topic("call")}
    assert lag and set(lag.values()) == {0.0}, lag


def test_invalid_messages_go_to_the_dead_letter_topic_and_processing_continues(kafka_broker, start_worker) -> None:
    worker = start_worker()
    topic = worker.topic("call")
    naive = phone_event("d2", "call.offered", "k2")
    naive["ts"] = "2026-04-07T09:00:00"
    unknown_field = phone_event("d3", "call.offered", "k3", caller_name="x")
    unknown_municipality = phone_event("d4", "call.offered", "k4", municipality="atlantis")
    visit = {"event_id": "d5", "type": "visit.no_show", "ts": TS.format(minute=0), "municipality": "groningen",
             "visit_id": "b5", "location": "haren"}
    invalid = {
        "invalid_json": (b"k1", b'{"event_id": "d1", "type": '),
        "naive_timestamp": (b"k2", json.dumps(naive).encode()),
        "unknown_field": (b"k3", json.dumps(unknown_field).encode()),
        "unknown_municipality": (b"k4", json.dumps(unknown_municipality).encode()),
        "wrong_topic": (b"b5", json.dumps(visit).encode()),
    }
    valid_after = [phone_event("ok1", "call.offered", "k1"), phone_event("ok2", "call.offered", "k6")]
    produce(kafka_broker, topic, [*invalid.values(), *valid_after])

    worker.wait_for("kcc_calls_offered_total", 2, **PHONE)
    records = kafka_broker.read(worker.dead_letter_topic, len(invalid))
    by_reason = {json.loads(r.value)["reason"]: r for r in records}
    assert set(by_reason) == set(invalid)
    import base64

    for reason, (key, original) in invalid.items():
        record = json.loads(by_reason[reason].value)
        assert base64.b64decode(record["original_base64"]) == original
        assert record["topic"] == topic
        assert record["original_size"] == len(original) and record["truncated"] is False
        assert isinstance(record["partition"], int) and isinstance(record["offset"], int)
        assert record["detail"]
        assert by_reason[reason].key == key
        assert worker.value("kcc_dead_letters_total", topic=topic, reason=reason) == 1
    assert worker.total("kcc_events_total") == 2


def test_dead_letter_keeps_at_most_the_configured_bytes(kafka_broker, start_worker) -> None:
    worker = start_worker(KCC_DEAD_LETTER_MAX_BYTES="16")
    original = b"not json at all, and rather long: " + b"x" * 100
    produce(kafka_broker, worker.topic("call"), [(b"k1", original)])
    record = json.loads(kafka_broker.read(worker.dead_letter_topic, 1)[0].value)
    import base64

    assert base64.b64decode(record["original_base64"]) == original[:16]
    assert record["truncated"] is True and record["original_size"] == len(original)


def test_wrongly_keyed_message_is_rekeyed_and_counted_once(kafka_broker, start_worker) -> None:
    worker = start_worker()
    offered = phone_event("w1", "call.offered", "k1")
    answered = phone_event("w2", "call.answered", "k1", 1, wait_seconds=12)
    produce(kafka_broker, worker.topic("call"), [
        (b"not-the-call-id", json.dumps(offered).encode()),
        (None, json.dumps(answered).encode()),
        offered,  # the same event again, keyed properly: a duplicate
    ])
    worker.wait_for_total("kcc_events_total", 2)
    worker.wait_for_total("kcc_events_duplicate_total", 1)
    assert worker.value("kcc_calls_offered_total", **PHONE) == 1
    assert worker.value("kcc_calls_answered_total", **PHONE) == 1
    rekeyed = kafka_broker.read(f"{worker.prefix}.rekeyed.call", 2)
    assert {r.key for r in rekeyed} == {b"k1"}


def test_restarted_worker_recovers_its_records_from_the_changelog(kafka_broker, start_worker) -> None:
    worker = start_worker()
    first = [phone_event("r1", "call.offered", f"k{i}") for i in range(1, 9)]
    first = [dict(e, event_id=f"r{i}") for i, e in enumerate(first, 1)]
    produce(kafka_broker, worker.topic("call"), first)
    worker.wait_for_total("kcc_calls_offered_total", len(first))
    worker.stop()

    worker.start()  # same app id, topics and group: a new process with empty memory
    assert worker.total("kcc_calls_offered_total") == 0
    later = phone_event("r100", "call.offered", "k100")
    produce(kafka_broker, worker.topic("call"), [*first, later])
    worker.wait_for_total("kcc_events_duplicate_total", len(first))
    worker.wait_for_total("kcc_calls_offered_total", 1)
    assert worker.value("kcc_events_total", municipality="groningen", type="call.offered") == 1


def _read_until(broker, topic: str, done, timeout: float) -> list:
    """Records of ``topic`` from the beginning until ``done(records so far)`` holds."""
    import time

    from kafka import KafkaConsumer

    consumer = KafkaConsumer(topic, bootstrap_servers=broker.bootstrap.split(","), auto_offset_reset="earliest",
                             enable_auto_commit=False, group_id=None)
    records: list = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                for record in batch:
                    records.append(record)
                    if done(records):
                        return records
    finally:
        consumer.close()
    pytest.fail(f"{topic}: no matching record after {timeout}s in {len(records)} records")


def test_final_records_are_compacted_into_daily_aggregates_and_open_ones_stay(kafka_broker, start_worker) -> None:
    worker = start_worker(KCC_COMPACTION_AFTER_SECONDS="1", KCC_LIVE_TIMER_SECONDS="0.5")
    done = [phone_event("c1", "call.offered", "k1"), phone_event("c2", "call.answered", "k1", 1, wait_seconds=12),
            phone_event("c3", "call.ended", "k1", 3, talk_seconds=90, outcome="resolved")]
    still_open = phone_event("c4", "call.offered", "k2")
    produce(kafka_broker, worker.topic("call"), [*done, still_open])
    worker.wait_for_total("kcc_events_total", 4)
    # records: JSON values of k1 (one per batch that changed it) and k2, then k1's tombstone once compacted.
    records = _read_until(kafka_broker, f"{worker.app_id}-records-changelog",
                          lambda rs: any(r.value is None for r in rs) and b"k2" in b"".join(r.key for r in rs),
                          timeout=30)
    keys = [json.loads(r.key) for r in records]
    assert set(keys) == {"groningen|call|k1", "groningen|call|k2"}
    k1 = [r.value for r in records if json.loads(r.key) == "groningen|call|k1"]
    assert k1[-1] is None and None not in k1[:-1]
    last_k1 = json.loads(k1[-2])
    assert [slot is not None for slot in (last_k1["record"][name] for name in ("offered", "answered", "ended"))] \
        == [True, True, True]
    value = json.loads(next(r.value for r in records if json.loads(r.key) == "groningen|call|k2"))
    assert value["record"]["offered"][1:] == ["14050", "algemeen"] and isinstance(value["updated"], float)
    # daily: the finished call's contributions under its local day.
    (daily,) = kafka_broker.read(f"{worker.app_id}-daily-changelog", 1, timeout=30)
    assert json.loads(daily.key) == "groningen|2026-04-07"
    cells = {(c["indicator"], tuple(c["scope"].items())): c for c in json.loads(daily.value)["cells"]}
    scope = (("line", "14050"), ("queue", "algemeen"))
    assert cells[("bereikbaarheid", scope)] == {"indicator": "bereikbaarheid", "scope": dict(scope),
                                               "day": "2026-04-07", "n": 1, "hits": 1, "sum": 0, "pending": 0}
    assert cells[("wachttijd_telefoon", scope)]["sum"] == 12_000
    assert cells[("contacten", (("channel", "phone"),))]["n"] == 1
    # The counters were not touched by compaction.
    assert worker.value("kcc_calls_offered_total", **PHONE) == 2


def test_worker_serves_metrics_but_not_tables_or_routes(start_worker) -> None:
    worker = start_worker()
    answer = requests.get(f"{worker.url}/metrics", timeout=5)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "# TYPE kcc_calls_offered_total counter" in answer.text
    for path in ("/table/", "/table/records/", "/table/daily/", "/router/", "/router/records/", "/graph/", "/stats/"):
        assert requests.get(f"{worker.url}{path}", timeout=5).status_code == 404, path


def test_two_workers_of_one_app_share_the_partitions(kafka_broker, start_worker) -> None:
    first = start_worker()
    second = start_worker(KCC_APP_ID=first.app_id, KCC_TOPIC_PREFIX=first.prefix)
    events = [phone_event(f"s{i}", "call.offered", f"k{i}") for i in range(40)]
    produce(kafka_broker, first.topic("call"), events + events[:10])

    def both(name: str) -> float:
        return first.total(name) + second.total(name)

    wait_until(lambda: (both("kcc_events_total"), both("kcc_events_duplicate_total")) == (40, 10), 90,
               lambda: f"{both('kcc_events_total')} counted, {both('kcc_events_duplicate_total')} duplicates\n"
                       f"{first.log()[-2000:]}\n{second.log()[-2000:]}", interval=0.3)
    # Each worker counted its own share of the items, and no item twice.
    assert first.total("kcc_calls_offered_total") > 0 and second.total("kcc_calls_offered_total") > 0

"""No message can stop an agent (issue 10): hostile messages through the real broker into a real worker
become bounded dead letters, and the valid events right after them are all counted."""

from __future__ import annotations

import json

import pytest

from tests.streams.test_phone_pipeline import PHONE, phone_event, produce

pytestmark = pytest.mark.integration

HOSTILE = "é" * 300_000


def test_hostile_messages_become_bounded_dead_letters_and_the_50_events_after_them_are_counted(
        kafka_broker, start_worker) -> None:
    worker = start_worker()
    topic = worker.topic("call")
    huge_type = {**phone_event("h1", "call.offered", "k1"), "type": HOSTILE}
    huge_field = {**phone_event("h2", "call.offered", "k1"), HOSTILE: 1}
    year_1 = phone_event("h3", "call.offered", "k1")
    year_1["ts"] = "0001-01-01T00:00:00+14:00"
    year_9999 = phone_event("h4", "call.offered", "k1")
    year_9999["ts"] = "9999-12-31T23:59:59-12:00"
    hostile = [(b"k1", json.dumps(body, ensure_ascii=False).encode())
               for body in (huge_type, huge_field, year_1, year_9999)]
    valid = [phone_event(f"v{i}", "call.offered", f"k{i}") for i in range(50)]
    producer = kafka_broker.producer()
    try:
        # A compaction command whose key is not text: handling it raises, so it is an internal error.
        producer.send(f"{worker.prefix}.rekeyed.call", key=b"\xff", value=b"\xff\xfe", partition=0,
                      headers=[("kcc-command", b"compact")])
        producer.flush(timeout=30)
    finally:
        producer.close()
    produce(kafka_broker, topic, [*hostile, *valid])

    worker.wait_for_total("kcc_calls_offered_total", 50)
    assert worker.value("kcc_calls_offered_total", **PHONE) == 50
    worker.wait_for_total("kcc_dead_letters_total", 5)
    records = [json.loads(r.value) for r in kafka_broker.read(worker.dead_letter_topic, 5)]
    assert sorted(r["reason"] for r in records) == [
        "internal_error", "timestamp_out_of_range", "timestamp_out_of_range", "unknown_field", "unknown_type"]
    for record in records:
        assert len(json.dumps(record)) < 8 * 1024
        assert len(json.dumps(record["detail"])) <= 1026
    internal = next(r for r in records if r["reason"] == "internal_error")
    assert internal["topic"] == f"{worker.prefix}.rekeyed.call" and "UnicodeDecodeError" in internal["detail"]
    assert worker.value("kcc_dead_letters_total", topic=topic, reason="timestamp_out_of_range") == 2
    assert worker.total("kcc_dead_letter_send_failures_total") == 0
    assert "Traceback" not in worker.log()

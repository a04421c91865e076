"""Routing of one message without a broker: dead letter, re-key, or process (streams/agents.py)."""

from __future__ import annotations

import json

from streams import deadletter
from streams.agents import decide

OFFERED = {"event_id": "c-1", "type": "call.offered", "ts": "2026-04-07T09:00:00+02:00",
           "municipality": "groningen", "call_id": "k1", "line": "14050", "queue": "algemeen"}


def _decide(value: dict | bytes, key: bytes | None, topic_family: str = "call", rekeyed: bool = False):
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return decide(raw, key, topic_family, rekeyed=rekeyed, municipalities=frozenset({"groningen"}))


def test_properly_keyed_event_is_processed() -> None:
    decision = _decide(OFFERED, b"k1")
    assert decision.action == "process" and decision.event.call_id == "k1"


def test_event_keyed_otherwise_or_unkeyed_is_rekeyed() -> None:
    assert _decide(OFFERED, b"groningen").action == "rekey"
    assert _decide(OFFERED, None).action == "rekey"


def test_event_on_the_rekeyed_topic_is_processed_whatever_its_key() -> None:
    assert _decide(OFFERED, b"anything", rekeyed=True).action == "process"


def test_event_of_another_family_is_a_wrong_topic_dead_letter() -> None:
    decision = _decide(OFFERED, b"k1", topic_family="visit")
    assert (decision.action, decision.reason) == ("dead_letter", deadletter.WRONG_TOPIC)
    assert "call.offered" in decision.detail


def test_invalid_messages_are_dead_letters_with_the_contract_reason() -> None:
    assert _decide(b"{nope", b"k1").reason == "invalid_json"
    assert _decide(b"", None).reason == "invalid_json"
    assert _decide({**OFFERED, "municipality": "atlantis"}, b"k1").reason == "unknown_municipality"
    assert _decide({**OFFERED, "ts": "2026-04-07T09:00:00"}, b"k1").reason == "naive_timestamp"
    assert _decide({**OFFERED, "name": "x"}, b"k1").reason == "unknown_field"


def test_dead_letter_record_is_json_with_original_bytes_truncated() -> None:
    value = deadletter.record(b"\xff\x00binary", reason="invalid_json", detail="x", topic="t", partition=3,
                              offset=7, max_bytes=4, now=10.0)
    record = json.loads(value)
    assert record == {"reason": "invalid_json", "detail": "x", "topic": "t", "partition": 3, "offset": 7,
                      "original_base64": "/wBiaQ==", "original_size": 8, "truncated": True,
                      "dead_lettered_at": 10.0}
    assert deadletter.original(value) == b"\xff\x00bi"

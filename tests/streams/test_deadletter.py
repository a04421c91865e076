"""``streams.deadletter``: records bounded whatever the message holds, and sends that never give up."""

from __future__ import annotations

import asyncio
import json

import pytest

from monitor.events import InvalidEvent, parse_event
from streams import deadletter

HOSTILE = "é" * 300_000


def _record(detail: str, raw: bytes = b"x") -> dict:
    return json.loads(deadletter.record(raw, reason="unknown_type", detail=detail, topic="kcc.events.call",
                                        partition=0, offset=1, max_bytes=4096, now=1.0))


@pytest.mark.parametrize("body", [
    {"event_id": "e1", "type": HOSTILE, "ts": "2026-04-07T09:00:00+02:00"},
    {"event_id": "e1", "type": "call.offered", HOSTILE: 1, "ts": "2026-04-07T09:00:00+02:00",
     "municipality": "groningen", "call_id": "k1", "line": "14050", "queue": "algemeen"},
])
def test_a_huge_type_or_field_name_gives_a_dead_letter_of_a_few_kib(body) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode()
    with pytest.raises(InvalidEvent) as caught:
        parse_event(raw, {"groningen"})
    value = deadletter.record(raw, reason=caught.value.reason, detail=caught.value.detail, topic="t",
                              partition=0, offset=0, max_bytes=4096, now=1.0)
    assert len(value) < 8 * 1024
    record = json.loads(value)
    assert record["original_size"] == len(raw) and record["truncated"] is True
    assert record["reason"] in ("unknown_type", "unknown_field")


def test_detail_is_capped_at_1_kib_after_escaping_and_says_so() -> None:
    detail = _record(HOSTILE)["detail"]
    assert len(json.dumps(detail)) - 2 <= deadletter.DETAIL_MAX_CHARS
    assert detail.endswith("…") and detail.startswith("éé")
    assert _record("short and plain")["detail"] == "short and plain"
    exact = "a" * deadletter.DETAIL_MAX_CHARS
    assert _record(exact)["detail"] == exact


def test_key_is_truncated_and_minimal_record_keeps_what_why_and_where() -> None:
    assert deadletter.key(b"k" * 10_000) == b"k" * deadletter.KEY_MAX_BYTES
    assert deadletter.key(None) is None
    full = deadletter.record(b"original", reason="invalid_json", detail="x", topic="kcc.events.call",
                             partition=2, offset=9, max_bytes=4096, now=1.0)
    small = json.loads(deadletter.minimal(full))
    assert (small["reason"], small["topic"], small["partition"], small["offset"]) == (
        "invalid_json", "kcc.events.call", 2, 9)
    assert small["original_base64"] == "" and small["truncated"] is True and small["original_size"] == 8


def test_internal_error_detail_names_the_exception_type() -> None:
    assert deadletter.internal_error_detail(KeyError("x")) == "builtins.KeyError: 'x'"
    assert deadletter.INTERNAL_ERROR in deadletter.DEAD_LETTER_REASONS


def test_a_failing_send_is_counted_retried_with_backoff_then_sent_minimal_until_delivered() -> None:
    full = deadletter.record(b"x" * 100, reason="invalid_json", detail="d", topic="t", partition=0, offset=0,
                             max_bytes=4096, now=1.0)
    sent, failures, waits = [], [], []

    async def deliver(body: bytes) -> None:
        sent.append(body)
        if len(sent) <= 5:
            raise ConnectionError("broker away")

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    attempts = asyncio.run(deadletter.send(deliver, full, on_failure=failures.append, sleep=sleep))
    assert attempts == 6 and len(failures) == 5
    assert all(isinstance(f, ConnectionError) for f in failures)
    assert sent[:deadletter.FULL_ATTEMPTS] == [full] * deadletter.FULL_ATTEMPTS
    assert sent[-1] == deadletter.minimal(full)
    assert waits == [0.1, 0.2, 0.4, 0.8, 1.6]


def test_backoff_never_exceeds_its_longest_wait() -> None:
    count, waits = [0], []

    async def deliver(body: bytes) -> None:
        count[0] += 1
        if count[0] < 15:
            raise TimeoutError

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    asyncio.run(deadletter.send(deliver, deadletter.record(b"", reason="invalid_json", detail="", topic="t",
                                                           partition=0, offset=0, max_bytes=1),
                                on_failure=lambda exc: None, sleep=sleep))
    assert max(waits) == deadletter.BACKOFF_SECONDS[1] and len(waits) == 14

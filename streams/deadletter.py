"""Dead-letter records: an invalid message, why, and where it came from.

The record is JSON so any consumer can read it::

    {"reason": "naive_timestamp", "detail": "ts: …", "topic": "kcc.events.call",
     "partition": 2, "offset": 1041, "original_base64": "eyJldmVudF9pZCI6…",
     "original_size": 187, "truncated": false, "dead_lettered_at": 1775545203.1}

``original_base64`` holds the original bytes (at most ``Settings.dead_letter_max_bytes``),
base64 because an invalid message need not be text. ``reason`` is bounded:
``monitor.events.REASONS`` plus :data:`WRONG_TOPIC`; it is the metric label.
"""

from __future__ import annotations

import base64
import json
import time

from monitor.events import REASONS

WRONG_TOPIC = "wrong_topic"
"""A valid event published on another family's topic (``call.offered`` on the visit topic)."""

DEAD_LETTER_REASONS = (*REASONS, WRONG_TOPIC)


def record(raw: bytes | None, *, reason: str, detail: str, topic: str, partition: int, offset: int,
           max_bytes: int, now: float | None = None) -> bytes:
    """The dead-letter value (UTF-8 JSON bytes) for one invalid message."""
    assert reason in DEAD_LETTER_REASONS, reason
    original = raw or b""
    kept = original[:max_bytes]
    return json.dumps({
        "reason": reason,
        "detail": detail,
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "original_base64": base64.b64encode(kept).decode("ascii"),
        "original_size": len(original),
        "truncated": len(kept) < len(original),
        "dead_lettered_at": time.time() if now is None else now,
    }, separators=(",", ":")).encode("utf-8")


def original(value: bytes) -> bytes:
    """The (possibly truncated) original bytes of a dead-letter record."""
    return base64.b64decode(json.loads(value)["original_base64"])

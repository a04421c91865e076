"""Dead-letter records: an invalid message, why, and where it came from; and sending them reliably.

The record is JSON so any consumer can read it::

    {"reason": "naive_timestamp", "detail": "ts: …", "topic": "kcc.events.call",
     "partition": 2, "offset": 1041, "original_base64": "eyJldmVudF9pZCI6…",
     "original_size": 187, "truncated": false, "dead_lettered_at": 1775545203.1}

``original_base64`` holds the original bytes (at most ``Settings.dead_letter_max_bytes``),
base64 because an invalid message need not be text. ``detail`` is at most
:data:`DETAIL_MAX_CHARS` characters once JSON-escaped, so a record stays a few KiB
whatever the message held. ``reason`` is bounded: ``monitor.events.REASONS`` plus
:data:`WRONG_TOPIC` and :data:`INTERNAL_ERROR`; it is the metric label.

:func:`send` never drops a dead letter silently: a failed send is counted, logged and
retried with backoff; after :data:`FULL_ATTEMPTS` failures the record is sent without
its original bytes and detail (:func:`minimal`), until it is delivered.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from monitor.events import REASONS

log = logging.getLogger(__name__)

WRONG_TOPIC = "wrong_topic"
"""A valid event published on another family's topic (``call.offered`` on the visit topic)."""
INTERNAL_ERROR = "internal_error"
"""Handling the message raised an unexpected exception (a bug): ``detail`` names its type."""

DEAD_LETTER_REASONS = (*REASONS, WRONG_TOPIC, INTERNAL_ERROR)

DETAIL_MAX_CHARS = 1024
"""Characters of ``detail`` in a record, at most, counted after JSON escaping (ASCII)."""
KEY_MAX_BYTES = 256
"""Bytes of the original Kafka key kept as the dead letter's key."""
FULL_ATTEMPTS = 3
"""Sends of the full record before falling back to :func:`minimal`."""
BACKOFF_SECONDS = (0.1, 30.0)
"""First and longest wait between two attempts, seconds (doubling in between)."""


def record(raw: bytes | None, *, reason: str, detail: str, topic: str, partition: int, offset: int,
           max_bytes: int, now: float | None = None) -> bytes:
    """The dead-letter value (UTF-8 JSON bytes) for one invalid message."""
    assert reason in DEAD_LETTER_REASONS, reason
    original = raw or b""
    kept = original[:max_bytes]
    return json.dumps({
        "reason": reason,
        "detail": _capped(detail),
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "original_base64": base64.b64encode(kept).decode("ascii"),
        "original_size": len(original),
        "truncated": len(kept) < len(original),
        "dead_lettered_at": time.time() if now is None else now,
    }, separators=(",", ":")).encode("utf-8")


def minimal(value: bytes) -> bytes:
    """A dead-letter record without its original bytes and detail (the fallback when the full one cannot
    be sent): what, why and where are kept, so the message can be read again from its topic."""
    data = json.loads(value)
    data.update(detail="", original_base64="", truncated=data["original_size"] > 0)
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def key(raw: bytes | None) -> bytes | None:
    """The dead letter's key: the original key, at most :data:`KEY_MAX_BYTES`."""
    return None if raw is None else raw[:KEY_MAX_BYTES]


def internal_error_detail(exc: BaseException) -> str:
    """``detail`` of an :data:`INTERNAL_ERROR`: the exception's type and message (capped by :func:`record`)."""
    return f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"


async def send(deliver: Callable[[bytes], Awaitable[Any]], value: bytes, *,
               on_failure: Callable[[BaseException], None],
               sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> int:
    """Deliver ``value`` with ``deliver`` (which returns once the broker has it) until it succeeds;
    returns the attempts it took. Every failure calls ``on_failure`` (count and log it); after
    :data:`FULL_ATTEMPTS` failures the :func:`minimal` record is sent instead."""
    wait, longest = BACKOFF_SECONDS
    attempt = 0
    while True:
        attempt += 1
        try:
            await deliver(value if attempt <= FULL_ATTEMPTS else minimal(value))
            return attempt
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 (any failure of the producer or broker)
            on_failure(exc)
        await sleep(wait)
        wait = min(wait * 2, longest)


def original(value: bytes) -> bytes:
    """The (possibly truncated) original bytes of a dead-letter record."""
    return base64.b64decode(json.loads(value)["original_base64"])


def _capped(detail: str) -> str:
    escaped = json.dumps(detail)[1:-1]
    if len(escaped) <= DETAIL_MAX_CHARS:
        return detail
    kept, size = [], 0
    for char in detail:
        size += len(json.dumps(char)) - 2
        if size > DETAIL_MAX_CHARS - 6:  # room for the escaped ellipsis
            break
        kept.append(char)
    return "".join(kept) + "…"

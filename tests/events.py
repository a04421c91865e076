"""The one place tests build events: raw JSON objects, parsed events, and whole calls.

Parsed events pass the real ``parse_event`` (no shortcuts), so a test event is exactly
what a producer could send. Imported as ``tests.events`` everywhere.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from monitor.events import Event, parse_event

_IDS = itertools.count(1)


def raw(type: str, ts: str, municipality: str = "groningen", event_id: str | None = None,
        **fields: Any) -> dict[str, Any]:
    """An event as the JSON object a producer sends; ``event_id`` defaults to a fresh unique id."""
    return {"event_id": event_id or f"t-{next(_IDS)}", "type": type, "ts": ts, "municipality": municipality,
            **fields}


def event(type: str, ts: str, municipality: str = "groningen", event_id: str | None = None, **fields: Any) -> Event:
    """A parsed event (see :func:`raw`)."""
    return parse_event(json.dumps(raw(type, ts, municipality, event_id, **fields)))


def call(call_id: str, offered: str, *, answered: tuple[str, float] | None = None,
         abandoned: tuple[str, float] | None = None, ended: tuple[str, str] | None = None,
         line: str = "14050", queue: str = "algemeen", municipality: str = "groningen") -> list[Event]:
    """The events of one call: ``answered=(ts, wait_seconds)``, ``ended=(ts, outcome)``."""
    common = {"call_id": call_id, "line": line, "queue": queue, "municipality": municipality}
    events = [event("call.offered", offered, **common)]
    if answered:
        events.append(event("call.answered", answered[0], wait_seconds=answered[1], **common))
    if abandoned:
        events.append(event("call.abandoned", abandoned[0], wait_seconds=abandoned[1], **common))
    if ended:
        events.append(event("call.ended", ended[0], talk_seconds=60, outcome=ended[1], **common))
    return events

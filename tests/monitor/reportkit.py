"""Small builders for report tests: events from keyword arguments, sources from event lists.

Events pass the real ``parse_event`` (no shortcuts), so a test event is exactly
what a producer could send.
"""

from __future__ import annotations

import io
import itertools
import json
from datetime import datetime
from typing import Any

from monitor.aggregates import Aggregate, Aggregates
from monitor.config import Config
from monitor.events import event_to_json, parse_event
from monitor.indicators import contributions
from monitor.records import RecordStore
from monitor.sources import EventFileSource

_IDS = itertools.count(1)


def event(type: str, ts: str, municipality: str = "groningen", event_id: str | None = None, **fields: Any):
    """A parsed event; ``event_id`` defaults to a fresh unique id."""
    raw = {"event_id": event_id or f"t-{next(_IDS)}", "type": type, "ts": ts, "municipality": municipality,
           **fields}
    return parse_event(json.dumps(raw))


def call(call_id: str, offered: str, *, answered: tuple[str, float] | None = None,
         abandoned: tuple[str, float] | None = None, ended: tuple[str, str] | None = None,
         line: str = "14050", queue: str = "algemeen", municipality: str = "groningen") -> list:
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


def source(events: list, config: Config) -> EventFileSource:
    """An event file source over ``events`` (written as JSON Lines in memory)."""
    data = "".join(event_to_json(e) + "\n" for e in events).encode()
    return EventFileSource(io.BytesIO(data), config)


def rows(events: list, config: Config, municipality: str, as_of: datetime) -> dict[tuple[str, tuple], Aggregate]:
    """Report rows (indicator, scope pairs) → Aggregate, straight from records and contributions."""
    store = RecordStore()
    for e in events:
        store.add(e)
    cells = Aggregates()
    for record in store:
        cells.add_all(contributions(record, config[municipality], as_of))
    return cells.rows()


def row(events: list, config: Config, municipality: str, as_of: datetime, indicator: str,
        **scope: str) -> Aggregate:
    """One row's aggregate (an empty Aggregate when the row has no items)."""
    found = rows(events, config, municipality, as_of)
    for (ind, key), aggregate in found.items():
        if ind == indicator and dict(key) == scope:
            return aggregate
    return Aggregate()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)

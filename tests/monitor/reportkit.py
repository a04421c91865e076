"""Small helpers for report tests: sources and report rows from event lists (events: ``tests.events``).

Imported as ``tests.monitor.reportkit`` everywhere.
"""

from __future__ import annotations

import io
from datetime import datetime

from monitor.aggregates import Aggregate, Aggregates
from monitor.config import Config
from monitor.events import event_to_json
from monitor.indicators import contributions
from monitor.records import RecordStore
from monitor.sources import EventFileSource

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

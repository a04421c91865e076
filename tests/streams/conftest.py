"""Fixtures of the worker's unit tests: an assembled worker (Faust app, tables in memory, a fresh
Prometheus registry) that never connects to a broker, and an event builder."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from prometheus_client import CollectorRegistry

from monitor.config import Config
from monitor.events import parse_event
from monitor.settings import Settings

TZ = ZoneInfo("Europe/Amsterdam")
T0 = datetime(2026, 4, 7, 10, 0, tzinfo=TZ)
"""Tuesday 7 April 2026, 10:00 local: a working day."""

_ids = itertools.count()


def event(event_type: str, minutes: float = 0, **fields: Any) -> Any:
    """A parsed Groningen event at ``T0 + minutes``; ``fields`` add to or override the defaults."""
    body = {"event_id": f"u{next(_ids)}", "type": event_type, "ts": (T0 + timedelta(minutes=minutes)).isoformat(),
            "municipality": "groningen", **fields}
    return parse_event(json.dumps(body))


def call(event_type: str, minutes: float = 0, call_id: str = "k1", **fields: Any) -> Any:
    return event(event_type, minutes, call_id=call_id, line="14050", queue="algemeen", **fields)


@pytest.fixture
def unit_worker(config: Config, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """``unit_worker(**settings)``: ``streams.agents.build`` with its own registry; no broker needed
    (changelog messages wait in the producer's buffer, whose futures need an event loop: a fresh one)."""
    from streams.agents import build

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def make(**settings: Any) -> Any:
        registry = CollectorRegistry()
        return build(Settings(app_id=f"unit-{next(_ids)}", data_dir=tmp_path / "faust", **settings), config,
                     registry)

    yield make
    asyncio.set_event_loop(None)
    loop.close()

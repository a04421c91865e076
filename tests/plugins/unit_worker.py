"""Fixture plugin: an assembled worker for unit tests (``unit_worker``) — the Faust app with its tables in
memory and a fresh Prometheus registry, never connected to a broker."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from monitor.config import Config
from monitor.settings import Settings

_ids = itertools.count()


@pytest.fixture
def unit_worker(config: Config, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """``unit_worker(**settings)``: ``streams.agents.build`` with its own registry; no broker needed
    (changelog messages wait in the producer's buffer, whose futures need an event loop: a fresh one)."""
    from streams.agents import build

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def make(**settings: Any) -> Any:
        return build(Settings(app_id=f"unit-{next(_ids)}", data_dir=tmp_path / "faust", **settings), config,
                     CollectorRegistry())

    yield make
    asyncio.set_event_loop(None)
    loop.close()

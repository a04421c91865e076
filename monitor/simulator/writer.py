"""Simulated events as JSON Lines: the simulator's one function that writes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO

from monitor.events import Event, event_to_json

BATCH_LINES = 4096
"""Lines joined per write call (fewer, larger writes)."""


def write_jsonl(events: Iterable[Event], path: Path | str | IO[str]) -> int:
    """Write events as JSON Lines (EVENTS.md: one compact object per line); returns the count.

    ``path`` may be an open text stream (e.g. ``sys.stdout``).
    """
    if not isinstance(path, (str, Path)):
        return _write_lines(events, path)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        return _write_lines(events, handle)


def _write_lines(events: Iterable[Event], handle: IO[str]) -> int:
    count = 0
    batch: list[str] = []
    for event in events:
        batch.append(event_to_json(event))
        count += 1
        if len(batch) >= BATCH_LINES:
            handle.write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        handle.write("\n".join(batch) + "\n")
    return count

"""The working calendar of a municipality, built once per configuration object (``monitor.calendar``)."""

from __future__ import annotations

from typing import Any

from monitor.config import Municipality

_CACHE: dict[int, tuple[Municipality, Any]] = {}


def calendar(municipality: Municipality) -> Any:
    """``monitor.calendar.calendar_for(municipality)``, cached by the configuration object's identity
    (the municipality is kept alive in the cache, so its id cannot be reused)."""
    entry = _CACHE.get(id(municipality))
    if entry is None or entry[0] is not municipality:
        from monitor.calendar import calendar_for

        entry = _CACHE[id(municipality)] = (municipality, calendar_for(municipality))
    return entry[1]

"""Instants as integer microseconds since the Unix epoch: how records, the calendar and the tables keep time.

Integers compare and subtract exactly and cost less to keep than aware datetimes; an event's own instant is
converted once (``monitor.events``' ``ts_us``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def to_us(ts: datetime) -> int:
    """An aware datetime as integer microseconds since the Unix epoch (exact, no float).

    From the difference's fields rather than ``// timedelta(microseconds=1)``: a quarter less time, and this
    runs several times per event.
    """
    d = ts - _EPOCH
    return (d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds


def from_us(us: int, tz: Any = timezone.utc) -> datetime:
    """Integer microseconds since the epoch as an aware datetime in ``tz``."""
    return (_EPOCH + timedelta(microseconds=us)).astimezone(tz)

"""Contributions and the helpers every indicator module shares (units and scopes: :mod:`.spec`).

Exact arithmetic: a contribution's ``sum`` is an integer in a fixed small unit
per indicator unit (``SCALE``): milliseconds for ``seconds`` and ``minutes``
(value = sum ÷ n ÷ 1000, or ÷ 60000), thousandths of a grade for ``grade``. Ratios
are ``hits`` ÷ ``n`` and counts are ``n``. Integers add up identically in any
order, so a live stream summing per-day aggregates and a report summing items
give the same value to the last bit.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from monitor.config import Municipality
from monitor.indicators.spec import Unit
from monitor.instants import to_us
from monitor.records import Record, slots

ScopeKey = tuple[tuple[str, str], ...]
"""A scope as ``((dimension, value), …)`` in the indicator's dimension order (hashable, JSON-able)."""

SCALE: dict[Unit, int] = {"seconds": 1000, "minutes": 60_000, "grade": 1000}
"""Integer ``sum`` units per value unit: value = sum / n / SCALE[unit] (means only)."""

_BOUNDED_BY_CONFIG = frozenset({"line", "queue", "department", "location"})


class Contribution(NamedTuple):
    """What one item adds to one indicator in one scope on one local day.

    ``scope`` is the item's *full* scope (every dimension it has a value for);
    the report rolls it up into the whole-municipality row, one row per single
    dimension value and the full combination. ``day`` is the local date (the
    municipality's zone) of the item's originating event. A decided item has
    ``n = 1`` (``hits`` 0/1 for ratios, ``sum`` in ``SCALE`` units for means);
    an item whose outcome is unknown at ``as_of`` has ``n = 0, pending = 1``.
    """

    indicator: str
    scope: ScopeKey
    day: date
    n: int = 1
    hits: int = 0
    sum: int = 0
    pending: int = 0

    @property
    def scope_dict(self) -> dict[str, str]:
        return dict(self.scope)


def as_us(moment: datetime | int) -> int:
    """``as_of`` as µs since the epoch (accepts an aware datetime or an int already in µs)."""
    return moment if isinstance(moment, int) else to_us(moment)


def local_day(us: int, municipality: Municipality) -> date:
    """The local calendar date of an instant (µs since the epoch) in the municipality's zone.

    Every indicator asks it once per item per evaluation, the stream several times per event, and
    ``datetime.fromtimestamp`` in a ``ZoneInfo`` costs ≈ 1 µs: the last day found per zone is kept as its
    interval of instants, and an instant inside it costs a comparison."""
    known = _LAST_DAY.get(municipality.timezone)
    if known is not None and known[0] <= us < known[1]:
        return known[2]
    tz = municipality.tz
    day = _date_of(us, tz)
    first, after = _midnight_us(day, tz), _midnight_us(day + timedelta(days=1), tz)
    if _date_of(first, tz) == day and _date_of(first - 1, tz) < day and _date_of(after - 1, tz) == day \
            and _date_of(after, tz) > day:  # the interval's ends checked in the zone, not assumed
        _LAST_DAY[municipality.timezone] = (first, after, day)
    return day


_LAST_DAY: dict[str, tuple[int, int, date]] = {}
"""Per time zone name, the last local day :func:`local_day` found: its first µs, the next day's first µs, the
date."""


def _date_of(us: int, tz: tzinfo) -> date:
    return datetime.fromtimestamp(us // 1_000_000, tz).date()


def _midnight_us(day: date, tz: tzinfo) -> int:
    return to_us(datetime.combine(day, time(), tz))


def scope_value(municipality: Municipality, dimension: str, value: str) -> str:
    """A bounded scope value: configured slugs as they are, anything else ``other``.

    ``visit_type`` and ``channel`` are bounded by the event contract already.
    """
    return municipality.label(dimension, value) if dimension in _BOUNDED_BY_CONFIG else value


def pending(indicator: str, scope: ScopeKey, day: date) -> Contribution:
    return Contribution(indicator, scope, day, 0, 0, 0, 1)


def ratio(indicator: str, scope: ScopeKey, day: date, hit: bool) -> Contribution:
    return Contribution(indicator, scope, day, 1, 1 if hit else 0, 0, 0)


def mean(indicator: str, scope: ScopeKey, day: date, amount: int) -> Contribution:
    return Contribution(indicator, scope, day, 1, 0, amount, 0)


def all_known(record: Record, as_of_us: int) -> bool:
    """Whether every event the record holds happened at or before ``as_of`` (nothing it holds is news later)."""
    return all(slot is None or slot[0] <= as_of_us for slot in slots(record))

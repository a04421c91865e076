"""The indicators of KPIS.md: what each item contributes, and nothing else decides the math.

For every record kind a pure function ``contributions(record, municipality,
as_of) -> list[Contribution]`` says what that one item adds to which indicator,
scope and local day, given what is known at ``as_of``. Everything downstream —
the offline report, the live stream's per-day aggregates, the monthly export —
only *adds* contributions (exact integers, so the order of adding never matters)
and divides at the end (:func:`monitor.aggregates.value`). So the numbers are
identical by construction wherever they are computed.

Modules, one per concept: :mod:`.spec` (the registry: what each indicator is —
unit, scope dimensions, Dutch title, live formula, alert settings),
:mod:`.phone` (calls), :mod:`.callbacks`, :mod:`.counter` (visits),
:mod:`.surveys`, :mod:`.letters`, :mod:`.contacts` (``contacten``,
``aandeel_digitaal`` and digital transactions). :func:`registered` adds an
indicator (a registry row and its contributions) for as long as a block runs.
"""

from __future__ import annotations

from datetime import datetime

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from monitor.config import Municipality
from monitor.indicators import callbacks, contacts, counter, letters, phone, surveys
from monitor.indicators.base import SCALE, Contribution, ScopeKey, as_us
from monitor.indicators.spec import REGISTRY, IndicatorSpec
from monitor.records import Record

__all__ = ["Contribution", "ScopeKey", "REGISTRY", "SCALE", "contributions", "decided", "is_final", "registered",
           "turning_points"]

Contributor = Callable[[Record, Municipality, int], list[Contribution]]
"""``(record, municipality, as_of in µs since the epoch) -> contributions`` of one record kind."""

_MODULES = {
    "call": phone,
    "callback": callbacks,
    "visit": counter,
    "letter": letters,
    "survey": surveys,
    "digital": contacts,
}
_EXTRA: dict[str, list[Contributor]] = {kind: [] for kind in _MODULES}


def contributions(record: Record, municipality: Municipality, as_of: datetime | int) -> list[Contribution]:
    """What one item contributes to the indicators at ``as_of`` (aware datetime or µs since the epoch).

    Events after ``as_of`` are not known yet and are ignored; an item whose
    originating event is after ``as_of`` (or has not arrived) contributes nothing.
    """
    as_of_us = as_us(as_of)
    result = _MODULES[record.KIND].contributions(record, municipality, as_of_us)
    for extra in _EXTRA[record.KIND]:
        result += extra(record, municipality, as_of_us)
    return result


def decided(items: Iterable[Contribution]) -> dict[str, Contribution]:
    """The decided (``n = 1``) contribution of each indicator; pending ones are left out."""
    return {c.indicator: c for c in items if c.n == 1}


def turning_points(record: Record, municipality: Municipality) -> list[int]:
    """The instants (µs since the epoch) at which time alone changes what the item contributes or whether it
    is final, besides the instants of its own events (an event is not known before it happened): the first
    µs past a deadline. A kind whose module defines no ``turning_points`` (calls, visits, surveys, digital
    transactions) changes with its events only. An indicator added by :func:`registered` is decided when its
    kind's items are, so it turns at the same instants."""
    turning = getattr(_MODULES[record.KIND], "turning_points", None)
    return [] if turning is None else turning(record, municipality)


def is_final(record: Record, municipality: Municipality, as_of: datetime | int) -> bool:
    """Whether the item's contributions can no longer change after ``as_of``: every event that
    decides its outcome has arrived. The stream may fold a final item into its per-day aggregates
    and forget the record; open items stay records and are evaluated at report time."""
    return _MODULES[record.KIND].is_final(record, municipality, as_us(as_of))


@contextmanager
def registered(spec: IndicatorSpec, kind: str, contributor: Contributor) -> Iterator[IndicatorSpec]:
    """An extra indicator while the block runs: its row in :data:`REGISTRY` and the contributions
    it draws from records of ``kind`` (decided when the kind's own items are: :func:`is_final`)."""
    REGISTRY.register(spec)
    _EXTRA[kind].append(contributor)
    try:
        yield spec
    finally:
        _EXTRA[kind].remove(contributor)
        REGISTRY.unregister(spec.id)

"""Callback indicators: ``terugbellen_1_werkdag`` and ``terugbellen_2_werkdagen`` (scope ``department``).

The deadline is N working days after the request (``WorkingCalendar.deadline_us``,
KPIS.md "Working days"). At ``as_of``:

- completed at or before the deadline → in time; after it → not in time;
- cancelled → leaves the indicator (whichever of completion and cancellation came
  first decides; a tie counts as completed);
- still open after the deadline → not in time (it cannot be in time any more);
- still open at or before the deadline → pending.
"""

from __future__ import annotations

from monitor.config import Municipality
from monitor.indicators.base import Contribution, all_known, local_day, pending, ratio, scope_value
from monitor.indicators.workdays import calendar
from monitor.records import CallbackRecord

TERMS = {"terugbellen_1_werkdag": 1, "terugbellen_2_werkdagen": 2}
"""Working days per callback indicator."""


def contributions(record: CallbackRecord, municipality: Municipality, as_of_us: int) -> list[Contribution]:
    requested = record.requested
    if requested is None or requested[0] > as_of_us:
        return []
    day = local_day(requested[0], municipality)
    scope = (("department", scope_value(municipality, "department", requested[1])),)
    outcome = _outcome(record, as_of_us)
    if outcome == "cancelled":
        return []
    work = calendar(municipality)
    result = []
    for indicator, days in TERMS.items():
        deadline_us = work.deadline_us(requested[0], days)
        if outcome is not None:
            result.append(ratio(indicator, scope, day, outcome <= deadline_us))
        elif as_of_us > deadline_us:
            result.append(ratio(indicator, scope, day, False))
        else:
            result.append(pending(indicator, scope, day))
    return result


def _outcome(record: CallbackRecord, as_of_us: int) -> int | str | None:
    """Completion time (µs), ``"cancelled"``, or None while open at ``as_of``."""
    completed = record.completed[0] if record.completed is not None and record.completed[0] <= as_of_us else None
    cancelled = record.cancelled[0] if record.cancelled is not None and record.cancelled[0] <= as_of_us else None
    if completed is not None and (cancelled is None or completed <= cancelled):
        return completed
    return "cancelled" if cancelled is not None else None


def turning_points(record: CallbackRecord, municipality: Municipality) -> list[int]:
    """The first µs past each deadline: an open callback turns "not in time" there."""
    if record.requested is None:
        return []
    work = calendar(municipality)
    return [work.deadline_us(record.requested[0], days) + 1 for days in TERMS.values()]


def is_final(record: CallbackRecord, municipality: Municipality, as_of_us: int) -> bool:
    return (record.requested is not None and record.requested[0] <= as_of_us
            and _outcome(record, as_of_us) is not None and all_known(record, as_of_us))

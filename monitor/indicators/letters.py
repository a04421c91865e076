"""Correspondence indicator: ``brieven_binnen_termijn`` (scope ``channel``, ``department``), plus the contact.

due = the letter's own ``due_at``, else the municipality's term for its channel
(``thresholds.letter_terms``): N working days (``WorkingCalendar.deadline``, the
same rule as callbacks) or N calendar days (``add_calendar_days``). At ``as_of``:
answered at or before due → in time; answered later → not in time; still open
after due → not in time; still open at or before due → pending.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from monitor.config import Municipality
from monitor.indicators.base import Contribution, all_known, local_day, pending, ratio, scope_value
from monitor.indicators.contacts import contact
from monitor.indicators.workdays import calendar
from monitor.records import LetterRecord


def due_us(record: LetterRecord, municipality: Municipality) -> int:
    """When the letter must be answered (µs since the epoch); needs the ``letter.received``."""
    assert record.received is not None
    ts_us, channel, _, due = record.received
    if due >= 0:
        return due
    term = municipality.thresholds.letter_terms.get(channel)
    if term is None:  # a channel without a configured term: the working-day default of config.Thresholds
        term = _default_terms()[channel]
    work = calendar(municipality)
    if term.kind == "working":
        return work.deadline_us(ts_us, term.days)
    return work.calendar_days_us(ts_us, term.days)


@cache
def _default_terms() -> dict[str, Any]:
    """``config.Thresholds``' default letter terms, built once (a model per letter cost ≈ 10 µs)."""
    from monitor.config import Thresholds

    return Thresholds().letter_terms


def contributions(record: LetterRecord, municipality: Municipality, as_of_us: int) -> list[Contribution]:
    received = record.received
    if received is None or received[0] > as_of_us:
        return []
    day = local_day(received[0], municipality)
    channel, department = received[1], received[2]
    scope = (("channel", channel), ("department", scope_value(municipality, "department", department)))
    result = contact(channel, day)
    due = due_us(record, municipality)
    answered = record.answered if record.answered is not None and record.answered[0] <= as_of_us else None
    if answered is not None:
        result.append(ratio("brieven_binnen_termijn", scope, day, answered[0] <= due))
    elif as_of_us > due:
        result.append(ratio("brieven_binnen_termijn", scope, day, False))
    else:
        result.append(pending("brieven_binnen_termijn", scope, day))
    return result


def turning_points(record: LetterRecord, municipality: Municipality) -> list[int]:
    """The first µs past the due instant: an unanswered letter turns "not in time" there."""
    return [] if record.received is None else [due_us(record, municipality) + 1]


def is_final(record: LetterRecord, municipality: Municipality, as_of_us: int) -> bool:
    return record.received is not None and record.answered is not None and all_known(record, as_of_us)

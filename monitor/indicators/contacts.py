"""Contacts: ``contacten`` (count per channel) and ``aandeel_digitaal`` (digital ÷ all contacts).

A contact is an item's originating event: ``call.offered`` (phone),
``visit.checked_in`` (counter), ``letter.received`` (post or email, its
channel) and ``digital.completed`` (digital). Survey answers are not contacts.
The other indicator modules add :func:`contact` for their items; this module
also handles the digital transaction records, which count nowhere else.
"""

from __future__ import annotations

from datetime import date

from monitor.config import Municipality
from monitor.indicators.base import Contribution, local_day, ratio
from monitor.records import DigitalRecord

CHANNELS = ("phone", "counter", "post", "email", "digital")
"""Contact channels of ``contacten``, in display order."""


def contact(channel: str, day: date) -> list[Contribution]:
    """One contact on ``channel`` on local ``day``: one ``contacten`` item and one ``aandeel_digitaal`` item."""
    return [
        Contribution("contacten", (("channel", channel),), day),
        ratio("aandeel_digitaal", (), day, channel == "digital"),
    ]


def contributions(record: DigitalRecord, municipality: Municipality, as_of_us: int) -> list[Contribution]:
    origin = record.completed
    if origin is None or origin[0] > as_of_us:
        return []
    return contact("digital", local_day(origin[0], municipality))


def is_final(record: DigitalRecord, municipality: Municipality, as_of_us: int) -> bool:
    return record.completed is not None and record.completed[0] <= as_of_us

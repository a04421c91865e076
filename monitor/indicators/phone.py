"""Phone indicators of one call: ``bereikbaarheid``, ``servicelevel``, ``wachttijd_telefoon``,
``direct_geholpen`` (scope ``line``, ``queue`` of the ``call.offered``), plus its contact.

Rules (KPIS.md), for what is known at ``as_of``:

- answered → reached; ``servicelevel`` hit when ``wait_ms`` ≤ ``service_level_seconds``;
  ``wachttijd_telefoon`` adds its wait (ms). An answer wins over an abandon of the
  same call (bad data: the caller *was* reached).
- abandoned with wait < ``short_abandon_seconds`` → a short abandon: it leaves the
  denominators of ``bereikbaarheid`` and ``servicelevel``; a longer abandon is a miss.
  An abandoned call is in no ``wachttijd_telefoon`` or ``direct_geholpen`` denominator.
- neither answered nor abandoned → pending for all four indicators.
- ``direct_geholpen``: a ``call.ended`` counts, hit when its outcome is ``resolved``;
  a call not ended (and not abandoned) is pending.
"""

from __future__ import annotations

from monitor.config import Municipality
from monitor.indicators.base import Contribution, all_known, local_day, mean, pending, ratio, scope_value
from monitor.indicators.contacts import contact
from monitor.records import CallRecord, seconds_to_ms

_REACH = ("bereikbaarheid", "servicelevel", "wachttijd_telefoon")


def contributions(record: CallRecord, municipality: Municipality, as_of_us: int) -> list[Contribution]:
    offered = record.offered
    if offered is None or offered[0] > as_of_us:
        return []
    day = local_day(offered[0], municipality)
    scope = (("line", scope_value(municipality, "line", offered[1])),
             ("queue", scope_value(municipality, "queue", offered[2])))
    answered = record.answered if record.answered is not None and record.answered[0] <= as_of_us else None
    abandoned = record.abandoned if record.abandoned is not None and record.abandoned[0] <= as_of_us else None
    ended = record.ended if record.ended is not None and record.ended[0] <= as_of_us else None
    thresholds = municipality.thresholds

    result = contact("phone", day)
    if answered is not None:
        wait_ms = answered[1]
        result.append(ratio("bereikbaarheid", scope, day, True))
        result.append(ratio("servicelevel", scope, day, wait_ms <= seconds_to_ms(thresholds.service_level_seconds)))
        result.append(mean("wachttijd_telefoon", scope, day, wait_ms))
    elif abandoned is not None:
        if abandoned[1] >= seconds_to_ms(thresholds.short_abandon_seconds):
            result.append(ratio("bereikbaarheid", scope, day, False))
            result.append(ratio("servicelevel", scope, day, False))
    else:
        result.extend(pending(indicator, scope, day) for indicator in _REACH)

    if ended is not None:
        result.append(ratio("direct_geholpen", scope, day, ended[1] == "resolved"))
    elif answered is not None or abandoned is None:
        result.append(pending("direct_geholpen", scope, day))
    return result


def is_final(record: CallRecord, municipality: Municipality, as_of_us: int) -> bool:
    if record.offered is None or not all_known(record, as_of_us):
        return False
    return (record.answered is not None and record.ended is not None) or (
        record.abandoned is not None and record.answered is None)

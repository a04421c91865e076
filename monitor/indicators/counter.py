"""Counter indicators of one visit: ``wachttijd_balie`` (minutes) and ``balie_binnen_norm``
(scope ``visit_type``, ``location`` of the ``visit.checked_in``), plus its contact.

wait = ``visit.called`` − max(``checked_in``, ``appointment_at``), never below 0: an
appointment visitor who arrives early waits from the appointment time. The wait is
whole milliseconds (rounded down from the µs timestamps). ``balie_binnen_norm`` hits
when wait ≤ the municipality's ``counter_wait_minutes`` for the visit type. A
no-show leaves both indicators (a called visitor came, so ``visit.called`` wins
over a no-show); a visitor neither called nor a no-show at ``as_of`` is pending.
"""

from __future__ import annotations

from monitor.config import Municipality
from monitor.indicators.base import Contribution, all_known, local_day, mean, pending, ratio, scope_value
from monitor.indicators.contacts import contact
from monitor.records import VisitRecord


def threshold_ms(municipality: Municipality, visit_type: str) -> int:
    """The counter wait threshold for a visit type, in milliseconds."""
    return round(getattr(municipality.thresholds.counter_wait_minutes, visit_type) * 60_000)


def contributions(record: VisitRecord, municipality: Municipality, as_of_us: int) -> list[Contribution]:
    checked_in = record.checked_in
    if checked_in is None or checked_in[0] > as_of_us:
        return []
    day = local_day(checked_in[0], municipality)
    _, location, visit_type, appointment_us, _ = checked_in
    scope = (("visit_type", visit_type), ("location", scope_value(municipality, "location", location)))
    result = contact("counter", day)
    called = record.called if record.called is not None and record.called[0] <= as_of_us else None
    no_show = record.no_show is not None and record.no_show[0] <= as_of_us
    if called is not None:
        wait_ms = max(0, called[0] - max(checked_in[0], appointment_us)) // 1000
        result.append(mean("wachttijd_balie", scope, day, wait_ms))
        result.append(ratio("balie_binnen_norm", scope, day, wait_ms <= threshold_ms(municipality, visit_type)))
    elif not no_show:
        result.append(pending("wachttijd_balie", scope, day))
        result.append(pending("balie_binnen_norm", scope, day))
    return result


def is_final(record: VisitRecord, municipality: Municipality, as_of_us: int) -> bool:
    return (record.checked_in is not None and all_known(record, as_of_us)
            and (record.called is not None or record.no_show is not None))

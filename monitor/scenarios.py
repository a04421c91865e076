"""Demo scenarios: extra events that make a norm slip on purpose, so an alert fires and a tile turns red.

The demo publishes :func:`scenario_events` every :data:`TICK_SECONDS` next to the
simulator's events. Events carry the real current time (and, for items that
started earlier, a start in the past), are valid per EVENTS.md and hold no
personal data.

* ``counter-understaffed``: walk-in visitors at the first counter location are
  called only after :data:`COUNTER_WAIT_MINUTES` minutes — the mean wait over
  30 minutes passes the walk-in norm within a minute or two, today's mean a few
  minutes later (``KccWachttijdBalieBovenNorm``).
* ``callback-backlog``: callback requests of the first department registered a
  week ago and never called back — over their deadline at once
  (``KccTerugbelverzoekenOverTermijn``, the ``over termijn`` tile).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from monitor.config import Municipality

TICK_SECONDS = 10.0
"""Seconds between two batches of scenario events."""
COUNTER_WAIT_MINUTES = 40
"""Wait of every scenario visitor, minutes (walk-in norms are 15 minutes)."""
VISITS_PER_TICK = 6
"""Scenario visitors per batch: enough to outweigh the simulated visitors of a location within minutes."""
BACKLOG_AGE_DAYS = 7
"""Age of every scenario callback request, calendar days (past any 1- or 2-working-day deadline)."""

SCENARIOS = ("counter-understaffed", "callback-backlog")


def scenario_events(name: str, municipality: Municipality, now: datetime, tick: int) -> list[dict]:
    """The events of batch ``tick`` (0, 1, …) of scenario ``name`` at ``now`` (aware)."""
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r} (known: {', '.join(SCENARIOS)})")
    slug = municipality.slug
    if name == "counter-understaffed":
        events = []
        for n in range(VISITS_PER_TICK):
            visit = f"scn-visit-{int(now.timestamp())}-{tick}-{n}"
            arrived = now - timedelta(minutes=COUNTER_WAIT_MINUTES)
            base = {"municipality": slug, "visit_id": visit, "location": municipality.locations[0],
                    "visit_type": "walk_in"}
            events += [{"event_id": f"{visit}-in", "type": "visit.checked_in", "ts": arrived.isoformat(), **base},
                       {"event_id": f"{visit}-called", "type": "visit.called", "ts": now.isoformat(), **base}]
        return events
    callback = f"scn-callback-{int(now.timestamp())}-{tick}"
    requested = now - timedelta(days=BACKLOG_AGE_DAYS)
    return [{"event_id": f"{callback}-req", "type": "callback.requested", "ts": requested.isoformat(),
             "municipality": slug, "callback_id": callback, "department": municipality.departments[0]}]

"""Simulated source systems: realistic, deterministic event streams for every configured municipality.

:func:`simulate` yields the events of EVENTS.md that the telephony, callback,
counter-queue, survey, post and e-form systems of the configured municipalities
would publish between two instants, in event-time order, each one valid per
:func:`monitor.events.parse_event`. It is pure: no Kafka, no clock, no files
(:func:`write_jsonl` is the one convenience that writes). The producing edge is
``streams/publish.py``.

Where each concern lives:

- ``model.py``: every model parameter (rhythms, patience, staffing, terms), named, with units;
- ``stream.py``: the window and the merge of all days into one stream (:func:`simulate`);
- ``day.py``: one municipality's day: clock, random streams, arrival times, queue snapshots;
- ``phone.py``, ``counter.py``, ``letters.py``, ``digital.py``: each channel's items;
- ``queueing.py`` (the first-come-first-served queue) and ``draws.py`` (counts, grades);
- ``writer.py``: JSON Lines (:func:`write_jsonl`).

**Volumes** come from ``simulation:`` in each municipality's YAML, which in turn come
from the seeds (Amersfoort 740 calls and 500 counter visitors per working day;
Nijmegen 215,000 calls and 166,000 visits a year = 850 and 656 per working day, all by
appointment; Groningen's 2026 travel-document peak as ``peak_months``). A day's count
is the profile figure × a weekday factor (Monday busiest, Friday quietest; the five
factors average 1) × Poisson-like noise, so five working days average the profile.
**Surveys** follow a ``survey_share`` of answered calls, completed visits, e-forms and
answered e-mails; scores are whole grades around a channel mean.

Determinism: a seed always gives the same events (see ``day.py``). Ids are opaque: a
six-hex token per (seed, municipality), the date the item starts, a kind letter with
the queue/location index and a counter (``3fa9c1-260407-k0-42``); event ids append the
step (``3fa9c1-260407-k0-42.a``). No personal data anywhere.
"""

from monitor.simulator.stream import simulate
from monitor.simulator.writer import write_jsonl

__all__ = ["simulate", "write_jsonl"]

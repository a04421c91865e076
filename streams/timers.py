"""What changes with time alone: missed deadlines, compaction, and the "now" gauges.

- The live timer (a Faust timer every ``Settings.live_timer_seconds``, ``streams.agents.live_scan``) looks at
  the records of the partitions this worker actively owns that its agenda names (:mod:`streams.agenda`:
  changed since the last tick, or at an instant where time changes them). For each, :func:`examine` adds the
  facts that passing time added (``kcc_callbacks_missed_deadline``, ``kcc_letters_missed_due``, once per
  item: ``monitor.live.facts`` minus what was counted) and asks for the compaction of an item that is
  final (``monitor.indicators.is_final``) and settled for ``Settings.compaction_after_seconds`` of wall
  clock or ``compaction_margin_event_seconds`` of event time behind its source's watermark
  (:mod:`streams.watermarks`, ``compactable``), or of an orphan (a record without its originating event)
  settled for ``Settings.redelivery_horizon_seconds`` (dropped). A timer cannot modify a table (Faust
  writes a table change to the partition of the message being processed), so it sends a *command*: the
  record key, with header ``kcc-command: compact``, to the family's re-keyed topic **in the record's
  partition**; the family agent, which reads that topic, does the move (:func:`streams.compaction.compact`).
- When the data outruns the timer (a backfill: the watermarks moved a quarter of the margin since the last
  catch-up), an agent looks at the records their sources' watermarks settled (:mod:`streams.settling`) with
  the same :func:`examine` between two batches and compacts directly (:func:`streams.compaction.catch_up`):
  commands would queue behind the backlog.
- The agenda keeps the "now" gauges of the records (``kcc_callbacks_open``,
  ``kcc_callbacks_open_past_deadline``, ``kcc_letters_open_past_due``, ``kcc_visitors_waiting``) in
  :class:`NowGauges`, at most one timer period old; :class:`NowCollector` (a prometheus_client collector,
  evaluated at scrape time) serialises them (0 for every configured label set) with ``kcc_office_open``
  and ``kcc_period_start_timestamp_seconds`` from each municipality's calendar and time zone: a scrape
  costs O(series), whatever the number of records.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from monitor import metricspec as ms
from monitor.config import Config, Municipality
from monitor.gauges import calendar_gauges, has_deadline
from monitor.live import facts
from monitor.metricspec import MetricSpec
from streams.record_cache import Entry
from streams.watermarks import Watermarks, compactable


COMMAND_HEADER = "kcc-command"
COMPACT = b"compact"
RESEND_SECONDS = 60.0
"""A compaction command not yet carried out (the agent is behind) is sent again after this long."""

NOW_GAUGES: tuple[MetricSpec, ...] = (
    ms.CALLBACKS_OPEN, ms.CALLBACKS_OPEN_PAST_DEADLINE, ms.LETTERS_OPEN_PAST_DUE, ms.VISITORS_WAITING, ms.OFFICE_OPEN, ms.PERIOD_START)
"""Gauges computed at scrape time by :class:`NowCollector` (``streams.metrics`` does not create them)."""


class NowGauges:
    """The records' "now" gauges as the agenda's last tick left them: metric → label values → value."""

    def __init__(self) -> None:
        self.values: dict[MetricSpec, dict[tuple[str, ...], float]] = {}
        self.as_of: float | None = None
        """When they were counted (Unix seconds), None before the first scan."""

    def replace(self, values: dict[MetricSpec, dict[tuple[str, ...], float]], as_of: float) -> None:
        self.values, self.as_of = values, as_of


def examine(key: str, entry: Entry, municipality: Municipality, now: float, now_us: int, added: Counter,
            commands: list[tuple[str, str, int]], compaction_after: float, orphan_after: float,
            watermarks: Watermarks | None, event_after: float | None) -> None:
    """What time alone changed for one record at ``now`` (Unix seconds; ``now_us`` the same in µs): the
    deadline facts it adds to ``added`` (and to the entry's counted facts), its compaction command appended
    to ``commands`` when it may leave (at most once per :data:`RESEND_SECONDS`)."""
    record = entry.record
    if has_deadline(record):
        current = facts(record, municipality, now_us)
        new = current - entry.counted
        if new:
            added += new
            entry.counted |= current
    watermark = None if watermarks is None else watermarks.get(entry.partition, record.municipality, record.KIND)
    if now - entry.compact_sent >= RESEND_SECONDS and compactable(
            record, municipality, entry.updated, now, watermark, compaction_after, orphan_after, event_after):
        entry.compact_sent = now
        commands.append((record.KIND, key, entry.partition))


def is_command(headers: Any) -> bytes | None:
    """The command of a message's headers (list of pairs or mapping), or None for an event."""
    if not headers:
        return None
    pairs = headers.items() if isinstance(headers, dict) else headers
    for name, value in pairs:
        if name == COMMAND_HEADER:
            return value if isinstance(value, bytes) else str(value).encode()
    return None


class NowCollector(Collector):
    """The scrape-time gauges (:data:`NOW_GAUGES`) of one worker: the records' part from :class:`NowGauges`,
    the calendar's part computed at ``clock()``."""

    def __init__(self, gauges: NowGauges, config: Config, clock: Callable[[], float] = time.time) -> None:
        self.gauges = gauges
        self.config = config
        self.clock = clock

    def describe(self) -> Iterator[GaugeMetricFamily]:
        for spec in NOW_GAUGES:
            yield GaugeMetricFamily(spec.name, spec.help, labels=spec.labels)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = datetime.fromtimestamp(self.clock(), timezone.utc)
        values: dict[MetricSpec, dict[tuple[str, ...], float]] = defaultdict(dict)
        for m in self.config.municipalities.values():
            for department in (*m.departments, "other"):
                values[ms.CALLBACKS_OPEN][(m.slug, department)] = 0.0
                for days in ("1", "2"):
                    values[ms.CALLBACKS_OPEN_PAST_DEADLINE][(m.slug, department, days)] = 0.0
            for channel in ("post", "email"):
                for department in (*m.departments, "other"):
                    values[ms.LETTERS_OPEN_PAST_DUE][(m.slug, channel, department)] = 0.0
            for location in (*m.locations, "other"):
                values[ms.VISITORS_WAITING][(m.slug, location)] = 0.0
            for spec, labels, value in calendar_gauges(m, now):
                values[spec][labels] = value
        for spec, series in self.gauges.values.items():
            values[spec].update(series)
        for spec in NOW_GAUGES:
            family = GaugeMetricFamily(spec.name, spec.help, labels=spec.labels)
            for labels, value in sorted(values[spec].items()):
                family.add_metric(labels, value)
            yield family

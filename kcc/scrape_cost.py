"""What a ``/metrics`` scrape costs with many open records (issue 11): no broker needed.

Fills a worker's record cache with N open records (visitors waiting, open callbacks and
letters, unfinished calls; spread over the configured municipalities), runs the live timer's
first tick (which counts every record into the "now" gauges, as after a rebalance, in chunks), then times
a tick after 1,000 records changed (what the agenda looks at live, ``streams.agenda``) and the
scrape: the registry serialised in the text format, as the ``/metrics`` page does.
``kcc-monitor benchmark --scrape-records N``.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from tempfile import TemporaryDirectory

from prometheus_client import CollectorRegistry

from kcc.benchmarking import event_loop, worker_collector
from monitor.config import Config
from monitor.instants import to_us
from monitor.records import CallbackRecord, CallRecord, LetterRecord, VisitRecord
from monitor.settings import Settings
from streams.agents import build

CHANGED = 1_000
"""Records changed before the timed tick: a second of a busy worker's events."""


def fill(worker, count: int, now: float) -> None:
    """``count`` open records, a quarter of each kind, in 4 partitions (all owned)."""
    municipalities = list(worker.config.municipalities.values())
    start_us = to_us(datetime.fromtimestamp(now - 3600, timezone.utc))
    put = worker.cache.put
    for i in range(count):
        m = municipalities[i % len(municipalities)]
        kind = i % 4
        ts = start_us + i
        if kind == 0:
            record = VisitRecord(m.slug, f"v{i}")
            record.checked_in = (ts, m.locations[0], "walk_in", -1, "")
        elif kind == 1:
            record = CallbackRecord(m.slug, f"c{i}")
            record.requested = (ts, m.departments[0])
        elif kind == 2:
            record = LetterRecord(m.slug, f"l{i}")
            record.received = (ts, "post", m.departments[0], -1)
        else:
            record = CallRecord(m.slug, f"k{i}")
            record.offered = (ts, m.lines[0], m.queues[0])
        put(f"{m.slug}|{record.KIND}|{record.item_id}", record, Counter(), i % 4, now)
    worker.cache.flush()


def measure(config: Config, records: int, scrapes: int = 20) -> dict[str, object]:
    """Figures (seconds, milliseconds, bytes, MiB) of ``scrapes`` scrapes with ``records`` open records."""
    with event_loop(), worker_collector(), TemporaryDirectory() as data:
        worker = build(Settings(_env_file=None, app_id="scrape-benchmark", data_dir=Path(data)), config,
                       CollectorRegistry())
        now = time.time()
        began = time.perf_counter()
        fill(worker, records, now)
        filled = time.perf_counter() - began
        after = worker.settings.compaction_after_seconds
        began = time.perf_counter()
        chunks = []
        while not chunks or worker.agenda.pending:
            chunk_began = time.perf_counter()
            worker.agenda.tick(config, {0, 1, 2, 3}, after, now=now)
            chunks.append(time.perf_counter() - chunk_began)
        first_tick = time.perf_counter() - began
        fill(worker, min(CHANGED, records), now)
        began = time.perf_counter()
        worker.agenda.tick(config, {0, 1, 2, 3}, after, now=now + 10)
        tick = time.perf_counter() - began
        times, size = [], 0
        for _ in range(scrapes):
            began = time.perf_counter()
            size = len(worker.metrics.exposition())
            times.append(time.perf_counter() - began)
    times.sort()
    return {
        "open_records": records,
        "scrapes": scrapes,
        "fill_seconds": round(filled, 1),
        "first_tick_seconds": round(first_tick, 2),
        "first_tick_chunks": len(chunks),
        "first_tick_chunk_ms_max": round(max(chunks) * 1000, 1),
        "tick_ms": round(tick * 1000, 1),
        "tick_records_looked_at": worker.agenda.looked_at,
        "scrape_ms_median": round(statistics.median(times) * 1000, 1),
        "scrape_ms_max": round(times[-1] * 1000, 1),
        "exposition_bytes": size,
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }

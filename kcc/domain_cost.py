"""What the monitor's own code costs per event, without a broker (issue 11): ``kcc-monitor benchmark --domain``.

A worker's CPU per event is Faust and aiokafka plus the monitor's domain; the broker run
measures them together, and a profile of it is mostly Faust. This run times only what
``streams.agents`` does per message *inside* the worker, on the same simulated events as the
broker run, in-process: an assembled worker (``streams.agents.build``: the real ``records``
table in memory, the real ``RecordCache`` and a real Prometheus registry) that never connects
to a broker, fed message by message in batches of ``streams.agents.BATCH_EVENTS``. The steps
are the agent's own functions, in its order:

- ``parse``: :func:`streams.agents.decide` (``parse_event``: pydantic on the raw bytes, routing);
- ``fold``: :func:`streams.agents.fold` (the item's cached record, ``compacted`` and the watermark, the
  fold, the arrival's counters);
- ``settle``: :func:`streams.agents.settle` once per batch (each changed record's facts, their counter sums,
  ``RecordCache.put``), divided over the batch's events;
- ``metrics``: ``Metrics.publish`` per batch (counter increments, histogram observations, gauges);
- ``changelog``: ``RecordCache.flush`` once per batch (the JSON encoding of the changed records into
  ``streams.changelog_writes.ChangelogWrites``); the queue is emptied after each batch, untimed, as the
  agent's send would (there is no broker), so the run does not hold every message.

Beside the steps, the garbage collector's share (``gc.callbacks``): its pauses land in whichever
step allocates when a collection is due, and a full collection walks every object the process
holds (here the open records; in a worker also Faust's state).

Figures are microseconds per event: the process CPU per event of an untimed pass, and each step's
CPU time (``thread_time_ns``, so time the process waits for a core on a busy machine is not counted;
reading that clock costs ≈ 0.5 µs, about half of which lands in each step) summed over a second pass
into a fresh worker.
"""

from __future__ import annotations

import gc
import time
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory

from prometheus_client import CollectorRegistry

from kcc.benchmarking import event_loop, worker_collector
from monitor.config import Config
from monitor.settings import Settings
from streams.agents import BATCH_EVENTS, build, decide, fold, settle
from streams.record_cache import message_id

STEPS = ("parse", "fold", "settle", "metrics", "changelog")
"""The timed steps of one message, in the worker's order (module docstring)."""


def measure(config: Config, messages: list[tuple[str, bytes, bytes]], partitions: int = 4) -> dict[str, object]:
    """µs per event of each of :data:`STEPS` and in total, over ``messages`` (family, key, value) as the
    broker run sends them (partition: the key's CRC-32 modulo ``partitions``; Kafka's partitioner differs
    only in which keys share a partition). Two passes, each into a fresh worker and with a worker's
    garbage-collector thresholds: one untimed (the CPU and collector figures), one with a clock around each
    step (the steps)."""
    with worker_collector():
        cpu, wall, collecting, _, actions, open_records = _run(config, messages, partitions, _no_clock)
        _, _, _, spent, _, _ = _run(config, messages, partitions, time.thread_time_ns)
    events = len(messages)
    return {
        "events": events,
        "processed": actions["process"],
        "steps_microseconds_per_event": {step: round(ns / 1000 / events, 2) for step, ns in spent.items()},
        "total_microseconds_per_event": round(sum(spent.values()) / 1000 / events, 1),
        "cpu_microseconds_per_event": round(cpu / events * 1e6, 1),
        "events_per_cpu_second": round(events / cpu) if cpu > 0 else None,
        "wall_seconds": round(wall, 2),
        "open_records": open_records,
        "gc_microseconds_per_event": round(collecting.spent / 1000 / events, 1),
        "gc_full_collections": collecting.full,
    }


def _no_clock() -> int:
    return 0


def _run(config: Config, messages: list[tuple[str, bytes, bytes]], partitions: int,
         clock: Callable[[], int]) -> tuple[float, float, "_Collections", dict[str, int], Counter[str], int]:
    """One pass: (CPU seconds, wall seconds, the collector's figures, ns per step by ``clock``, decisions
    by action, open records at the end)."""
    with event_loop(), TemporaryDirectory() as data:
        worker = build(Settings(_env_file=None, app_id="domain-benchmark", data_dir=Path(data)), config,
                       CollectorRegistry())
        spent = dict.fromkeys(STEPS, 0)
        actions: Counter[str] = Counter()
        slugs = config.slugs
        cache, metrics = worker.cache, worker.metrics
        pending = worker.writes.pending
        collecting = _Collections()
        gc.collect()
        gc.callbacks.append(collecting)
        cpu_began, wall_began = time.process_time(), time.perf_counter()
        for start in range(0, len(messages), BATCH_EVENTS):
            for offset, (family, key, value) in enumerate(messages[start:start + BATCH_EVENTS], start):
                t0 = clock()
                decision = decide(value, key, family, rekeyed=False, municipalities=slugs)
                t1 = clock()
                spent["parse"] += t1 - t0
                actions[decision.action] += 1
                if decision.action == "process":
                    fold(worker, decision.event, zlib.crc32(key) % partitions, time.time(), message_id(False, offset))
                    spent["fold"] += clock() - t1
            t0 = clock()
            settle(worker)
            t1 = clock()
            metrics.publish()
            t2 = clock()
            cache.flush()
            spent["settle"] += t1 - t0
            spent["metrics"] += t2 - t1
            spent["changelog"] += clock() - t2
            pending.clear()  # what the agent's send would take (no broker here)
        cpu = time.process_time() - cpu_began
        wall = time.perf_counter() - wall_began
        gc.callbacks.remove(collecting)
        return cpu, wall, collecting, spent, actions, len(cache.entries)


class _Collections:
    """A ``gc.callbacks`` entry adding up the collector's CPU time (ns) and counting full collections."""

    def __init__(self) -> None:
        self.spent = 0
        self.full = 0
        self._began = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.thread_time_ns()
        else:
            self.spent += time.thread_time_ns() - self._began
            self.full += info["generation"] == 2

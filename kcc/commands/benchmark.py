"""``kcc-monitor benchmark``: events/s, produce-to-counted lag and RSS through the real broker.

A benchmark is a command that prints figures, never a timed test. It replays N
simulated events through a real broker into one real worker (a subprocess, as
in production), then, in the same run and on the same topics, times a plain
aiokafka consumer that only JSON-decodes the messages: the ratio between the two
says what the monitor's validation, joins, tables and metrics cost on top of
reading Kafka at all.

Figures:
- worker events/s: N ÷ (last event counted − first event produced), seconds;
- lag: for sampled points, the time between the producer having sent k events and
  the worker's counters reaching k, in seconds (p50, p95, max); unpaced, the producer
  outruns the worker and this is the backlog; with ``--rate`` below the worker's
  capacity it is the pipeline's own latency (polled every 0.1 s);
- peak RSS of the worker process, MiB (sampled every 0.2 s);
- baseline events/s of the decode-only consumer, and worker ÷ baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import shutil
import statistics
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from kcc import stack
from monitor import metricspec
from monitor.config import Config, load_config
from monitor.errors import ServiceError
from monitor.events import event_to_json, family
from monitor.settings import Settings

_COUNTED = (metricspec.EVENTS.series, metricspec.EVENTS_DUPLICATE.series, metricspec.DEAD_LETTERS.series)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, default=200_000, help="number of events to replay (default 200000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", default="2026-03-02", help="first simulated day (default 2026-03-02)")
    parser.add_argument("--timeout", type=float, default=900, help="give up after this many seconds")
    parser.add_argument("--rate", type=float, default=None,
                        help="produce at most this many events/s (default: as fast as possible; the lag then "
                             "measures the backlog, paced below capacity it measures the pipeline's latency)")
    parser.add_argument("--config", type=Path, metavar="DIR", help="municipality configuration folder")


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    messages = _simulated_messages(load_config(args.config), args.events, args.seed, args.start)
    print(f"benchmark: {len(messages):,} simulated events", flush=True)
    if settings.kafka.bootstrap_servers:
        broker = stack.Broker.existing(settings.kafka.bootstrap_servers)
    else:
        print("benchmark: starting a private local broker …", flush=True)
        broker = stack.Broker.local(stack.free_port(), Path(tempfile.mkdtemp(prefix="kcc-bench-kafka-")), remove=True)
    try:
        bootstrap = broker.start()
        data_dir = Path(tempfile.mkdtemp(prefix="kcc-bench-"))
        port = stack.free_port()
        worker = stack.worker(stack.isolated_settings(bootstrap, f"bench{uuid.uuid4().hex[:8]}", data_dir), port,
                              log=data_dir / "worker.log", config=args.config)
        bench = Settings(_env_file=None, **_settings_overrides(worker.env))
        worker.start(timeout=120)
        try:
            figures = _measure_worker(worker, bench, messages, args.timeout, args.rate)
        finally:
            worker.stop()
        baseline = asyncio.run(_decode_only(bench, len(messages), args.timeout))
        shutil.rmtree(data_dir, ignore_errors=True)  # kept (with worker.log) only when a run fails
    finally:
        broker.stop()
    print(f"worker:   {figures['rate']:,.0f} events/s sustained ({len(messages):,} events in {figures['seconds']:.1f} s)")
    print(f"lag:      p50 {figures['p50']:.2f} s, p95 {figures['p95']:.2f} s, max {figures['max']:.2f} s (produce → counted)")
    print(f"rss:      worker peak {figures['rss'] / 2**20:,.0f} MiB")
    print(f"baseline: {baseline:,.0f} events/s (aiokafka consumer, json.loads only)")
    print(f"ratio:    worker ÷ baseline = {figures['rate'] / baseline:.3f}"
          + (f" (worker paced at {args.rate:,.0f} events/s)" if args.rate else ""))
    return 0


def _simulated_messages(config: Config, count: int, seed: int, start: str) -> list[tuple[str, bytes, bytes]]:
    """(family, key, value) for the first ``count`` simulated events from ``start`` on."""
    from monitor.simulator import simulate

    first = datetime.fromisoformat(start).replace(tzinfo=config[sorted(config.slugs)[0]].tz)
    events = simulate(config, sorted(config.slugs), first, first + timedelta(days=3660), seed)
    return [(family(e.type), e.kafka_key.encode(), event_to_json(e).encode())
            for e in itertools.islice(events, count)]



def _settings_overrides(env: dict[str, str]) -> dict[str, object]:
    return {"kafka": {"bootstrap_servers": env["KCC_KAFKA__BOOTSTRAP_SERVERS"]},
            "topic_prefix": env["KCC_TOPIC_PREFIX"], "app_id": env["KCC_APP_ID"],
            "worker_port": int(env["KCC_WORKER_PORT"]), "data_dir": env["KCC_DATA_DIR"]}



def _counted(port: int) -> float | None:
    """Events the worker has taken in so far (valid + duplicates + dead letters), or None if down."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
            text = response.read().decode()
    except OSError:
        return None
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(_COUNTED) and not line.startswith("#"))


def _measure_worker(worker: stack.Managed, settings: Settings,
                    messages: list[tuple[str, bytes, bytes]], timeout: float,
                    rate: float | None = None) -> dict[str, float]:
    import psutil
    from kafka import KafkaProducer

    producer = KafkaProducer(**settings.kafka_python_kwargs(), linger_ms=5, batch_size=256 * 1024,
                             acks=1, max_in_flight_requests_per_connection=5)
    for f in {m[0] for m in messages}:
        producer.partitions_for(settings.event_topic(f))
    sent_at: list[tuple[float, int]] = []
    rss = [0]
    done = threading.Event()

    def _watch_rss() -> None:
        process = psutil.Process(worker.pid)
        while not done.is_set():
            try:
                rss[0] = max(rss[0], process.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.2)

    total = len(messages)
    counted_at: list[tuple[float, float]] = []

    def _watch_counted() -> None:
        # Polls /metrics from the first message on, so the lag of early messages is seen too.
        while not done.is_set():
            counted = _counted(settings.worker_port) or 0
            counted_at.append((time.monotonic(), counted))
            if counted >= total:
                return
            time.sleep(0.1)

    threading.Thread(target=_watch_rss, daemon=True).start()
    start = time.monotonic()
    watcher = threading.Thread(target=_watch_counted, daemon=True)
    watcher.start()
    every = max(1, total // 500)
    for i, (fam, key, value) in enumerate(messages, 1):
        if rate is not None and i % 100 == 0 and (ahead := start + i / rate - time.monotonic()) > 0:
            time.sleep(ahead)
        producer.send(settings.event_topic(fam), key=key, value=value)
        if i % every == 0 or i == total:
            sent_at.append((time.monotonic(), i))
    producer.flush()
    producer.close()

    watcher.join(max(0.0, start + timeout - time.monotonic()))
    done.set()
    watcher.join(5)
    end, counted = counted_at[-1]
    if counted < total:
        raise ServiceError(f"benchmark: the worker counted {counted:,.0f} of {total:,} events within {timeout:.0f} s")
    lags = [_first_time_reaching(counted_at, k) - t for t, k in sent_at]
    lags = [lag for lag in lags if lag >= 0]
    return {"rate": total / (end - start), "seconds": end - start, "rss": rss[0],
            "p50": statistics.median(lags), "p95": _percentile(lags, 0.95), "max": max(lags)}


def _first_time_reaching(samples: list[tuple[float, float]], k: int) -> float:
    return next(t for t, counted in samples if counted >= k)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _decode_only(settings: Settings, total: int, timeout: float) -> float:
    """events/s of a consumer that reads the same topics from the start and only json-decodes."""
    from aiokafka import AIOKafkaConsumer

    topics = [t for t in (settings.event_topic(f) for f in
                          ("call", "callback", "visit", "queue", "survey", "letter", "digital"))]
    consumer = AIOKafkaConsumer(*topics, bootstrap_servers=settings.bootstrap(), group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False,
                                fetch_max_bytes=16 * 2**20, max_partition_fetch_bytes=4 * 2**20)
    await consumer.start()
    try:
        seen, started = 0, None
        deadline = time.monotonic() + timeout
        while seen < total and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500, max_records=10_000)
            for records in batches.values():
                if started is None:
                    started = time.monotonic()
                for record in records:
                    json.loads(record.value)
                seen += len(records)
        elapsed = time.monotonic() - (started or time.monotonic())
    finally:
        await consumer.stop()
    if seen < total:
        raise ServiceError(f"benchmark: the baseline consumer read {seen:,} of {total:,} events")
    return seen / elapsed

"""``kcc-monitor benchmark``: throughput, lag, latency, CPU and RSS of real workers, beside their ceilings.

A benchmark is a command that prints figures, never a timed test. It replays N
simulated events through a real broker into real worker processes (as in
production) and measures them without disturbing them:

- an unpaced run measures the workers on a backlog: they start, join their group and recover, are
  suspended (``SIGSTOP``) while the benchmark produces every event, and go on once all are in Kafka,
  so the benchmark's producer does not share the two cores with them while they are measured (a
  paced run produces while they run: its figure is the latency);
- throughput and backlog from Kafka offsets: the partitions' end offsets against the
  worker group's committed offsets, both asked of the broker every 0.5 s (the worker
  commits every second, so a figure has that resolution);
- latency of a paced run (an unpaced run's delay would be its wait in the backlog) from the
  counted events' own timestamps: each worker observes, per message, the seconds from its Kafka
  timestamp (the producer's create time) to its change being applied
  (``kcc_event_delay_seconds``); ``/metrics`` is read only every 15 s, Prometheus' interval, and
  after a paced run once more;
- CPU seconds and peak RSS of the worker processes from ``/proc`` (psutil).

In the same run and on the same topics, three ceilings: a decode-only aiokafka consumer
(reads and ``json.loads`` every message), Kafka's own ``ConsumerPerformance`` tool, and the
worker's own Faust app with agents that only take their batches (:mod:`kcc.faust_ceiling`: what
Faust, aiokafka and the event loop cost per message, in events/s and CPU per event).
``--workers 2`` measures one worker and then two (4 partitions), same events, same run;
``--latency-rate 1000`` adds a run paced below capacity, whose delay is the pipeline's latency;
``--scrape-records N`` adds the cost of a scrape with N open records (no broker);
``--domain`` adds the monitor's own cost per event on the same events, in-process without a
broker (:mod:`kcc.domain_cost`), and ``--domain-only`` measures only that (what to profile:
``py-spy record -o FILE --format speedscope -- kcc-monitor benchmark --domain-only``).
``--backfill`` adds a year of one municipality replayed into one fresh worker (:func:`_backfill`; after
the other runs and the ceilings, on a fresh private broker when the benchmark started its own;
``--events 0`` skips the other runs).
``--json`` prints the report as JSON (``docs/benchmark.json``); ``--readme FILE`` renders
a report into the README's benchmark section.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from collections import Counter
from pathlib import Path

from kcc import benchmarking, stack
from monitor import metricspec
from monitor.config import Config, load_config
from monitor.errors import ServiceError
from monitor.events import FAMILIES, event_to_json, family
from monitor.settings import Settings

_SAMPLE_SECONDS = 0.5
"""Seconds between the benchmark's reads of committed and end offsets (from the broker)."""
_SUSPEND_SHARE_MAX = 0.8
"""How much of their consumer group's session timeout (``streams.app.SESSION_TIMEOUT_SECONDS``) the workers of an
unpaced run may be suspended while the backlog is produced, so the group does not rebalance when they go on."""
_PY_SPY = Path(sys.executable).parent / "py-spy"
"""The sampling profiler of ``--profile``, installed beside the interpreter by the ``profile`` extra."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, default=100_000, help="number of events to replay (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", default="2026-03-02", help="first simulated day (default 2026-03-02)")
    parser.add_argument("--timeout", type=float, default=600, help="give up on a run after this many seconds")
    parser.add_argument("--rate", type=float, default=None,
                        help="produce at most this many events/s (default: as fast as possible; paced below "
                             "capacity the delay is the pipeline's latency, unpaced it is the backlog)")
    parser.add_argument("--latency-rate", type=float, default=None, metavar="R",
                        help="also a run of one worker paced at R events/s (at most 30 s of events): the "
                             "produce → visible on /metrics latency below capacity")
    parser.add_argument("--workers", type=int, default=1,
                        help="also measure N workers in one group after one worker, same events, same run (default 1)")
    parser.add_argument("--scrape-records", type=int, default=0, metavar="N",
                        help="also time a /metrics scrape with N open records (no broker)")
    parser.add_argument("--backfill", action="store_true",
                        help="also replay --backfill-days of one municipality's history into one fresh worker: "
                             "time to lag 0, worker RSS, records left open, stream report = offline report")
    parser.add_argument("--backfill-days", type=int, default=365, metavar="N",
                        help="days of history (default 365)")
    parser.add_argument("--backfill-municipality", default="nijmegen", metavar="SLUG",
                        help="municipality of the backfill (default nijmegen)")
    parser.add_argument("--backfill-margin", type=float, default=86400, metavar="SECONDS",
                        help="the worker's KCC_COMPACTION_MARGIN_EVENT_SECONDS in the backfill (default 86400: "
                             "compaction follows the data, a day of lateness allowed)")
    parser.add_argument("--backfill-start", default=None, metavar="DAY",
                        help="first day of the backfill (default: the days ending today; history later than the "
                             "worker's clock never settles in event time)")
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="run the (first) worker under py-spy and write its profile (speedscope JSON) here")
    parser.add_argument("--domain", action="store_true",
                        help="also time the monitor's own work per event on the same events, without a broker")
    parser.add_argument("--domain-only", action="store_true",
                        help="only that: no broker, no workers (a clean profile of the monitor's code)")
    parser.add_argument("--no-ceilings", action="store_true", help="skip the three ceilings")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--readme", type=Path, metavar="JSON",
                        help="only render the benchmark report JSON into README.md's benchmark section")
    parser.add_argument("--config", type=Path, metavar="DIR", help="municipality configuration folder")


def run(args: argparse.Namespace) -> int:
    if args.readme:
        readme = stack.REPO / "README.md"
        section = benchmarking.render(json.loads(args.readme.read_text()))
        readme.write_text(benchmarking.replace_section(readme.read_text(), section))
        return 0
    if args.profile is not None and not _PY_SPY.exists():
        raise ServiceError(f"--profile needs py-spy ({_PY_SPY} is missing): pip install -e '.[profile]'")
    config = load_config(args.config)
    load = os.getloadavg()
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    messages = _simulated_messages(config, args.events, args.seed, args.start)
    _say(args, f"benchmark: {len(messages):,} simulated events, load average {load[0]:.2f}")
    domain = _domain(args, config, messages) if args.domain or args.domain_only else None
    if args.domain_only:
        return _print_domain(args, date, load, domain)
    settings = Settings()
    if settings.kafka.bootstrap_servers:
        broker = stack.Broker.existing(settings.kafka.bootstrap_servers)
    else:
        _say(args, "benchmark: starting a private local broker …")
        broker = _private_broker()
    runs, ceilings, backfill, faust = [], {}, None, None
    try:
        bootstrap = broker.start()
        plan = [(n, args.rate, messages) for n in sorted({1, max(1, args.workers)}) if messages]
        if args.latency_rate:
            plan.append((1, args.latency_rate, messages[:max(1, int(args.latency_rate * 30))]))
        first = None  # the first run's topics hold every message: the ceilings read them
        for i, (n, rate, sent) in enumerate(plan):
            figures, bench = _run_workers(args, bootstrap, sent, n, rate, profile=args.profile if i == 0 else None)
            first = first or bench
            runs.append(figures)
            _say(args, f"benchmark: {n} worker(s): {json.dumps(figures)}")
        if not args.no_ceilings and first is not None:
            ceilings["decode_only_aiokafka"] = round(asyncio.run(_decode_only(first, len(messages), args.timeout)))
            ceilings["kafka_consumer_performance"] = _consumer_performance(first, messages)
            faust = _faust_ceiling(first, len(messages), args.timeout)
            ceilings["faust_agents_doing_nothing"] = faust and faust["events_per_second"]
        if args.backfill:
            if broker.started_here and plan:  # the year gets a broker without the runs' topics, groups and logs
                broker.stop()
                _say(args, "benchmark: a fresh private broker for the backfill …")
                broker = _private_broker()
                bootstrap = broker.start()
            backfill = _backfill(args, bootstrap, config)
            _say(args, f"benchmark: backfill: {json.dumps(backfill)}")
    finally:
        broker.stop()
    scrape = None
    if args.scrape_records:
        from kcc.scrape_cost import measure

        _say(args, f"benchmark: scrape cost with {args.scrape_records:,} open records …")
        scrape = measure(config, args.scrape_records)
    data = benchmarking.report(machine=_machine(), date=date, load_average=load, events=len(messages), runs=runs,
                               ceilings=ceilings, scrape=scrape)
    data["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    if faust is not None:
        data["faust_cpu_microseconds_per_event"] = faust["cpu_microseconds_per_event"]
    if domain is not None:
        data["domain"] = domain
    if backfill is not None:
        data["backfill"] = backfill
    if args.profile and args.profile.exists():
        data["profile"] = {"file": str(args.profile),
                           **benchmarking.profile_summary(json.loads(args.profile.read_text()))}
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print(benchmarking.render(data))
    return 0


def _domain(args: argparse.Namespace, config: Config, messages: list[tuple[str, bytes, bytes]]) -> dict[str, object]:
    """The domain run (:mod:`kcc.domain_cost`), announced and returned for the report's ``domain`` key."""
    from kcc.domain_cost import measure

    _say(args, "benchmark: the monitor's own cost per event, in-process (no broker) …")
    figures = measure(config, messages)
    _say(args, f"benchmark: domain: {json.dumps(figures)}")
    return figures


def _print_domain(args: argparse.Namespace, date: str, load: tuple[float, ...], domain: dict[str, object]) -> int:
    data = {"machine": _machine(), "date": date, "load_average": [round(x, 2) for x in load],
            "load_average_end": [round(x, 2) for x in os.getloadavg()], "domain": domain}
    print(json.dumps(data, indent=2) if args.json else benchmarking.render_domain(data))
    return 0


def _private_broker() -> stack.Broker:
    return stack.Broker.local(stack.free_port(), Path(tempfile.mkdtemp(prefix="kcc-bench-kafka-")), remove=True)


def _say(args: argparse.Namespace, text: str) -> None:
    print(text, file=sys.stderr if args.json else sys.stdout, flush=True)


def _machine() -> dict[str, object]:
    cpu = platform.processor() or platform.machine()
    try:
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1).strip()
    except (OSError, AttributeError):
        pass
    import psutil

    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}"}


def _simulated_messages(config: Config, count: int, seed: int, start: str) -> list[tuple[str, bytes, bytes]]:
    """(family, key, value) for the first ``count`` simulated events from ``start`` on."""
    from monitor.simulator import simulate

    first = datetime.fromisoformat(start).replace(tzinfo=config[sorted(config.slugs)[0]].tz)
    events = simulate(config, sorted(config.slugs), first, first + timedelta(days=3660), seed)
    return [(family(e.type), e.kafka_key.encode(), event_to_json(e).encode())
            for e in itertools.islice(events, count)]


def _run_workers(args: argparse.Namespace, bootstrap: str, messages: list[tuple[str, bytes, bytes]], count: int,
                 rate: float | None, profile: Path | None) -> tuple[dict[str, object], Settings]:
    """Start ``count`` workers of a fresh group on fresh topics, replay ``messages`` (unpaced: as a backlog produced
    while the workers are suspended, see the module docstring), measure, stop them."""
    name = f"bench{uuid.uuid4().hex[:8]}"
    data_dir = Path(tempfile.mkdtemp(prefix="kcc-bench-"))
    workers = []
    for i in range(count):
        env = stack.isolated_settings(bootstrap, name, data_dir / f"w{i}")
        worker = stack.worker(env, stack.free_port(), log=data_dir / f"worker{i}.log", config=args.config)
        if profile is not None:
            worker.argv = [str(_PY_SPY), "record", "--format", "speedscope",
                           "--rate", "50", "--output", str(profile), "--", *worker.argv]
        workers.append(worker)
    bench = Settings(_env_file=None, kafka={"bootstrap_servers": bootstrap}, topic_prefix=name, app_id=name)
    _create_topics(bench, count)
    try:
        for worker in workers:
            worker.start(timeout=180)
        figures = _measure(workers, bench, messages, args.timeout, rate)
    finally:
        if profile is not None and workers[0].running:  # py-spy writes its profile once the worker exited
            for process in _processes(workers[:1]):
                process.terminate()
            workers[0].process.wait(120)
        for worker in workers:
            worker.stop(timeout=60)
    shutil.rmtree(data_dir, ignore_errors=True)  # kept (with the worker logs) only when a run fails
    return figures, bench


def _create_topics(settings: Settings, _workers: int) -> None:
    """The event topics, created before the workers start so every worker joins with all partitions."""
    from kafka.admin import KafkaAdminClient, NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = KafkaAdminClient(**settings.kafka_python_kwargs())
    try:
        admin.create_topics([NewTopic(settings.event_topic(f), settings.kafka.topic_partitions,
                                      settings.kafka.replication_factor) for f in FAMILIES])
    except TopicAlreadyExistsError:
        pass
    finally:
        admin.close()


def _processes(workers: list[stack.Managed]) -> list[object]:
    """The worker processes themselves (under py-spy, its child)."""
    import psutil

    found = []
    for worker in workers:
        process = psutil.Process(worker.pid)
        children = process.children()
        found.append(children[0] if "py-spy" in worker.argv[0] and children else process)
    return found


def _cpu_seconds(processes: list[object]) -> float:
    total = 0.0
    for process in processes:
        times = process.cpu_times()
        total += times.user + times.system
    return total


def _measure(workers: list[stack.Managed], settings: Settings, messages: list[tuple[str, bytes, bytes]],
             timeout: float, rate: float | None) -> dict[str, object]:
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.admin import KafkaAdminClient

    from streams.app import SESSION_TIMEOUT_SECONDS

    processes = _processes(workers)
    topics = {settings.event_topic(f) for f in FAMILIES}
    admin = KafkaAdminClient(**settings.kafka_python_kwargs())
    ends_client = KafkaConsumer(**settings.kafka_python_kwargs(), group_id=None, enable_auto_commit=False)
    partitions = [TopicPartition(t, p) for t in sorted(topics) for p in sorted(ends_client.partitions_for_topic(t))]
    producer = KafkaProducer(**settings.kafka_python_kwargs(), linger_ms=5, batch_size=256 * 1024,
                             acks=1, max_in_flight_requests_per_connection=5)
    total = len(messages)
    samples: list[tuple[float, float]] = []
    backlog: list[int] = []
    rss = [0]
    done = threading.Event()
    failure: list[BaseException] = []

    def committed() -> dict[tuple[str, int], int]:
        if hasattr(admin, "list_group_offsets"):  # kafka-python 3
            offsets = admin.list_group_offsets({settings.app_id: partitions}).get(settings.app_id) or {}
        else:
            offsets = admin.list_consumer_group_offsets(settings.app_id, partitions=partitions)
        return {(tp.topic, tp.partition): meta.offset for tp, meta in offsets.items() if meta.offset >= 0}

    def watch() -> None:
        next_scrape = time.monotonic() + benchmarking.SCRAPE_INTERVAL
        try:
            while not done.is_set():
                now = time.monotonic()
                done_offsets = committed()
                ends = {(tp.topic, tp.partition): end for tp, end in ends_client.end_offsets(partitions).items()}
                samples.append((now - start, benchmarking.consumed(done_offsets, topics)))
                backlog.append(benchmarking.behind(ends, done_offsets))
                for process in processes:
                    rss[0] = max(rss[0], process.memory_info().rss)
                if now >= next_scrape:  # as Prometheus would; the figures do not depend on it
                    for worker in workers:
                        _scrape(int(worker.env["KCC_WORKER_PORT"]))
                    next_scrape += benchmarking.SCRAPE_INTERVAL
                if samples[-1][1] >= total:
                    return
                time.sleep(_SAMPLE_SECONDS)
        except Exception as exc:  # noqa: BLE001 (reported by the main thread)
            failure.append(exc)

    def produce() -> None:
        for i, (fam, key, value) in enumerate(messages, 1):
            if rate is not None and i % 50 == 0 and (ahead := start + i / rate - time.monotonic()) > 0:
                time.sleep(ahead)
            producer.send(settings.event_topic(fam), key=key, value=value)
        producer.flush()

    watcher = threading.Thread(target=watch, daemon=True)
    if rate is None:  # a backlog: in Kafka before the workers go on (see _run_workers)
        suspended = time.monotonic()
        for process in processes:
            process.suspend()
        try:
            produce()
        finally:
            cpu_before = _cpu_seconds(processes)
            start = time.monotonic()
            for process in processes:
                process.resume()
        if start - suspended > (limit := _SUSPEND_SHARE_MAX * SESSION_TIMEOUT_SECONDS):
            raise ServiceError(f"benchmark: producing the backlog held the workers {start - suspended:.1f} s, longer "
                               f"than {limit:.0f} s (their group session would time out)")
        watcher.start()
    else:
        cpu_before = _cpu_seconds(processes)
        start = time.monotonic()
        watcher.start()
        produce()
    producer.close()
    watcher.join(max(0.0, start + timeout - time.monotonic()))
    done.set()
    watcher.join(10)
    cpu = _cpu_seconds(processes) - cpu_before
    admin.close()
    ends_client.close()
    if failure:
        raise ServiceError(f"benchmark: measuring failed ({type(failure[0]).__qualname__}: {failure[0]})")
    seconds, counted = samples[-1] if samples else (0.0, 0)
    if counted < total:
        raise ServiceError(f"benchmark: the workers committed {counted:,.0f} of {total:,} events within {timeout:.0f} s")
    delays = [] if rate is None else _summed_delays([_scrape(int(w.env["KCC_WORKER_PORT"])) for w in workers])
    return benchmarking.run_figures(workers=len(workers), events=total, seconds=seconds, samples=samples,
                                    backlog=backlog, delays=delays, rss_bytes=rss[0], cpu_seconds=cpu, rate=rate)


def _backfill(args: argparse.Namespace, bootstrap: str, config: Config) -> dict[str, object]:
    """Simulate ``--backfill-days`` of one municipality into fresh topics, then start one fresh worker on them and
    measure: seconds from its start until the group committed every event (lag 0), the worker's RSS (sampled
    every 0.5 s, and once compaction settled), the records its table still holds, and whether ``report
    --from-stream`` equals ``report --events`` of the same events row by row (period: the backfill's years, as
    of 90 days after its end). The history is in Kafka before the worker starts, as in a replay after an
    outage or a migration: the simulator and its producer do not share the two cores with the worker while
    it is measured."""
    import psutil
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    from monitor.simulator import simulate

    slug, days = args.backfill_municipality, args.backfill_days
    tz = config[slug].tz
    start = args.backfill_start or (datetime.now(tz).date() - timedelta(days=days)).isoformat()
    first = datetime.fromisoformat(start).replace(tzinfo=tz)
    end = first + timedelta(days=days)
    name = f"backfill{uuid.uuid4().hex[:8]}"
    data_dir = Path(tempfile.mkdtemp(prefix="kcc-backfill-"))
    events_file = data_dir / "events.jsonl"
    env = {**stack.isolated_settings(bootstrap, name, data_dir / "w0"),
           "KCC_COMPACTION_MARGIN_EVENT_SECONDS": str(args.backfill_margin)}
    worker = stack.worker(env, stack.free_port(), log=data_dir / "worker.log", config=args.config)
    settings = Settings(_env_file=None, kafka={"bootstrap_servers": bootstrap}, topic_prefix=name, app_id=name)
    _create_topics(settings, 1)
    started = time.monotonic()
    producer = KafkaProducer(**settings.kafka_python_kwargs(), linger_ms=5, batch_size=256 * 1024, acks=1)
    count = 0
    with open(events_file, "w") as out:
        for event in simulate(config, [slug], first, end, args.seed):
            value = event_to_json(event)
            out.write(value + "\n")
            producer.send(settings.event_topic(family(event.type)), key=event.kafka_key.encode(),
                          value=value.encode())
            count += 1
    producer.flush()
    producer.close()
    produced = time.monotonic() - started
    topics = {settings.event_topic(f) for f in FAMILIES}
    client = KafkaConsumer(**settings.kafka_python_kwargs(), group_id=name, enable_auto_commit=False)
    partitions = [TopicPartition(t, p) for t in sorted(topics) for p in sorted(client.partitions_for_topic(t))]
    rss: list[tuple[int, int]] = []  # (events committed, RSS bytes)
    done = threading.Event()

    def committed() -> int:
        return sum(client.committed(tp) or 0 for tp in partitions)

    def watch(process: psutil.Process) -> None:
        while not done.is_set():
            rss.append((committed(), process.memory_info().rss))
            if rss[-1][0] >= count:
                return
            time.sleep(_SAMPLE_SECONDS)

    try:
        start = time.monotonic()
        worker.start(timeout=180)
        process = psutil.Process(worker.pid)
        ready = time.monotonic() - start
        watcher = threading.Thread(target=watch, args=(process,), daemon=True)
        watcher.start()
        watcher.join(max(0.0, start + args.timeout - time.monotonic()))
        done.set()
        seconds = time.monotonic() - start
        cpu = _cpu_seconds([process])
        if not rss or rss[-1][0] < count:
            raise ServiceError(f"benchmark: the backfill worker committed {rss[-1][0] if rss else 0:,} of "
                               f"{count:,} events within {args.timeout:.0f} s")
        _settle_compaction(settings, client)
        rss_settled = process.memory_info().rss
        client.close()
        worker.stop(timeout=60)
        open_records = _open_records(settings, slug)
        equal, rows, differing = _backfill_reports(events_file, env, slug, first, end, args.config)
    finally:
        done.set()
        if worker.running:
            worker.stop(timeout=60)
    shutil.rmtree(data_dir, ignore_errors=True)
    return benchmarking.backfill_figures(
        margin_seconds=args.backfill_margin, municipality=slug, start=first.date().isoformat(), days=days, events=count, produce_seconds=produced,
        ready_seconds=ready, seconds=seconds, cpu_seconds=cpu, rss=rss, rss_settled_bytes=rss_settled, open_records=open_records,
        reports_equal=equal, report_rows=rows, differing_rows=differing)


def _settle_compaction(settings: Settings, client: object, quiet: float = 3.0, timeout: float = 300) -> None:
    """Wait until the worker's compaction commands stop (re-keyed topics unchanged for ``quiet`` seconds) and
    its group committed them all."""
    from kafka import TopicPartition

    rekeyed = [t for t in client.topics() if t.startswith(f"{settings.topic_prefix}.rekeyed.")]
    partitions = [TopicPartition(t, p) for t in rekeyed for p in client.partitions_for_topic(t) or ()]
    deadline = time.monotonic() + timeout
    before = None
    while time.monotonic() < deadline:
        ends = client.end_offsets(partitions)
        caught_up = all((client.committed(tp) or 0) >= end for tp, end in ends.items())
        if caught_up and ends == before:
            return
        before = ends if caught_up else None
        time.sleep(quiet)


def _open_records(settings: Settings, municipality: str) -> int:
    """Records of ``municipality`` the ``records`` table holds (read from its changelog)."""
    from streams.changelog import RECORDS_TABLE, read_tables

    entries = read_tables(settings, [RECORDS_TABLE])[RECORDS_TABLE]
    return sum(1 for key, _ in entries if key.startswith(f"{municipality}|"))


def _backfill_reports(events: Path, env: dict[str, str], municipality: str, first: datetime, end: datetime,
                      config: Path | None) -> tuple[bool, int, int]:
    """(equal, rows, rows that differ) of ``report --from-stream`` against ``report --events`` per year of the
    backfill; a row is one indicator and scope of the period."""
    as_of = (end + timedelta(days=90)).date().isoformat()
    rows = differing = 0
    for year in range(first.year, (end - timedelta(seconds=1)).year + 1):
        common = ["--municipality", municipality, "--period", str(year), "--as-of", as_of,
                  *(["--config", str(config)] if config else [])]
        reports = []
        for source in (["--events", str(events)], ["--from-stream"]):
            done = subprocess.run(stack.kcc_monitor("report", *source, *common),
                                  env={**os.environ, **env}, capture_output=True, text=True, timeout=1800)
            if done.returncode != 0:
                raise ServiceError(f"benchmark: report {' '.join(source)} failed: {done.stderr.strip()[-500:]}")
            reports.append(json.loads(done.stdout)["indicators"])
        offline, streamed = reports
        rows += max(len(offline), len(streamed))
        differing += sum(1 for a, b in itertools.zip_longest(offline, streamed) if a != b)
    return differing == 0, rows, differing


def _scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        return response.read().decode()


def _summed_delays(expositions: list[str]) -> list[tuple[float, float]]:
    summed: dict[float, float] = {}
    for text in expositions:
        for le, count in benchmarking.parse_histogram(text, metricspec.EVENT_DELAY.name):
            summed[le] = summed.get(le, 0.0) + count
    return sorted(summed.items())


async def _decode_only(settings: Settings, total: int, timeout: float) -> float:
    """events/s of a consumer that reads the same topics from the start and only json-decodes."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(*(settings.event_topic(f) for f in FAMILIES), bootstrap_servers=settings.bootstrap(),
                                group_id=None, auto_offset_reset="earliest", enable_auto_commit=False,
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


def _faust_ceiling(settings: Settings, total: int, timeout: float) -> dict[str, float | None] | None:
    """events/s and CPU µs per event of the worker's Faust app with agents that do nothing
    (:mod:`kcc.faust_ceiling`), a consumer group of its own reading the same topics from the start; None when
    it failed or ran out of time."""
    data_dir = Path(tempfile.mkdtemp(prefix="kcc-bench-faust-"))
    env = {**os.environ, **stack.isolated_settings(settings.bootstrap(), settings.topic_prefix, data_dir),
           "KCC_APP_ID": f"{settings.app_id}-faust"}
    output = data_dir / "figures.json"
    try:
        subprocess.run(stack.python_module("kcc.faust_ceiling", str(total), str(stack.free_port()), str(output)),
                       env=env, capture_output=True, timeout=timeout)
        return json.loads(output.read_text()) if output.exists() else None
    except subprocess.TimeoutExpired:
        return None
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _consumer_performance(settings: Settings, sent: list[tuple[str, bytes, bytes]]) -> float | None:
    """events/s of Kafka's own ``ConsumerPerformance`` (``scripts/kafka consumer-perf``, one JVM per topic: the
    3.9 tool reads one topic) over the same topics: all messages ÷ the summed fetch times (group joins left
    out). None when a topic's run failed."""
    counts = Counter(fam for fam, _, _ in sent)
    messages, seconds = 0, 0.0
    for fam, expected in counts.items():
        done = subprocess.run([str(stack.KAFKA_SCRIPT), "consumer-perf", "--bootstrap-server", settings.bootstrap(),
                               "--topic", settings.event_topic(fam), "--messages", str(expected),
                               "--timeout", "60000", "--group", f"{settings.app_id}-perf-{fam}"],
                              capture_output=True, text=True, timeout=300)
        measured = benchmarking.consumer_performance(done.stdout) if done.returncode == 0 else None
        if measured is None:
            return None
        messages, seconds = messages + measured[0], seconds + measured[1]
    return round(messages / seconds) if seconds > 0 and messages >= len(sent) else None

"""Acceptance: the report from the live system equals the offline report of the same events.

A full simulated month (April 2026, Amersfoort and Nijmegen, seed 7, a tenth of the
configured volume so the pipeline runs in well under 90 s) goes to a file; the file is replayed into a real Kafka shuffled and with 5 % duplicates; a
real ``kcc-monitor worker`` consumes all of it and is stopped. Then, with no
worker running, ``kcc-monitor report --from-stream`` must print exactly the JSON
of ``kcc-monitor report --events FILE`` (same ``--as-of``) for both municipalities,
for the month and for a day and a week inside it, and ``kcc-monitor export
--from-stream`` must write the same CSV bytes as the export from the file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from monitor.config import load_config
from monitor.periods import parse_period
from monitor.report import build_report
from monitor.settings import KafkaSettings, Settings
from monitor.sources import EventFileSource
from streams.changelog import stream_source
from tests.support import wait_until

pytestmark = pytest.mark.integration

MUNICIPALITIES = ("amersfoort", "nijmegen")
PERIODS = ("2026-04", "2026-04-07", "2026-W16")
AS_OF = "2026-09-01"
"""After the last event of every item of the month (letters may be answered weeks later): a report
as of then sees every outcome, which is when programme reports are made."""
REPO = Path(__file__).resolve().parents[2]
VOLUME = 0.1
"""Share of the configured daily volumes simulated: every day, family and rule of the month, fewer items."""


def _cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "kcc.cli", *args], cwd=REPO, env=env, capture_output=True,
                          timeout=timeout)
    assert done.returncode == 0, f"kcc-monitor {' '.join(args)} exited {done.returncode}:\n{done.stderr.decode()}"
    return done


def _distinct_events(path: Path) -> tuple[int, int, datetime]:
    """(lines, distinct event ids, latest ts) of a JSON Lines file."""
    ids = set()
    stamps = set()
    lines = 0
    with open(path, "rb") as handle:
        for line in handle:
            event = json.loads(line)
            lines += 1
            ids.add(event["event_id"])
            stamps.add(event["ts"])
    return lines, len(ids), max(datetime.fromisoformat(ts) for ts in stamps)


def _settings(env: dict[str, str]) -> Settings:
    """The settings a process with ``env`` (the worker's environment) runs with."""
    return Settings(kafka=KafkaSettings(bootstrap_servers=env["KCC_KAFKA__BOOTSTRAP_SERVERS"]),
                    topic_prefix=env["KCC_TOPIC_PREFIX"], app_id=env["KCC_APP_ID"])


def _consumed_everything(env: dict[str, str]) -> bool:
    """The worker's consumer group has committed the end offset of every partition of every topic it reads.

    Asks with a consumer in the worker's group that never joins it (no subscription, no commits)."""
    from kafka import KafkaConsumer, TopicPartition

    settings = _settings(env)
    prefix = settings.topic_prefix
    consumer = KafkaConsumer(**settings.kafka_python_kwargs(), group_id=settings.app_id, enable_auto_commit=False)
    try:
        topics = [t for t in consumer.topics() if t.startswith((f"{prefix}.events.", f"{prefix}.rekeyed."))]
        partitions = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        end = consumer.end_offsets(partitions)
        behind = [tp for tp in partitions if end[tp] > (consumer.committed(tp) or 0)]
    finally:
        consumer.close()
    return bool(partitions) and not behind


def _compaction_settled(env: dict[str, str], quiet: float = 2.0) -> bool:
    """Every message (compaction commands included) consumed, and no new command for ``quiet`` seconds."""
    from kafka import KafkaConsumer, TopicPartition

    settings = _settings(env)
    consumer = KafkaConsumer(**settings.kafka_python_kwargs(), enable_auto_commit=False)
    try:
        topics = [t for t in consumer.topics() if t.startswith(f"{settings.topic_prefix}.rekeyed.")]
        partitions = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        before = sum(consumer.end_offsets(partitions).values())
        time.sleep(quiet)
        after = sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()
    return before == after and _consumed_everything(env)


def test_report_and_export_from_the_stream_equal_those_from_the_event_file(kafka_broker, start_worker, tmp_path):
    timings: dict[str, float] = {}
    clock = time.monotonic()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.monotonic()
        timings[name] = round(now - clock, 1)
        clock = now
        print(f"{name}: {timings[name]} s", flush=True)

    events = tmp_path / "april.jsonl"
    simulate = ["simulate", "--start", "2026-04-01", "--days", "30", "--seed", "7", "--volume", str(VOLUME),
                "--out", str(events)]
    for slug in MUNICIPALITIES:
        simulate[1:1] = ["--municipality", slug]
    _cli(*simulate)
    lines, distinct, latest = _distinct_events(events)
    assert distinct > 10_000, "a full month of two municipalities"
    assert latest < datetime.fromisoformat(f"{AS_OF}T00:00:00+02:00")
    lap("simulate")

    worker = start_worker()
    replayed = _cli("replay", str(events), "--shuffle", "--duplicates", "0.05", "--speed", "max", env=worker.env)
    lap("replay")
    wait_until(lambda: _consumed_everything(worker.env), timeout=600, what="the worker to consume every event",
               interval=2)
    lap("consume")
    worker.stop()
    open_before = stream_source(load_config(), _settings(worker.env)).record_count
    lap("stop")

    # The same worker again (records recovered from the changelog), now compacting every final record at
    # once: half of the month moves into the per-partition daily aggregates, the report must not change.
    worker.env.update(KCC_COMPACTION_AFTER_SECONDS="0", KCC_LIVE_TIMER_SECONDS="0.5")
    worker.start()
    wait_until(lambda: _compaction_settled(worker.env), timeout=300, what="the compaction to settle", interval=1)
    worker.stop()
    assert worker.process.poll() is not None, "the worker must be stopped before reading the stream"
    lap("compact")

    env = dict(worker.env)
    as_of = ["--as-of", AS_OF]
    for slug in MUNICIPALITIES:
        offline = json.loads(_cli("report", "--events", str(events), "--municipality", slug, "--period", "2026-04",
                                  *as_of, env=env).stdout)
        streamed = json.loads(_cli("report", "--from-stream", "--municipality", slug, "--period", "2026-04",
                                   *as_of, env=env).stdout)
        assert offline.pop("invalid_events") == 0
        assert streamed["indicators"] == offline["indicators"], slug  # row for row, first
        assert streamed == offline
        contacts = next(r for r in offline["indicators"] if r["id"] == "contacten" and not r["scope"])
        assert contacts["n"] > 4_000, "the month's contacts are all there"
    lap("report cli")

    for slug in MUNICIPALITIES:
        paths = {}
        for name, source in (("events", ["--events", str(events)]), ("stream", ["--from-stream"])):
            paths[name] = tmp_path / f"{slug}-{name}.csv"
            _cli("export", *source, "--municipality", slug, "--period", "2026-04", *as_of, "--out",
                 str(paths[name]), "--no-progress", env=env)
        assert paths["stream"].read_bytes() == paths["events"].read_bytes(), slug
    lap("export cli")

    # Days and weeks inside the month, in process: both sources read once.
    config = load_config()
    stream = stream_source(config, _settings(env))
    offline_source = EventFileSource(events, config)
    moment = datetime.fromisoformat(f"{AS_OF}T00:00:00+02:00")
    for slug in MUNICIPALITIES:
        for text in PERIODS:
            period = parse_period(text, config[slug].tz)
            assert build_report(stream, slug, period, moment) == build_report(offline_source, slug, period, moment), \
                (slug, text)
    lap("periods in process")
    assert stream.aggregate_cells > 0 and stream.record_count < open_before / 2, (open_before, stream.record_count)
    print(f"events: {lines} lines, {distinct} distinct; replay: {replayed.stderr.decode().strip()[-300:]}; "
          f"stream: {stream.record_count} open records, {stream.aggregate_cells} aggregate cells; "
          f"seconds: {timings}")

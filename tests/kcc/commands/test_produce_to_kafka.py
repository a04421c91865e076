"""``simulate`` and ``replay`` into a real broker, read back with kafka-python.

The commands run in-process against the session's broker, each under its own topic
prefix; every topic is consumed and compared with what the simulator generated.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kcc.cli import main
from kcc.commands.replay import arrange
from monitor.events import FAMILIES, event_to_json, family, parse_event
from monitor.settings import Settings
from monitor.simulator import simulate, write_jsonl
from streams.publish import route_line

AMS = ZoneInfo("Europe/Amsterdam")
START = datetime(2026, 3, 10, 9, tzinfo=AMS)
DAYS = 0.04  # about an hour of Hengelo: every event family, about 1,500 events


def _environment(monkeypatch: pytest.MonkeyPatch, broker) -> Settings:
    monkeypatch.setenv("KCC_KAFKA__BOOTSTRAP_SERVERS", broker.bootstrap)
    monkeypatch.setenv("KCC_TOPIC_PREFIX", f"test-{uuid.uuid4().hex[:8]}")
    return Settings()


def _consume_all(broker, settings: Settings, expected_total: int) -> dict[str, list]:
    """Every record of every event topic of ``settings`` (fails if fewer than ``expected_total`` arrive)."""
    from kafka import KafkaConsumer

    topics = [settings.event_topic(f) for f in FAMILIES]
    consumer = KafkaConsumer(*topics, bootstrap_servers=broker.bootstrap.split(","), auto_offset_reset="earliest",
                             enable_auto_commit=False, group_id=None)
    records: dict[str, list] = {t: [] for t in topics}
    try:
        import time

        deadline = time.monotonic() + 60
        quiet_until = None
        while time.monotonic() < deadline:
            got = 0
            for partition, batch in consumer.poll(timeout_ms=500).items():
                records[partition.topic].extend(batch)
                got += len(batch)
            total = sum(map(len, records.values()))
            if total >= expected_total:
                # keep polling a moment: anything beyond the expected count must show up too
                quiet_until = quiet_until or time.monotonic() + 2
                if time.monotonic() > quiet_until:
                    break
        partitions = {t: consumer.partitions_for_topic(t) for t in topics}
    finally:
        consumer.close()
    total = sum(map(len, records.values()))
    assert total >= expected_total, f"{total} of {expected_total} records"
    assert all(len(p or ()) == settings.kafka.topic_partitions for p in partitions.values()), partitions
    return records


@pytest.mark.integration
def test_simulate_produces_every_event_to_its_family_topic_keyed_by_item(kafka_broker, monkeypatch, config):
    settings = _environment(monkeypatch, kafka_broker)
    expected = list(simulate(config, ["hengelo"], START, START + timedelta(days=DAYS), seed=2))
    assert {family(e.type) for e in expected} == set(FAMILIES)

    assert main(["simulate", "-m", "hengelo", "--start", START.isoformat(), "--days", str(DAYS),
                 "--seed", "2", "--speed", "max"]) == 0

    records = _consume_all(kafka_broker, settings, len(expected))
    for fam in FAMILIES:
        want = [e for e in expected if family(e.type) == fam]
        got = records[settings.event_topic(fam)]
        assert len(got) == len(want), fam
        assert Counter((r.key, r.value) for r in got) == Counter(
            (e.kafka_key.encode(), event_to_json(e).encode()) for e in want)
    # one item, one partition; a partition keeps the item's events in event-time order
    by_key: dict[bytes, set[int]] = {}
    for got in records.values():
        for record in got:
            by_key.setdefault(record.key, set()).add(record.partition)
    assert all(len(partitions) == 1 for partitions in by_key.values())
    calls = [r for r in records[settings.event_topic("call")]]
    per_call: dict[bytes, list] = {}
    for record in sorted(calls, key=lambda r: (r.partition, r.offset)):
        per_call.setdefault(record.key, []).append(parse_event(record.value).ts)
    assert all(times == sorted(times) for times in per_call.values())


@pytest.mark.integration
def test_replay_shuffled_with_duplicates_sends_every_line_unchanged_and_dead_letter_candidates_as_is(
        kafka_broker, monkeypatch, config, tmp_path):
    settings = _environment(monkeypatch, kafka_broker)
    path = tmp_path / "events.jsonl"
    write_jsonl(simulate(config, ["hengelo"], START, START + timedelta(days=DAYS), seed=3), path)
    bad = [b'{"type":"visit.checked_in","visit_id":"broken-1"}', b"this is not json",
           json.dumps({"event_id": "u1", "type": "call.offered", "ts": "2026-03-10T09:00:00+01:00",
                       "municipality": "atlantis", "call_id": "k-u1", "line": "1", "queue": "q"}).encode()]
    with path.open("ab") as handle:
        handle.write(b"\n".join(bad) + b"\n\n")
    lines = [line for line in path.read_bytes().splitlines() if line.strip()]
    sent = list(arrange(lines, shuffle=True, duplicates=0.2, seed=9))
    assert len(sent) > len(lines) * 1.1

    assert main(["replay", str(path), "--shuffle", "--duplicates", "0.2", "--seed", "9"]) == 0

    records = _consume_all(kafka_broker, settings, len(sent))
    got = [(topic, r.key, r.value) for topic, batch in records.items() for r in batch]
    assert len(got) == len(sent)
    expected = []
    for line in sent:
        routed = route_line(line, settings)
        expected.append((routed.topic, None if routed.key is None else routed.key.encode(), line))
    assert Counter(got) == Counter(expected)
    # spot checks of the routing rules on the real topics
    assert (settings.event_topic("visit"), b"broken-1", bad[0]) in got
    assert (settings.event_topic("call"), None, b"this is not json") in got
    assert (settings.event_topic("call"), b"k-u1", bad[2]) in got
    valid = [parse_event(value) for topic, key, value in got if value not in bad]
    assert all(key == e.kafka_key.encode() for (_, key, value), e in
               zip([g for g in got if g[2] not in bad], valid))
    # shuffled: the call topic's arrival order is not the event-time order
    call_times = [parse_event(r.value).ts for r in sorted(records[settings.event_topic("call")],
                                                         key=lambda r: (r.partition, r.offset))
                  if r.value not in bad]
    assert call_times != sorted(call_times)

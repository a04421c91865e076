"""``kcc-monitor deadletters`` against a real broker, with a real worker producing the dead letters.

The story an operator lives: a worker that does not know Hengelo yet dead-letters its
events; ``list`` shows why and how many, ``show`` one of them with its original bytes;
after the fix (the worker restarted with Hengelo configured) ``redrive --dry-run`` sends
nothing and ``redrive --reason unknown_municipality`` makes the worker count them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import wait_until

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
TS = "2026-04-07T09:{minute:02d}:00+02:00"
HENGELO = [{"event_id": f"h{n}", "type": "call.offered", "ts": TS.format(minute=n), "municipality": "hengelo",
            "call_id": f"hk{n}", "line": "14074", "queue": "algemeen"} for n in range(3)]
BROKEN = [b'{"event_id": "x1", "type": "call.offered"', b"\xff\xfe not even text"]


def kcc(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kcc.cli", *args], env={**os.environ, **env}, cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def total(worker, name: str, **labels: str) -> float:
    return sum(value for (sample, items), value in worker.samples().items()
               if sample == name and set(labels.items()) <= set(items))


def end_offsets(broker, topic: str) -> int:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=broker.bootstrap.split(","))
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()


def retention_ms(broker, topic: str) -> int:
    from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap.split(","))
    try:
        answer = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        admin.close()
    return int(answer["topic"][topic]["retention.ms"]["value"])


@pytest.fixture
def without_hengelo(tmp_path: Path) -> Path:
    folder = tmp_path / "municipalities"
    shutil.copytree(REPO / "config" / "municipalities", folder)
    (folder / "hengelo.yaml").unlink()
    return folder


def test_operator_lists_shows_and_redrives_dead_letters_after_a_fix(kafka_broker, start_worker,
                                                                     without_hengelo: Path) -> None:
    worker = start_worker(KCC_CONFIG_DIR=str(without_hengelo), KCC_DEAD_LETTER_RETENTION_SECONDS="3600")
    env = {key: value for key, value in worker.env.items() if key.startswith("KCC_")}
    assert retention_ms(kafka_broker, worker.dead_letter_topic) == 3_600_000

    producer = kafka_broker.producer()
    for event in HENGELO:
        producer.send(worker.topic("call"), key=event["call_id"].encode(), value=json.dumps(event).encode())
    for raw in BROKEN:
        producer.send(worker.topic("call"), key=b"x1", value=raw)
    producer.flush(timeout=30)
    producer.close()
    wait_until(lambda: total(worker, "kcc_dead_letters_total") == len(HENGELO) + len(BROKEN), 90,
               "every message dead-lettered")

    listed = kcc("deadletters", "list", "--format", "json", env=env)
    assert listed.returncode == 0, listed.stderr
    groups = {(g["source_topic"], g["reason"]): g for g in json.loads(listed.stdout)["groups"]}
    assert {key: g["count"] for key, g in groups.items()} == {
        (worker.topic("call"), "unknown_municipality"): 3, (worker.topic("call"), "invalid_json"): 2}
    table = kcc("deadletters", "list", env=env)
    assert "unknown_municipality" in table.stdout and "5 dead letter(s)" in table.stdout

    first = groups[(worker.topic("call"), "unknown_municipality")]["first"]
    shown = kcc("deadletters", "show", first, env=env)
    assert shown.returncode == 0, shown.stderr
    assert "reason:   unknown_municipality" in shown.stdout
    assert f"source:   {worker.topic('call')} partition" in shown.stdout
    assert '"municipality": "hengelo"' in shown.stdout
    binary = kcc("deadletters", "show", "--format", "json", groups[(worker.topic("call"), "invalid_json")]["last"],
                 env=env)
    assert json.loads(binary.stdout)["reason"] == "invalid_json"
    missing = kcc("deadletters", "show", "999/0", env=env)
    assert missing.returncode == 2 and "no dead letter at offset 999 of partition 0" in missing.stderr

    worker.stop()
    fixed = start_worker(KCC_APP_ID=worker.app_id, KCC_TOPIC_PREFIX=worker.prefix)
    before = end_offsets(kafka_broker, worker.topic("call"))
    dry = kcc("deadletters", "redrive", "--reason", "unknown_municipality", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "would re-send 3 of 3" in dry.stdout
    assert end_offsets(kafka_broker, worker.topic("call")) == before

    sent = kcc("deadletters", "redrive", "--reason", "unknown_municipality", env=env)
    assert sent.returncode == 0, sent.stderr
    assert f"re-sent 3 of 3 chosen dead letter(s): 3 to {worker.topic('call')}" in sent.stdout
    wait_until(lambda: total(fixed, "kcc_events_total", municipality="hengelo") == len(HENGELO), 90,
               "the redriven Hengelo events counted")
    assert end_offsets(kafka_broker, worker.dead_letter_topic) == len(HENGELO) + len(BROKEN)

    again = kcc("deadletters", "redrive", "--record", groups[(worker.topic("call"), "invalid_json")]["first"], env=env)
    assert again.returncode == 0, again.stderr
    wait_until(lambda: end_offsets(kafka_broker, worker.dead_letter_topic) == len(HENGELO) + len(BROKEN) + 1, 60,
               "a redriven message still invalid dead-lettered again")
    assert total(fixed, "kcc_events_total", municipality="hengelo") == len(HENGELO)


def test_redrive_without_a_choice_is_refused(tmp_path: Path) -> None:
    result = kcc("deadletters", "redrive", env={"KCC_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.strip() == "kcc-monitor: redrive: choose what to re-send with --reason and/or --record"

"""The tables' changelog messages are Faust's own bytes, queued in the order the tables wrote them, and
reach the broker in that order even when two agents send at once (into the worker's real producer and a
real broker). The integration tests (tests/integration/test_faults.py, test_stream_equals_report.py)
recover tables from what was sent.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from monitor.settings import KafkaSettings
from streams.changelog_writes import ChangelogWrites
from streams.topics import create_topics


@pytest.mark.parametrize("value", [
    {"record": {"kind": "call", "offered": [1, "14050", "algemeen"]}, "updated": 1.5, "partition": 3,
     "folded": ["s1"]},
    [20_424, 20_423],
    1_764_000_000_000_000,
    {"cells": [], "items": ["groningen|call|k1"]},
])
def test_a_write_is_encoded_as_fausts_json_serializer_would(unit_worker, value):
    worker = unit_worker()
    writes = ChangelogWrites()
    writes.write("t-records-changelog", 2, "groningen|call|k1", value)
    serializers = worker.app.serializers
    assert writes.pending == [(
        "t-records-changelog", 2,
        serializers.dumps_key(None, "groningen|call|k1", serializer="json"),
        serializers.dumps_value(None, value, serializer="json"), None)]


def test_a_tombstone_has_no_value_and_writes_keep_their_order():
    writes = ChangelogWrites()
    writes.write("t-daily-changelog", 0, "a", {"cells": []})
    writes.write("t-compacted-changelog", 0, "b", [1, 1])
    writes.write("t-records-changelog", 0, "b", None)
    assert [(topic, key, value is None) for topic, _, key, value, _ in writes.pending] == [
        ("t-daily-changelog", b'"a"', False), ("t-compacted-changelog", b'"b"', False),
        ("t-records-changelog", b'"b"', True)]


@pytest.mark.integration
def test_a_send_while_another_waits_on_a_full_batch_keeps_the_newer_snapshot_of_a_shared_part_last(
        kafka_broker, unit_worker):
    """Two agents share a ``daily`` part: the first queued snapshot 1 of it behind enough records to fill a
    producer batch, so its send waits for the batch to drain; the second agent queues snapshot 2 and sends.
    Snapshot 2 must reach the changelog after snapshot 1, and the second send must not return (its events
    be acknowledged) before the first one's writes are in the producer."""
    worker = unit_worker(kafka=KafkaSettings(bootstrap_servers=kafka_broker.bootstrap))
    suffix = worker.settings.app_id
    fill, daily = f"{suffix}-records-changelog", f"{suffix}-daily-changelog"
    create_topics(worker.settings, [fill, daily], partitions=1)
    part = "groningen|2026-04-07"

    async def two_agents() -> None:
        producer = worker.app.producer
        await producer.start()
        try:
            warm = ChangelogWrites()
            warm.write(fill, 0, "warm", 0)
            warm.write(daily, 0, "warm", 0)
            await warm.send(producer)
            await producer.flush()  # topic metadata known: from here on only a full batch makes a send wait
            writes = ChangelogWrites()
            for n in range(1_500):  # 1.5 MB: more than one batch of the worker's producer (1 MiB)
                writes.write(fill, 0, f"groningen|call|k{n}", {"record": "x" * 1000})
            writes.write(daily, 0, part, {"cells": [], "items": ["snapshot 1"]})
            first = asyncio.ensure_future(writes.send(producer))
            await asyncio.sleep(0)
            assert not first.done(), "the first send should be waiting for a full batch to drain"
            writes.write(daily, 0, part, {"cells": [], "items": ["snapshot 2"]})
            await writes.send(producer)
            assert first.done(), "the second send returned before the first one's writes were in the producer"
            await producer.flush()
        finally:
            await producer.stop()

    asyncio.get_event_loop().run_until_complete(two_agents())
    snapshots = [json.loads(r.value)["items"] for r in kafka_broker.read(daily, 3) if json.loads(r.key) == part]
    assert snapshots == [["snapshot 1"], ["snapshot 2"]]

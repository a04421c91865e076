"""``kcc.faust_ceiling`` on the session's real broker: the worker's Faust app with agents that do nothing takes
every event of the topics in a consumer group of its own and reports its rate and CPU per event."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from kcc.stack import free_port, isolated_settings
from monitor.events import FAMILIES
from monitor.settings import Settings
from streams.topics import create_topics


def test_the_faust_ceiling_takes_every_event_of_the_topics_and_reports_its_rate_and_cpu(kafka_broker,
                                                                                        tmp_path: Path) -> None:
    name = f"ceiling{uuid.uuid4().hex[:8]}"
    settings = Settings(_env_file=None, kafka={"bootstrap_servers": kafka_broker.bootstrap}, topic_prefix=name,
                        app_id=name)
    create_topics(settings, [settings.event_topic(family) for family in FAMILIES])
    producer = kafka_broker.producer()
    for n in range(5_000):
        family = FAMILIES[n % len(FAMILIES)]
        producer.send(settings.event_topic(family), key=f"k{n}".encode(), value=b"{}", partition=n % 4)
    producer.flush()
    producer.close()
    env = {**os.environ, **isolated_settings(kafka_broker.bootstrap, name, tmp_path), "KCC_APP_ID": f"{name}-faust"}
    output = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, "-m", "kcc.faust_ceiling", "5000", str(free_port()), str(output)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(output.read_text())
    assert figures["events"] == 5_000
    assert figures["events_per_second"] > 0 and figures["cpu_microseconds_per_event"] > 0

"""`kcc-monitor demo` end to end: its own broker, a worker, the simulator; Ctrl-C stops all three."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import psutil
import pytest
import requests

from tests.support import free_port, wait_until

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]


def _offered(url: str) -> float:
    try:
        text = requests.get(url, timeout=2).text
    except requests.RequestException:
        return 0.0
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("kcc_calls_offered_total{"))


def test_demo_starts_broker_worker_and_simulator_and_ctrl_c_stops_them(tmp_path: Path) -> None:
    name = f"demo{uuid.uuid4().hex[:8]}"
    port, kafka_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCC_")}
    env.update(KCC_KAFKA_PORT=str(kafka_port), KCC_KAFKA_DIR=str(tmp_path / "kafka"), KCC_WORKER_PORT=str(port),
               KCC_WORKER_BIND="127.0.0.1", KCC_APP_ID=name, KCC_TOPIC_PREFIX=name,
               KCC_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1")
    log = tmp_path / "demo.log"
    # A busy simulated Tuesday morning at 30× real time: calls arrive whatever the wall clock says.
    demo = subprocess.Popen(
        [sys.executable, "-m", "kcc.cli", "demo", "--start", "2026-04-07T09:00", "--speed", "30",
         "--municipality", "groningen"],
        env=env, cwd=REPO, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/metrics"
        wait_until(lambda: demo.poll() is not None or _offered(url) > 0, 150, "offered calls on /metrics")
        assert demo.poll() is None, log.read_text()
        output = log.read_text()
        assert f"metrics:    {url}" in output and f"{name}.events.call" in output
        assert f"127.0.0.1:{kafka_port}" in output
        children = psutil.Process(demo.pid).children(recursive=True)
        broker = psutil.Process(int((tmp_path / "kafka" / "kafka.pid").read_text()))
        assert "kafka.Kafka" in broker.cmdline()

        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=120) == 0, log.read_text()
        gone, alive = psutil.wait_procs([*children, broker], timeout=30)
        assert not alive, [p.cmdline() for p in alive]
        assert "stopped." in log.read_text()
    finally:
        if demo.poll() is None:
            demo.kill()
        subprocess.run([str(REPO / "scripts" / "kafka"), "stop"], env=env, timeout=90)
        print(log.read_text()[-5000:])

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
    env = _demo_env(tmp_path, name, kafka_port, port)
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


def _snapshot(board: str) -> dict | None:
    """The first snapshot the wallboard pushes (Server-Sent Events), or None."""
    import json

    try:
        with requests.get(f"{board}/events", stream=True, timeout=15) as response:
            for line in response.iter_lines():
                if line.startswith(b"data: "):
                    return json.loads(line[6:])
    except requests.RequestException:
        return None
    return None


def _over_deadline(snapshot: dict | None) -> dict | None:
    if snapshot is None:
        return None
    band = next(b for b in snapshot["bands"] if b["id"] == "callbacks")
    return next(c for c in band["tiles"][0]["cells"] if c["label"] == "over termijn")


def test_demo_scenario_turns_a_tile_red_and_fires_an_alert_on_its_wallboard_within_minutes(tmp_path: Path) -> None:
    name = f"demo{uuid.uuid4().hex[:8]}"
    port, kafka_port, board_port = free_port(), free_port(), free_port()
    env = _demo_env(tmp_path, name, kafka_port, port)
    log = tmp_path / "demo.log"
    demo = subprocess.Popen(
        [sys.executable, "-m", "kcc.cli", "demo", "--scenario", "callback-backlog", "--municipality", "groningen",
         "--port", str(board_port)],
        env=env, cwd=REPO, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    board = f"http://127.0.0.1:{board_port}/groningen"
    try:
        wait_until(lambda: demo.poll() is not None or "Ctrl-C stops everything" in log.read_text(), 240,
                   "the demo to start")
        assert demo.poll() is None, log.read_text()
        lines = log.read_text().splitlines()
        assert lines[0].startswith(f"[demo] wallboard:  {board}"), lines[:3]
        assert "moved to time zone" in log.read_text()
        wait_until(lambda: "status: " in log.read_text() and "events/s" in log.read_text(), 30, "a status line")

        snapshot = wait_until(lambda: (s := _snapshot(board)) and _over_deadline(s)["status"] == "bad" and s, 180,
                              "the over-deadline tile to turn red")
        assert snapshot["state"]["kind"] == "live"
        snapshot = wait_until(lambda: (s := _snapshot(board)) and any(
            a["name"] == "KccTerugbelverzoekenOverTermijn" for a in s["alerts"]) and s, 240,
            "the scenario's alert on the wallboard")

        children = psutil.Process(demo.pid).children(recursive=True)
        assert {"prometheus", "prometheus-alertmanager"} <= {p.name() for p in children}
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=120) == 0, log.read_text()
        gone, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, [p.cmdline() for p in alive]
    finally:
        if demo.poll() is None:
            demo.kill()
        subprocess.run([str(REPO / "scripts" / "kafka"), "stop"], env=env, timeout=90)
        print(log.read_text()[-5000:])


def _demo_env(tmp_path: Path, name: str, kafka_port: int, worker_port: int) -> dict[str, str]:
    """The environment less any KCC_ setting of the caller, plus a private broker, worker port, app id and data."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCC_")}
    env.update(KCC_KAFKA_PORT=str(kafka_port), KCC_KAFKA_DIR=str(tmp_path / "kafka"),
               KCC_WORKER_PORT=str(worker_port), KCC_WORKER_BIND="127.0.0.1", KCC_APP_ID=name,
               KCC_TOPIC_PREFIX=name, KCC_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1")
    return env

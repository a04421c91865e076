"""``kcc-monitor demo``: the whole live pipeline on one machine, stopped with Ctrl-C.

Starts the project's local Kafka (``scripts/kafka``) unless a broker is
configured, one worker, and the simulator in real time, each as its own
process — the same processes an operator runs — and prints where to look.
On Ctrl-C (or SIGTERM) it stops the simulator, then the worker, then the broker
if it started it, each cleanly.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from monitor.events import FAMILIES
from monitor.settings import Settings

_ROOT = Path(__file__).resolve().parents[2]
_KAFKA_SCRIPT = _ROOT / "scripts" / "kafka"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--speed", default="1", help="simulator speed: real time × N, or 'max' (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="simulator seed (default 1)")
    parser.add_argument("--municipality", action="append", help="simulate only these (repeatable; default all)")
    parser.add_argument("--start", default=None,
                        help="simulated start instant (default: now); e.g. 2026-04-07T09:00 for a busy morning")
    parser.add_argument("--duration", type=float, default=None,
                        help="stop by itself after this many seconds (default: run until Ctrl-C)")


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)

    started_broker = False
    if settings.kafka.bootstrap_servers is None:
        _say("starting the local Kafka broker (scripts/kafka start) …")
        subprocess.run([str(_KAFKA_SCRIPT), "start"], check=True, stdout=subprocess.DEVNULL)
        started_broker = True
    bootstrap = settings.bootstrap()
    env = {**os.environ, "KCC_KAFKA__BOOTSTRAP_SERVERS": bootstrap}
    exe = str(Path(sys.executable).with_name("kcc-monitor"))
    processes: list[tuple[str, subprocess.Popen[bytes]]] = []
    try:
        worker = subprocess.Popen([exe, "worker"], env=env)
        processes.append(("worker", worker))
        metrics_url = f"http://127.0.0.1:{settings.worker_port}/metrics"
        _wait_for(metrics_url, worker, lambda: stopping)
        simulate = [exe, "simulate", "--speed", str(args.speed), "--seed", str(args.seed)]
        for slug in args.municipality or []:
            simulate += ["--municipality", slug]
        if args.start:
            simulate += ["--start", args.start]
        processes.append(("simulator", subprocess.Popen(simulate, env=env)))
        _say(f"broker:     {bootstrap}{' (local, scripts/kafka)' if started_broker else ''}")
        _say(f"topics:     {', '.join(settings.event_topic(f) for f in FAMILIES)}, {settings.dead_letter_topic}")
        _say(f"metrics:    {metrics_url}")
        _say("simulator:  real time" if str(args.speed) == "1" else f"simulator:  speed {args.speed}")
        _say("Ctrl-C stops everything.")
        deadline = time.monotonic() + args.duration if args.duration else None
        while not stopping and all(p.poll() is None for _, p in processes):
            if deadline is not None and time.monotonic() > deadline:
                break
            time.sleep(0.2)
        for name, process in processes:
            if process.poll() is not None and not stopping:
                _say(f"{name} exited with status {process.returncode}")
    finally:
        for name, process in reversed(processes):
            _terminate(name, process)
        if started_broker:
            _say("stopping the local Kafka broker …")
            subprocess.run([str(_KAFKA_SCRIPT), "stop"], check=False)
    _say("stopped.")
    return 0


def _wait_for(url: str, process: subprocess.Popen[bytes], stopping, timeout: float = 90) -> None:
    """Wait until the worker serves ``url``; the worker printing its own errors if it dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not stopping():
        if process.poll() is not None:
            raise SystemExit(f"kcc-monitor demo: the worker exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    if not stopping():
        raise SystemExit(f"kcc-monitor demo: the worker did not serve {url} within {timeout:.0f} s")


def _terminate(name: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    if process.poll() is not None:
        return
    _say(f"stopping the {name} …")
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _say(message: str) -> None:
    print(f"[demo] {message}", flush=True)

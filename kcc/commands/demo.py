"""``kcc-monitor demo``: the whole live pipeline on one machine, stopped with Ctrl-C.

Starts the project's local Kafka (``scripts/kafka``) unless a broker is
configured, one worker, and the simulator in real time, each as its own
process — the same processes an operator runs — and prints where to look.
On Ctrl-C (or SIGTERM) it stops the simulator, then the worker, then the broker
if it started it, each cleanly.
"""

from __future__ import annotations

import argparse
import signal
import time
from pathlib import Path

from kcc import stack
from monitor.events import FAMILIES
from monitor.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--speed", default="1", help="simulator speed: real time × N, or 'max' (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="simulator seed (default 1)")
    parser.add_argument("--municipality", action="append", help="simulate only these (repeatable; default all)")
    parser.add_argument("--start", default=None,
                        help="simulated start instant (default: now); e.g. 2026-04-07T09:00 for a busy morning")
    parser.add_argument("--duration", type=float, default=None,
                        help="stop by itself after this many seconds (default: run until Ctrl-C)")
    parser.add_argument("--config", type=Path, metavar="DIR", help="municipality configuration folder")


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)

    if settings.kafka.bootstrap_servers is None:
        _say("starting the local Kafka broker (scripts/kafka start) …")
        broker = stack.Broker.local()
    else:
        broker = stack.Broker.existing(settings.kafka.bootstrap_servers)
    bootstrap = broker.start()
    env = {"KCC_KAFKA__BOOTSTRAP_SERVERS": bootstrap}
    processes: list[stack.Managed] = []
    try:
        worker = stack.worker(env, settings.worker_port, config=args.config)
        processes.append(worker)
        worker.start(timeout=90, stopping=lambda: stopping)  # a worker that dies raises StackError
        simulate = ["simulate", "--speed", str(args.speed), "--seed", str(args.seed)]
        for slug in args.municipality or []:
            simulate += ["--municipality", slug]
        if args.start:
            simulate += ["--start", args.start]
        if args.config:
            simulate += ["--config", str(args.config)]
        simulator = stack.Managed("simulator", stack.kcc_monitor(*simulate), env=worker.env)
        processes.append(simulator.start())
        _say(f"broker:     {bootstrap}{' (local, scripts/kafka)' if broker.started_here else ''}")
        _say(f"topics:     {', '.join(settings.event_topic(f) for f in FAMILIES)}, {settings.dead_letter_topic}")
        _say(f"metrics:    {worker.ready_url}")
        _say("simulator:  real time" if str(args.speed) == "1" else f"simulator:  speed {args.speed}")
        _say("Ctrl-C stops everything.")
        deadline = time.monotonic() + args.duration if args.duration else None
        while not stopping and all(p.running for p in processes):
            if deadline is not None and time.monotonic() > deadline:
                break
            time.sleep(0.2)
        for process in processes:
            if not process.running and not stopping:
                _say(f"{process.name} exited with status {process.process.returncode}")
    finally:
        for process in reversed(processes):
            if process.running:
                _say(f"stopping the {process.name} …")
            process.stop()
        if broker.started_here:
            _say("stopping the local Kafka broker …")
        broker.stop()
    _say("stopped.")
    return 0


def _say(message: str) -> None:
    print(f"[demo] {message}", flush=True)

"""``kcc-monitor worker``: run one Faust worker; ``/metrics`` on its web port.

Start as many as the event topics have partitions, with the same settings: they
form one consumer group and share the partitions. A worker that starts recovers
its tables (records and daily aggregates) from their changelog topics before it counts.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=None, help="web port for /metrics (default KCC_WORKER_PORT or 6066)")
    parser.add_argument("--loglevel", default=os.environ.get("KCC_LOGLEVEL", "info"),
                        help="log level (default info)")
    parser.add_argument("--config", type=Path, metavar="DIR",
                        help="municipality configuration folder (default KCC_CONFIG_DIR or config/municipalities)")


def run(args: argparse.Namespace) -> int:
    import faust

    from monitor.settings import Settings
    from streams.agents import build
    from streams.topics import ensure

    settings = Settings()
    if args.port is not None:
        settings = settings.model_copy(update={"worker_port": args.port})
    if args.config is not None:
        settings = settings.model_copy(update={"config_dir": args.config})
    worker = build(settings)
    ensure(settings)
    print(f"kcc-monitor worker: broker {settings.bootstrap()}, group {settings.app_id}, "
          f"metrics http://{settings.worker_bind}:{settings.worker_port}/metrics", flush=True)
    faust.Worker(worker.app, loglevel=args.loglevel, quiet=True).execute_from_commandline()
    return 0

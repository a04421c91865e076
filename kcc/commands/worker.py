"""``kcc-monitor worker``: run one Faust worker; ``/metrics`` on its web port.

Start as many as the event topics have partitions, with the same settings: they
form one consumer group and share the partitions. A worker that starts recovers
its tables (records and daily aggregates) from their changelog topics before it counts.

Before Faust starts, the configuration is loaded and the broker is checked
(:mod:`streams.broker`): a bad municipality file, an unreachable broker, a wrong
password or an untrusted certificate ends the worker with one line and exit
status 2. While it runs, a lost and a regained broker are one log line each
(:mod:`streams.outage`), not one per client retry.
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
    from faust.exceptions import ImproperlyConfigured

    from kcc.commands import fail
    from monitor.settings import Settings
    from streams.agents import build
    from streams import heap
    from streams.app import install_event_loop, tune_garbage_collector
    from streams.broker import check
    from streams.outage import BrokerState
    from streams.topics import ensure

    settings = Settings()
    if args.port is not None:
        settings = settings.model_copy(update={"worker_port": args.port})
    if args.config is not None:
        settings = settings.model_copy(update={"config_dir": args.config})
    install_event_loop(settings)
    heap.configure(settings.heap_mmap_threshold_bytes)
    try:
        worker = build(settings)
    except ImproperlyConfigured as exc:
        return fail(str(exc))
    check(settings)
    ensure(settings)
    print(f"kcc-monitor worker: broker {settings.bootstrap()}, group {settings.app_id}, "
          f"metrics http://{settings.worker_bind}:{settings.worker_port}/metrics", flush=True)
    state = BrokerState(settings)

    class Worker(faust.Worker):
        def on_setup_root_logger(self, logger: object, level: int) -> None:
            super().on_setup_root_logger(logger, level)
            state.install()

    tune_garbage_collector()
    Worker(worker.app, loglevel=args.loglevel, quiet=True).execute_from_commandline()
    return 0

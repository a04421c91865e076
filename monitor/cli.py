"""``kcc-monitor``: one entry point, one module per sub-command.

Each sub-command lives in its own module with ``add_arguments(parser)`` and
``run(args) -> int``; modules are imported only when their command runs, so
``kcc-monitor report`` never loads Faust or Kafka clients.
"""

from __future__ import annotations

import argparse
import importlib
import sys

_COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("streams.commands.demo", "live demo: local broker, a worker and the simulator in real time"),
    "worker": ("streams.commands.worker", "run one Faust worker (metrics on /metrics)"),
    "simulate": ("monitor.commands.simulate", "produce simulated events to Kafka or a JSON Lines file"),
    "replay": ("monitor.commands.replay", "replay a JSON Lines file into Kafka (optionally shuffled, with duplicates)"),
    "report": ("monitor.commands.report", "indicator report for a municipality and period"),
    "export": ("monitor.commands.export", "monthly/quarterly/yearly export for the programme report"),
    "rules": ("monitor.commands.rules", "generate Prometheus recording and alert rules"),
    "dashboards": ("monitor.commands.dashboards", "generate the Grafana dashboards"),
    "benchmark": ("streams.commands.benchmark", "measure events/s, lag and RSS through the real broker"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="kcc-monitor", description="KCC Monitor: live KPIs of municipal contact centres and counters.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (_, summary) in _COMMANDS.items():
        sub.add_parser(name, help=summary, add_help=False)
    if not argv or argv[0] not in _COMMANDS:
        parser.parse_args(argv)  # prints usage / the error and exits
    name = argv[0]
    module = importlib.import_module(_COMMANDS[name][0])
    command = argparse.ArgumentParser(prog=f"kcc-monitor {name}", description=_COMMANDS[name][1])
    module.add_arguments(command)
    return int(module.run(command.parse_args(argv[1:])) or 0)


if __name__ == "__main__":
    sys.exit(main())

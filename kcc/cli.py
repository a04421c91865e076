"""``kcc-monitor``: one entry point, one module per sub-command.

Each sub-command lives in its own module with ``add_arguments(parser)`` and
``run(args) -> int``; modules are imported only when their command runs, so
``kcc-monitor report`` never loads Faust or Kafka clients. A :class:`~monitor.errors.KccError`
that ends a command is printed as one line, ``kcc-monitor: <message>``, with its exit
status (2 unusable input, 1 a component failed); commands report their own problems
the same way through :func:`kcc.commands.fail`. Invalid ``KCC_*`` settings are one line too,
naming the variable.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from kcc.commands import fail
from monitor.errors import KccError

_COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("kcc.commands.demo", "live demo: local broker, a worker and the simulator in real time"),
    "worker": ("kcc.commands.worker", "run one Faust worker (metrics on /metrics)"),
    "simulate": ("kcc.commands.simulate", "produce simulated events to Kafka or a JSON Lines file"),
    "replay": ("kcc.commands.replay", "replay a JSON Lines file into Kafka (optionally shuffled, with duplicates)"),
    "report": ("kcc.commands.report", "indicator report for a municipality and period"),
    "export": ("kcc.commands.export", "monthly/quarterly/yearly export for the programme report"),
    "rules": ("kcc.commands.rules", "generate Prometheus recording and alert rules"),
    "dashboards": ("kcc.commands.dashboards", "generate the Grafana dashboards"),
    "wallboard": ("kcc.commands.wallboard", "serve the live wallboard for the TV (Prometheus + Alertmanager)"),
    "deadletters": ("kcc.commands.deadletters",
                    "dead letters: list reasons and counts, show one, re-send chosen ones (redrive)"),
    "benchmark": ("kcc.commands.benchmark", "measure events/s, lag and RSS through the real broker"),
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
    args = command.parse_args(argv[1:])
    from pydantic import ValidationError

    from monitor.settings import describe_error

    try:
        return int(module.run(args) or 0)
    except KccError as exc:
        return fail(str(exc), exc.exit_status)
    except ValidationError as exc:
        if exc.title != "Settings":
            raise
        return fail(describe_error(exc))  # KCC_* environment settings


if __name__ == "__main__":
    sys.exit(main())

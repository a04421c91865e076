"""``kcc-monitor rules``: write the Prometheus rule files generated from the norms, or check them.

``--check`` regenerates in memory and exits 1 when a committed file differs
(run it in CI after editing a municipality's norms); without it the files are
written to ``--out`` (default ``config/prometheus``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from monitor import rules
from monitor.config import load_config


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=rules.PROMETHEUS_DIR,
                        help="folder for the rule files (default: config/prometheus)")
    parser.add_argument("--config", type=Path, default=None, help="municipality configuration folder")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if the files in --out differ from what the configuration gives")


def run(args: argparse.Namespace) -> int:
    files = rules.generate(load_config(args.config))
    if args.check:
        stale = rules.differences(files, args.out)
        for name in stale:
            print(f"{args.out / name}: differs from the configuration; run `kcc-monitor rules`", file=sys.stderr)
        if not stale:
            print(f"{len(files)} rule files in {args.out} are up to date")
        return 1 if stale else 0
    for path in rules.write(files, args.out):
        print(path)
    return 0

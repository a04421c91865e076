"""``kcc-monitor dashboards [--out DIR] [--check]``: generate the Grafana dashboards.

Writes the wallboard, team-lead and programme dashboard of every configured
municipality as sorted JSON (default ``config/grafana/dashboards``, which Grafana
provisions). ``--check`` writes nothing and exits 1 when the files there differ
from what the code and configuration generate (CI guard for committed output).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: config/grafana/dashboards in the repository)")
    parser.add_argument("--check", action="store_true",
                        help="compare instead of write; exit 1 if any dashboard is missing, stale or differs")
    parser.add_argument("--config", type=Path, metavar="DIR", help="municipality configuration folder")


def run(args: argparse.Namespace) -> int:
    from dashboards import render
    from monitor.config import load_config

    config = load_config(args.config)
    out = args.out or render.DEFAULT_OUT
    if args.check:
        problems = render.check(config, out)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("dashboards are out of date: run `kcc-monitor dashboards`", file=sys.stderr)
            return 1
        print(f"dashboards up to date in {out}")
        return 0
    written = render.write(config, out)
    print(f"wrote {len(written)} dashboards to {out}")
    return 0

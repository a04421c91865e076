"""``kcc-monitor wallboard``: serve the live wallboard (read-only) on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import argparse
import logging
import os

from aiohttp import web

from monitor.config import load_config
from wallboard.server import Hub, make_app
from wallboard.snapshot import Margins
from wallboard.sources import Sources

TOKEN_ENV = "KCC_WALLBOARD_TOKEN"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--prometheus", default="http://127.0.0.1:9090", help="Prometheus URL (default %(default)s)")
    parser.add_argument("--alertmanager", default="http://127.0.0.1:9093",
                        help="Alertmanager URL (default %(default)s)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default %(default)s; 0.0.0.0 for a TV on the office network)")
    parser.add_argument("--port", type=int, default=8080, help="port (default %(default)s)")
    parser.add_argument("--token", default=os.environ.get(TOKEN_ENV),
                        help=f"access token; open the board once with ?token=… (default: ${TOKEN_ENV}, none)")
    parser.add_argument("--interval", type=float, default=4.0,
                        help="seconds between two rounds of queries and pushes (default %(default)s: a round "
                             "waits at most 80%% of it for an answer, so screens get snapshots at most 5 s apart)")
    parser.add_argument("--config", default=None, help="municipality config folder (default: the repository's)")
    parser.add_argument("--margin-points", type=float, default=Margins.ratio * 100,
                        help="orange ('bijna') within this many percentage points of a percentage norm "
                             "(default %(default)g)")
    parser.add_argument("--margin-share", type=float, default=Margins.relative * 100,
                        help="orange within this percentage of a wait or grade norm or live limit (default %(default)g)")


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = load_config(args.config)
    sources = Sources(args.prometheus, args.alertmanager or None, timeout=max(0.5, args.interval * 0.8))
    hub = Hub(config, sources, args.interval, Margins(args.margin_points / 100, args.margin_share / 100))
    app = make_app(hub, args.token or None)
    print(f"wallboard: http://{args.host}:{args.port}/", flush=True)
    web.run_app(app, host=args.host, port=args.port, print=None, shutdown_timeout=1, access_log=None)
    return 0

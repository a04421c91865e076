"""``kcc-monitor report``: the indicators of one municipality and period from an event file or the live system.

    kcc-monitor report --events events.jsonl --municipality amersfoort --period 2026-04 \\
        [--as-of 2026-06-01] [--format json|csv|table] [--config DIR]
    kcc-monitor report --from-stream --municipality amersfoort --period 2026-04 [--as-of …]

``--from-stream`` reads the workers' durable state (the Faust tables' changelog
topics, :mod:`streams.changelog`) from the broker in ``KCC_KAFKA__BOOTSTRAP_SERVERS``
for the app ``KCC_APP_ID``; it works while every worker is stopped. Exit status 2
with a message when the broker cannot be reached or the topics do not exist.

Invalid lines never stop the report: each is named on stderr (line number,
reason, detail; the first 20, then a count) and the JSON output carries their
number in ``invalid_events``. Exit status: 0 report written, 2 bad arguments
(period, municipality, ``--as-of``, configuration) or an unreadable file.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from kcc.commands import configured, fail
from monitor.config import Municipality, load_config

MAX_INVALID_SHOWN = 20
"""Invalid lines named one by one on stderr; the rest are counted."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--events", type=Path, metavar="FILE.jsonl", help="events as JSON Lines (EVENTS.md)")
    source.add_argument("--from-stream", action="store_true",
                        help="read the workers' durable state from the Kafka changelog topics")
    parser.add_argument("--municipality", required=True, help="municipality slug, e.g. amersfoort")
    parser.add_argument("--period", required=True,
                        help="day (2026-04-07), ISO week (2026-W15), month (2026-04), quarter (2026-Q2) or year (2026)")
    parser.add_argument("--as-of", metavar="T",
                        help="outcomes known at this time (ISO 8601 with offset; a date means its local "
                             "midnight); default: now")
    parser.add_argument("--format", choices=("json", "csv", "table"), default="json", help="output (default json)")
    parser.add_argument("--config", type=Path, metavar="DIR", help="municipality configuration folder")


def run(args: argparse.Namespace) -> int:
    from monitor.periods import parse_period

    config = load_config(args.config)
    municipality = configured(config, args.municipality)
    try:
        period = parse_period(args.period, municipality.tz)
        as_of = parse_as_of(args.as_of, municipality)
    except ValueError as exc:
        return fail(str(exc))

    from monitor.report import build_report, render
    from monitor.sources import EventFileSource

    if getattr(args, "from_stream", False):
        from streams.changelog import stream_source

        stream = stream_source(config, municipalities={municipality.slug})
        sys.stdout.write(render(build_report(stream, municipality.slug, period, as_of), args.format))
        return 0
    try:
        source = EventFileSource(args.events, config, municipalities={municipality.slug})
    except OSError as exc:
        return fail(f"{args.events}: cannot read: {exc.strerror or exc}")
    _warn_invalid(source.invalid)
    report = replace(build_report(source, municipality.slug, period, as_of), invalid_events=len(source.invalid))
    sys.stdout.write(render(report, args.format))
    return 0


def parse_as_of(text: str | None, municipality: Municipality) -> datetime:
    """``--as-of``: an ISO 8601 time with offset, or a date (its local midnight); None → now."""
    if text is None:
        return datetime.now(municipality.tz)
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=municipality.tz)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"invalid --as-of {text!r}: expected 2026-06-01 or 2026-06-01T00:00:00+02:00") from None
    if moment.tzinfo is None:
        raise ValueError(f"invalid --as-of {text!r}: a time needs a UTC offset (e.g. +02:00)")
    return moment


def _warn_invalid(invalid: list) -> None:
    for line in invalid[:MAX_INVALID_SHOWN]:
        print(f"kcc-monitor report: invalid event skipped: {line}", file=sys.stderr)
    if len(invalid) > MAX_INVALID_SHOWN:
        print(f"kcc-monitor report: … and {len(invalid) - MAX_INVALID_SHOWN} more invalid lines", file=sys.stderr)
    if invalid:
        print(f"kcc-monitor report: {len(invalid)} invalid line(s) skipped", file=sys.stderr)

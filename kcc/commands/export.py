"""``kcc-monitor export``: the indicator table of a month, quarter or year for the programme report.

    kcc-monitor export --municipality groningen --period 2026-Q2 --events events.jsonl \\
        --format xlsx --out groningen-2026-Q2.xlsx [--as-of 2026-07-15] [--config DIR]

Each column is a report of ``monitor.report.build_report`` (one per month, one
for the whole period, one for the previous year where a norm compares with it),
all at the same ``as_of``; the export lays them out and never recomputes a
number. Exit status: 0 written, 2 bad arguments or unreadable input, 1 the
export could not be built.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kcc.commands import configured, fail
from kcc.commands.report import parse_as_of
from monitor import nl
from monitor.config import Municipality, load_config
from monitor.periods import Period, parse_period

if TYPE_CHECKING:
    from monitor.report import Report

FORMATS = ("xlsx", "csv", "md", "html")
_SUFFIXES = {".xlsx": "xlsx", ".csv": "csv", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--municipality", required=True, help="municipality slug, e.g. groningen")
    parser.add_argument("--period", required=True, help="month (2026-04), quarter (2026-Q2) or year (2026)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--events", type=Path, metavar="FILE.jsonl", help="read events from a JSON Lines file")
    source.add_argument("--from-stream", action="store_true",
                        help="read the workers' durable state from the Kafka changelog topics")
    parser.add_argument("--format", choices=FORMATS, help="output format (default: from the --out suffix)")
    parser.add_argument("--out", required=True, type=Path, metavar="PATH", help="file to write")
    parser.add_argument("--as-of", metavar="T",
                        help="outcomes known at this time (ISO 8601; a date means its local midnight); "
                             "default: now")
    parser.add_argument("--config", type=Path, metavar="DIR", help="municipality configuration folder")
    parser.add_argument("--no-charts", action="store_true", help="leave the charts out (xlsx, html)")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None,
                          help="show a progress bar on stderr (default: when stderr is a terminal)")
    progress.add_argument("--no-progress", dest="progress", action="store_false")


def run(args: argparse.Namespace) -> int:
    from monitor.export.progress import Progress

    config = load_config(args.config)
    municipality = configured(config, args.municipality)
    try:
        period = parse_period(args.period, municipality.tz)
    except ValueError as exc:
        return fail(str(exc))
    if period.kind not in ("month", "quarter", "year"):
        return fail(f"an export covers a month, quarter or year, not a {period.kind} ({args.period})")
    fmt = args.format or _SUFFIXES.get(args.out.suffix.lower())
    if fmt is None:
        return fail(f"cannot tell the format from {args.out.name!r}; give --format {'|'.join(FORMATS)}")
    try:
        as_of = parse_as_of(args.as_of, municipality)
    except ValueError as exc:
        return fail(str(exc))
    if not args.out.parent.exists():
        return fail(f"{args.out.parent}: no such directory")

    if args.events is not None and not args.events.is_file():
        return fail(f"{args.events}: no such file")

    progress = Progress(sys.stderr, sys.stderr.isatty() if args.progress is None else args.progress)
    try:
        if args.from_stream:
            source = _stream_source(config, municipality)  # ChangelogUnavailable: the CLI prints it, exit 2
        else:
            try:
                source = _file_source(args.events, config, municipality, progress)
            except OSError as exc:
                progress.close()
                return fail(f"{args.events}: cannot read: {exc.strerror or exc}")
        try:
            table = _build(source, municipality, period, as_of, progress)
            path = _write(table, fmt, args.out, charts=not args.no_charts and fmt in ("xlsx", "html"),
                          progress=progress)
        except (ValueError, OSError) as exc:  # a report that does not fit, an unwritable --out
            progress.close()
            return fail(f"cannot export: {exc}", 1)
    finally:
        progress.close()
    _warn_invalid(source)
    print(table.summary(str(path)), file=sys.stderr)
    return 0


# ------------------------------------------------------------------ sources and reports
# The report and sources are other modules' business; everything this command
# needs from them goes through these three functions.

def _file_source(path: Path, config: Any, municipality: Municipality, progress: Any) -> Any:
    """The event file, read once through a byte counter that drives the progress bar."""
    import io

    from monitor.export.progress import CountingReader
    from monitor.sources import EventFileSource

    total = path.stat().st_size
    with open(path, "rb") as raw:
        reader = io.BufferedReader(CountingReader(raw, total, progress), buffer_size=1 << 20)
        return EventFileSource(reader, config, municipalities={municipality.slug})


def _stream_source(config: Any, municipality: Municipality) -> Any:
    """The workers' durable state read from the Kafka changelog topics (broker and app id from
    ``Settings()``); raises ``streams.changelog.ChangelogUnavailable``."""
    from streams.changelog import stream_source

    return stream_source(config, municipalities={municipality.slug})


def _report_for(source: Any, municipality: Municipality, as_of: datetime) -> Callable[[Period], Report]:
    from monitor.report import build_report

    def report(period: Period) -> Report:
        return build_report(source, municipality.slug, period, as_of)
    return report


def _build(source: Any, municipality: Municipality, period: Period, as_of: datetime, progress: Any) -> Any:
    from monitor.export.table import build_table

    def on_report(done: int, total: int, _period: Period) -> None:
        progress.step(nl.Export.BUILDING_REPORTS, done, total)

    return build_table(municipality, period, _report_for(source, municipality, as_of), on_report=on_report)


def _write(table: Any, fmt: str, out: Path, *, charts: bool, progress: Any) -> Path:
    from monitor.export import charts as chart_module

    drawn: tuple[Any, ...] = ()
    if charts:
        rows = chart_module.chart_rows(table)
        result = []
        for i, row in enumerate(rows):
            progress.step(nl.Export.DRAWING_CHARTS, i, len(rows))
            fig = chart_module.indicator_figure(table, row)
            result.append(chart_module.Chart(row=row, title=row.label, png=chart_module.render_png(fig)))
        progress.step(nl.Export.DRAWING_CHARTS, len(rows), len(rows))
        drawn = tuple(result)
    if fmt == "xlsx":
        from monitor.export.xlsx import write_xlsx
        return write_xlsx(table, out, drawn)
    if fmt == "csv":
        from monitor.export.csv import write_csv
        return write_csv(table, out)
    if fmt == "md":
        from monitor.export.markdown import write_markdown
        return write_markdown(table, out)
    from monitor.export.html import write_html
    return write_html(table, out, drawn)


def _warn_invalid(source: Any) -> None:
    invalid = getattr(source, "invalid", None)
    if invalid:
        first = invalid[0]
        print(nl.Export.invalid_lines(len(invalid), first), file=sys.stderr)

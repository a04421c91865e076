"""``kcc-monitor simulate``: simulated source-system events into Kafka, or into a JSON Lines file.

    kcc-monitor simulate --start 2026-04-01 --days 30 --out april.jsonl      # a file, as fast as possible
    kcc-monitor simulate                                                     # Kafka, real time from now on
    kcc-monitor simulate --start 2026-04-07 --days 1 --speed 60              # Kafka, one day in 24 minutes
    kcc-monitor simulate --start 2026-04-07 --speed max -m groningen         # Kafka, one day at once

Events come from :func:`monitor.simulator.simulate` (deterministic per ``--seed``).
Without ``--out`` they are produced with kafka-python (``streams/publish.py``) to
``<prefix>.events.<family>``, keyed by item, using ``KCC_KAFKA__*`` settings (default:
the local broker 127.0.0.1:19092). Without ``--start`` the simulation starts now
and runs in real time (``--speed 1``) until Ctrl-C / SIGTERM, which flush the
producer and exit 0; a one-line summary goes to stderr every ``--summary-seconds``.
``--realtime`` says exactly that explicitly (the compose file uses it).

Window: a file and ``--speed max`` get every item that starts in the window with
its whole life (a callback requested on the last day is completed after the end);
a paced run (``--speed N``) stops when its event clock reaches the end.

Exit status: 0 done or stopped by a signal, 1 Kafka unreachable or refusing
messages, 2 bad arguments or configuration.
"""

from __future__ import annotations

import argparse
import itertools
import math
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kcc.commands import fail
from monitor.config import load_config

DEFAULT_SEED = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--municipality", "-m", action="append", metavar="M",
                        help="municipality slug (repeatable; default: every configured one)")
    parser.add_argument("--start", metavar="T",
                        help="first instant: a date (its local midnight), a local date-time, or one with "
                             "offset; default: now, in real time")
    parser.add_argument("--days", type=float, metavar="N",
                        help="length in days (fractions allowed); default 1, unbounded in real time")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--volume", type=float, default=1.0, metavar="FACTOR",
                        help="multiply every configured daily volume (default 1.0; e.g. 0.1 for quick runs)")
    parser.add_argument("--speed", type=parse_speed, metavar="N|max",
                        help="event time runs N × the wall clock, or 'max' (default: 1 from now, "
                             "max with --start; files are always written at max)")
    parser.add_argument("--realtime", action="store_true", help="start now, --speed 1, until stopped")
    parser.add_argument("--out", metavar="FILE.jsonl", help="write JSON Lines here ('-' = stdout) instead of Kafka")
    parser.add_argument("--summary-seconds", type=float, default=10.0, metavar="S",
                        help="seconds between the summary lines on stderr when producing (default 10)")
    parser.add_argument("--config", type=Path, metavar="DIR", help="municipality configuration folder")


def parse_speed(text: str) -> float | None:
    """``--speed``: a positive factor, or ``max`` (None: as fast as possible)."""
    if text.strip().lower() == "max":
        return None
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid speed {text!r}: a number > 0 or 'max'") from None
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"invalid speed {text!r}: a number > 0 or 'max'")
    return value


def parse_start(text: str, tz: ZoneInfo) -> datetime:
    """``--start``: ``2026-04-07`` (local midnight), ``2026-04-07T09:00`` (local) or with an offset; ``now``."""
    if text.strip().lower() == "now":
        return datetime.now(tz).replace(microsecond=0)
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=tz)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"invalid --start {text!r}: expected 2026-04-07, 2026-04-07T09:00 "
                         "or 2026-04-07T09:00:00+02:00") from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    slugs = sorted(set(args.municipality or config.slugs))
    unknown = [s for s in slugs if s not in config.slugs]
    if unknown:
        return fail(f"unknown municipality {', '.join(unknown)} (configured: {', '.join(sorted(config.slugs))})")
    if args.realtime and (args.start or args.out or args.speed not in (None, 1.0)):
        return fail("--realtime means: from now, --speed 1, to Kafka; drop --start/--out/--speed")
    if args.days is not None and not args.days > 0:
        return fail("--days must be > 0")
    if not args.volume >= 0:
        return fail("--volume must be >= 0")
    tz = config[slugs[0]].tz
    realtime = args.realtime or (args.start is None and args.out is None)
    try:
        start = parse_start(args.start or "now", tz)
    except ValueError as exc:
        return fail(str(exc))
    if args.days is not None:
        end: datetime | None = start + timedelta(days=args.days)
    else:
        end = None if realtime else start + timedelta(days=1)

    from monitor.simulator import simulate

    events = simulate(config, slugs, start, end, args.seed, volume=args.volume)
    if args.out is not None:
        return _write(events, args.out, start, end)
    speed = 1.0 if realtime and args.speed is None else args.speed
    if speed is not None and end is not None:
        # Paced: the run ends when the event clock reaches the window's end; follow-ups that
        # lie later (callbacks, letters answered weeks after) are not waited for.
        events = itertools.takewhile(lambda event: event.ts < end, events)
    return _produce(events, start, speed, args.summary_seconds, "simulate")


def _write(events: Iterator[Any], out: str, start: datetime, end: datetime | None) -> int:
    from monitor.simulator import write_jsonl

    began = time.monotonic()
    try:
        count = write_jsonl(events, sys.stdout if out == "-" else out)
    except OSError as exc:
        return fail(f"{out}: cannot write: {exc.strerror or exc}")
    elapsed = time.monotonic() - began
    print(f"simulate: {count} events {start.isoformat()} .. {end.isoformat() if end else '…'} "
          f"written to {out} in {elapsed:.1f} s ({count / max(elapsed, 1e-9):,.0f} events/s)", file=sys.stderr)
    return 0


def _produce(events: Iterator[Any], start: datetime, speed: float | None, every: float, name: str) -> int:
    from kafka.errors import KafkaError

    from monitor.settings import Settings
    from streams.publish import Pacer, Publisher, PublishError, produce_events

    settings = Settings()
    stop = threading.Event()
    progress = Summary(name, every)
    try:
        with stop_on_signals(stop), Publisher(settings) as publisher:
            pacer = Pacer(speed, stop, origin=start.timestamp() if speed is not None else None)
            progress.start()
            produce_events(events, publisher, pacer, lambda n, e: progress.tick(n, e.ts))
    except (KafkaError, PublishError) as exc:
        progress.done(None)
        return fail(f"Kafka at {settings.bootstrap()}: {exc}", 1)
    progress.done("stopped" if stop.is_set() else "done")
    return 0


class Summary:
    """The periodic one-line progress summary on stderr (count, rate, current event time).

    A daemon thread prints every ``every`` seconds, also while the pacer waits (real
    time at night prints "0 events" lines rather than silence); :meth:`tick` only
    records the count and the latest event time.
    """

    def __init__(self, name: str, every: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.every = every
        self._clock = clock
        self._began = clock()
        self._halt = threading.Event()
        self.count = 0
        self.ts: datetime | None = None

    def start(self) -> None:
        self._began = self._clock()
        if self.every > 0:
            threading.Thread(target=self._run, name=f"{self.name}-summary", daemon=True).start()

    def tick(self, count: int, ts: datetime | None) -> None:
        self.count = count
        if ts is not None:
            self.ts = ts

    def done(self, word: str | None) -> None:
        """Stop the periodic lines; print a last one with ``word`` (None: none)."""
        self._halt.set()
        if word is not None:
            self._line(word)

    def _run(self) -> None:
        while not self._halt.wait(self.every):
            self._line("sent")

    def _line(self, word: str) -> None:
        elapsed = max(self._clock() - self._began, 1e-9)
        at = f", event time {self.ts.isoformat()}" if self.ts is not None else ""
        print(f"{self.name}: {word}: {self.count:,} events ({self.count / elapsed:,.1f}/s){at}",
              file=sys.stderr, flush=True)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set ``stop`` (the producer then flushes and the command exits 0)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda *_: stop.set())
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

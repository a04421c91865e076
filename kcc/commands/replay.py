"""``kcc-monitor replay``: a JSON Lines file into Kafka, optionally shuffled and with duplicates.

    kcc-monitor replay april.jsonl                                  # file order, as fast as possible
    kcc-monitor replay april.jsonl --shuffle --duplicates 0.05 --seed 7
    kcc-monitor replay april.jsonl --speed 3600                     # an hour of event time per second

For tests of the contract's promises (EVENTS.md "Ordering and time"): the result
must not depend on arrival order, and a repeated ``event_id`` counts once.

Each non-blank line is sent unchanged (its raw bytes are the message value).
A line that parses as an event goes to its family's topic keyed by its item id
(``municipality:queue`` for snapshots). A line that does not parse is still sent,
unchanged, so the worker dead-letters it: to the topic of the family its ``type``
declares if that is a known family, else to the call topic, keyed by the item-id
field it carries if any, else without key.

``--duplicates RATE`` (0..1) sends each line a second time with that
probability: right after the original in file order, anywhere with ``--shuffle``.
``--seed`` fixes shuffle and duplicates. ``--speed N`` paces by each line's event
time (× N) from the first line's; lines without a readable time go at once. A
simulated file holds each item's whole life (answers weeks after the window), so a
paced replay runs until its last line is due; ``--speed max`` does not wait.
Exit status: 0 done or stopped by a signal, 1 Kafka failed, 2 bad arguments or
unreadable file.
"""

from __future__ import annotations

import argparse
import random
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from kcc.commands import fail
from kcc.commands.simulate import DEFAULT_SEED, Summary, parse_speed, stop_on_signals


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE.jsonl", help="events as JSON Lines")
    parser.add_argument("--shuffle", action="store_true", help="send the lines in random order")
    parser.add_argument("--duplicates", type=_rate, default=0.0, metavar="RATE",
                        help="probability (0..1) that a line is sent twice (default 0)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--speed", type=parse_speed, default=None, metavar="N|max",
                        help="event time runs N × the wall clock, or 'max' (default max)")
    parser.add_argument("--summary-seconds", type=float, default=10.0, metavar="S",
                        help="seconds between the summary lines on stderr (default 10)")


def arrange(lines: Iterable[bytes], *, shuffle: bool, duplicates: float, seed: int) -> Iterator[bytes]:
    """The lines in sending order: each repeated with probability ``duplicates``, all shuffled if asked.

    Without ``shuffle`` it streams (a duplicate follows its original, as a producer retry
    would); with ``shuffle`` every line is held in memory. Deterministic for ``seed``.
    """
    rng = random.Random(f"replay:{seed}")
    if not shuffle:
        for line in lines:
            yield line
            if duplicates and rng.random() < duplicates:
                yield line
        return
    everything: list[bytes] = []
    for line in lines:
        everything.append(line)
        if duplicates and rng.random() < duplicates:
            everything.append(line)
    rng.shuffle(everything)
    yield from everything


def run(args: argparse.Namespace) -> int:
    from kafka.errors import KafkaError

    from monitor.settings import Settings
    from streams.publish import Pacer, Publisher, PublishError, produce_lines, read_lines

    try:
        with open(args.file, "rb"):
            pass
    except OSError as exc:
        return fail(f"{args.file}: cannot read: {exc.strerror or exc}")
    settings = Settings()
    stop = threading.Event()
    summary = Summary("replay", args.summary_seconds)
    lines = arrange(read_lines(str(args.file)), shuffle=args.shuffle, duplicates=args.duplicates, seed=args.seed)
    try:
        with stop_on_signals(stop), Publisher(settings, client_id="kcc-replay") as publisher:
            summary.start()
            produce_lines(lines, publisher, Pacer(args.speed, stop),
                          lambda n, routed: summary.tick(n, _when(routed.ts)))
    except (KafkaError, PublishError) as exc:
        summary.done(None)
        return fail(f"Kafka at {settings.bootstrap()}: {exc}", 1)
    summary.done("stopped" if stop.is_set() else "done")
    return 0


def _when(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, timezone.utc)


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"invalid rate {text!r}: a number from 0 to 1")
    return value

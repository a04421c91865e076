"""``kcc-monitor deadletters``: what the workers refused, why, and sending it again after a fix.

- ``list``: per source topic and reason, how many dead letters and where the
  first and last are;
- ``show OFFSET/PARTITION``: one dead letter (the record at that offset of that
  partition of ``<prefix>.deadletter``): reason, detail, source
  topic/partition/offset and the original bytes, as text where they decode;
- ``redrive``: the chosen dead letters (``--reason`` and/or ``--record``) sent
  again, original bytes and key unchanged, to the topic they came from, e.g.
  after a municipality file learned a new queue; ``--dry-run`` says what would
  be sent. A record whose original was truncated (``KCC_DEAD_LETTER_MAX_BYTES``)
  is never re-sent: it would arrive as a different, broken message.

Each run reads the dead-letter topic from its first offset to its end offset at
that moment (the broker keeps dead letters ``KCC_DEAD_LETTER_RETENTION_SECONDS``).
A redriven message that is still invalid becomes a new dead letter; a valid one
that was already counted changes nothing (the folds are idempotent).
"""

from __future__ import annotations

import argparse
import base64
import json
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kcc.commands import fail

if TYPE_CHECKING:
    from monitor.settings import Settings

REDRIVE_HEADER = "kcc-redriven-from"
"""Header of a redriven message: ``<dead-letter topic> OFFSET/PARTITION`` it was re-sent from."""


@dataclass(frozen=True)
class DeadLetter:
    """One message of the dead-letter topic: where it is, its key (the original key) and its record."""

    partition: int
    offset: int
    key: bytes | None
    record: dict[str, Any]
    """The dead-letter JSON (:mod:`streams.deadletter`); ``{}`` if it does not parse."""

    @property
    def ref(self) -> str:
        return f"{self.offset}/{self.partition}"

    @property
    def reason(self) -> str:
        return str(self.record.get("reason", "unreadable"))

    @property
    def source_topic(self) -> str:
        return str(self.record.get("topic", "?"))

    def original(self) -> bytes:
        return base64.b64decode(self.record.get("original_base64", ""))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="reasons and counts per source topic")
    listing.add_argument("--format", choices=("table", "json"), default="table", help="output (default table)")
    show = actions.add_parser("show", help="one dead letter: reason, detail, source and original message")
    show.add_argument("ref", metavar="OFFSET/PARTITION", type=_ref,
                      help="offset and partition in the dead-letter topic, e.g. 17/2 (as `list` prints them)")
    show.add_argument("--format", choices=("text", "json"), default="text", help="output (default text)")
    redrive = actions.add_parser("redrive", help="send chosen dead letters again to their original topic")
    redrive.add_argument("--reason", action="append", default=[], metavar="REASON",
                         help="every dead letter with this reason (repeatable)")
    redrive.add_argument("--record", action="append", default=[], type=_ref, metavar="OFFSET/PARTITION",
                         help="this dead letter (repeatable)")
    redrive.add_argument("--source-topic", metavar="TOPIC", help="only dead letters that came from this topic")
    redrive.add_argument("--dry-run", action="store_true", help="say what would be sent, send nothing")


def run(args: argparse.Namespace) -> int:
    from monitor.settings import Settings
    from streams.broker import check

    settings = Settings()
    if args.action == "redrive" and not (args.reason or args.record):
        return fail("redrive: choose what to re-send with --reason and/or --record")
    check(settings)
    letters = read(settings)
    if args.action == "list":
        return _list(letters, settings.dead_letter_topic, args.format)
    if args.action == "show":
        return _show(letters, args.ref, args.format)
    return _redrive(letters, args, settings)


def read(settings: Settings, timeout_s: float = 60.0) -> list[DeadLetter]:
    """Every dead letter now in the topic, in partition and offset order; ``timeout_s`` bounds the read (seconds)."""
    from kafka import KafkaConsumer, TopicPartition
    from kafka.errors import KafkaError

    from streams.broker import BrokerUnavailable

    topic = settings.dead_letter_topic
    options: dict[str, Any] = {}
    if "allow_auto_create_topics" in KafkaConsumer.DEFAULT_CONFIG:
        options["allow_auto_create_topics"] = False  # reading must never create the topic
    consumer = KafkaConsumer(**settings.kafka_python_kwargs(), **options, group_id=None, enable_auto_commit=False,
                             client_id=f"{settings.app_id}-deadletters")
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not partitions:
            return []
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        letters: list[DeadLetter] = []
        deadline = time.monotonic() + timeout_s
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            if time.monotonic() > deadline:
                raise BrokerUnavailable(f"timed out reading {topic} from Kafka at {settings.bootstrap()}")
            for tp, messages in consumer.poll(timeout_ms=500).items():
                letters.extend(DeadLetter(m.partition, m.offset, m.key, _parse(m.value))
                               for m in messages if m.offset < end[tp])
    except KafkaError as exc:
        raise BrokerUnavailable(f"reading {topic} from Kafka at {settings.bootstrap()} failed: {exc}") from None
    finally:
        consumer.close()
    return sorted(letters, key=lambda letter: (letter.partition, letter.offset))


def _list(letters: list[DeadLetter], topic: str, form: str) -> int:
    groups: dict[tuple[str, str], list[DeadLetter]] = {}
    for letter in letters:
        groups.setdefault((letter.source_topic, letter.reason), []).append(letter)
    rows = [{"source_topic": source, "reason": reason, "count": len(group),
             "first": min(group, key=_age).ref, "last": max(group, key=_age).ref}
            for (source, reason), group in sorted(groups.items())]
    if form == "json":
        print(json.dumps({"topic": topic, "total": len(letters), "groups": rows}, indent=2))
        return 0
    print(f"{topic}: {len(letters):,} dead letter(s)")
    if rows:
        width = max(len(r["source_topic"]) for r in rows)
        reason_width = max(len(r["reason"]) for r in rows)
        print(f"{'source topic':<{width}}  {'reason':<{reason_width}}  {'count':>7}  first / last (OFFSET/PARTITION)")
        for r in rows:
            print(f"{r['source_topic']:<{width}}  {r['reason']:<{reason_width}}  {r['count']:>7,}  "
                  f"{r['first']} / {r['last']}")
    return 0


def _show(letters: list[DeadLetter], ref: tuple[int, int], form: str) -> int:
    offset, partition = ref
    letter = next((x for x in letters if x.partition == partition and x.offset == offset), None)
    if letter is None:
        return fail(f"no dead letter at offset {offset} of partition {partition} (see `kcc-monitor deadletters list`)")
    original = letter.original()
    try:
        text: str | None = original.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    record = letter.record
    if form == "json":
        print(json.dumps({"ref": letter.ref, "key": _text(letter.key), **{k: v for k, v in record.items()
                          if k != "original_base64"}, "original_text": text,
                          "original_base64": record.get("original_base64")}, indent=2))
        return 0
    print(f"dead letter {letter.ref}")
    print(f"reason:   {letter.reason}")
    print(f"detail:   {record.get('detail', '')}")
    print(f"source:   {letter.source_topic} partition {record.get('partition')} offset {record.get('offset')}")
    print(f"key:      {_text(letter.key)}")
    when = record.get("dead_lettered_at")
    if isinstance(when, (int, float)):
        print(f"when:     {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(when))}")
    size = record.get("original_size", len(original))
    kept = " (truncated)" if record.get("truncated") else ""
    print(f"original: {size} bytes{kept}")
    print(text if text is not None else f"(not UTF-8; base64) {record.get('original_base64', '')}")
    return 0


def _redrive(letters: list[DeadLetter], args: argparse.Namespace, settings: Settings) -> int:
    wanted = set(args.record)
    known = {(x.offset, x.partition) for x in letters}
    missing = sorted(wanted - known)
    if missing:
        offset, partition = missing[0]
        return fail(f"no dead letter at offset {offset} of partition {partition}")
    chosen = [x for x in letters
              if ((x.offset, x.partition) in wanted or x.reason in args.reason)
              and (args.source_topic is None or x.source_topic == args.source_topic)]
    sendable = [x for x in chosen if x.record.get("original_base64") is not None and not x.record.get("truncated")]
    skipped = len(chosen) - len(sendable)
    per_topic = Counter(x.source_topic for x in sendable)
    where = ", ".join(f"{n:,} to {t}" for t, n in sorted(per_topic.items())) or "nothing"
    note = f"; {skipped:,} skipped (original truncated or unreadable)" if skipped else ""
    if args.dry_run:
        print(f"dry run: would re-send {len(sendable):,} of {len(chosen):,} chosen dead letter(s): {where}{note}")
        for letter in sendable:
            print(f"  {letter.ref}  {letter.reason}  → {letter.source_topic}")
        return 0
    from kafka import KafkaProducer
    from kafka.errors import KafkaError

    producer = KafkaProducer(**settings.kafka_python_kwargs(), acks="all", client_id=f"{settings.app_id}-redrive")
    try:
        futures = [producer.send(x.source_topic, key=x.key, value=x.original(),
                                 headers=[(REDRIVE_HEADER, f"{settings.dead_letter_topic} {x.ref}".encode())])
                   for x in sendable]
        producer.flush(timeout=60)
        for future in futures:
            future.get(timeout=1)
    except KafkaError as exc:
        return fail(f"redrive to Kafka at {settings.bootstrap()} failed: {exc}", status=1)
    finally:
        producer.close(timeout=10)
    print(f"re-sent {len(sendable):,} of {len(chosen):,} chosen dead letter(s): {where}{note}")
    return 0


def _ref(text: str) -> tuple[int, int]:
    offset, slash, partition = text.partition("/")
    if not slash or not offset.isdigit() or not partition.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not OFFSET/PARTITION (e.g. 17/2)")
    return int(offset), int(partition)


def _parse(value: bytes | None) -> dict[str, Any]:
    try:
        record = json.loads(value or b"")
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def _age(letter: DeadLetter) -> tuple[float, int, int]:
    when = letter.record.get("dead_lettered_at")
    return (when if isinstance(when, (int, float)) else 0.0, letter.partition, letter.offset)


def _text(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("utf-8", errors="replace")



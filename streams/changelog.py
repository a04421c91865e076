"""Reading the workers' durable state from Kafka: the changelog topics of the Faust tables.

A Faust table is backed by a compacted changelog topic
``{app_id}-{table}-changelog``: every write to the table is a message (key and
value serialised with the table's codec, JSON by default), every delete a
tombstone (value None). Replaying a changelog from the beginning is how a worker
rebuilds its tables after a restart — and how :func:`read_tables` rebuilds them
here, without any worker running.

Why the changelog and not a worker's web endpoint (``/tables``, ``/metrics``):

- it works while every worker is down: only the broker has to be up;
- no worker holds all partitions of a table (each keeps the partitions it is
  assigned), so a worker endpoint would give part of the items, and asking every
  worker races against rebalancing;
- it is the same durable state the workers recover from, so a report from it is
  exactly what the live system knows.

Semantics of one read: every partition of each topic is read from its first
offset to its end offset *at read time* (messages written meanwhile are left
for the next read); per partition and key the latest message wins and a
tombstone deletes the key. Keys are kept per partition because Faust writes a
table key to the partition of the event that changed it: the same ``daily`` key
can live in several partitions, each with part of the sum.
:class:`monitor.sources.StreamSource` adds those parts up.

Reads with ``isolation_level=read_committed``, so a worker running with
exactly-once processing never shows an aborted write.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Iterable
from typing import Any

from monitor.config import Config
from monitor.errors import ServiceError
from monitor.settings import Settings
from monitor.sources import StreamSource

RECORDS_TABLE = "records"
"""Open items: key ``municipality|kind|item_id``, value ``{"record": …, "updated": unix_seconds}``."""
DAILY_TABLE = "daily"
"""Aggregates of finished items: key ``municipality|YYYY-MM-DD``, value ``{"cells": Aggregates.to_json(), "items":
[…]}`` (``streams.tables``; a bare cells list is read too)."""
TABLES = (RECORDS_TABLE, DAILY_TABLE)

Entries = list[tuple[str, bytes]]
"""A table's current entries: (key, JSON value bytes), at most one per key and partition."""


class ChangelogUnavailable(ServiceError):
    """The broker cannot be reached, a changelog topic does not exist, or reading timed out.

    The message says which, with the broker address and topic names, for the command line."""

    exit_status = 2
    """As for bad input: ``report``/``export --from-stream`` cannot be answered from what exists."""


def changelog_topic(app_id: str, table: str) -> str:
    """Faust's changelog topic name of ``table`` in the app ``app_id``."""
    return f"{app_id}-{table}-changelog"


def decode_key(raw: bytes | None) -> str | None:
    """A changelog key as text: Faust's JSON codec writes a str key as a JSON string (``b'"a|b"'``);
    a raw (``key_serializer="raw"``) key is the UTF-8 text itself."""
    if raw is None:
        return None
    if raw[:1] == b'"':
        try:
            key = json.loads(raw)
        except ValueError:
            pass
        else:
            if isinstance(key, str):
                return key
    return raw.decode("utf-8")


def is_tombstone(value: bytes | None) -> bool:
    """A deleted key: Faust sends value None; empty and JSON ``null`` are treated the same."""
    return value is None or not value.strip() or value.strip() == b"null"


def read_tables(settings: Settings | None = None, tables: Iterable[str] = TABLES, *,
                timeout_s: float = 120.0, connect_timeout_s: float | None = None) -> dict[str, Entries]:
    """The current entries of each table, read from its changelog topic (see the module docstring).

    ``timeout_s`` bounds the whole read (seconds); ``connect_timeout_s`` how long to
    try to reach the broker (default ``KCC_KAFKA__CONNECT_TIMEOUT_SECONDS``). Raises :class:`ChangelogUnavailable`.
    """
    from kafka import KafkaConsumer, TopicPartition
    from kafka.errors import KafkaError

    from streams.broker import BrokerUnavailable, check

    settings = settings or Settings()
    if connect_timeout_s is None:
        connect_timeout_s = settings.kafka.connect_timeout_seconds
    try:
        check(settings, connect_timeout_s)
    except BrokerUnavailable as exc:
        raise ChangelogUnavailable(str(exc)) from None
    topics = {table: changelog_topic(settings.app_id, table) for table in tables}
    where = settings.bootstrap()
    options: dict[str, Any] = {
        **settings.kafka_python_kwargs(),
        "group_id": None,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "max_poll_records": 50_000,
        "fetch_max_bytes": 64 << 20,
        "max_partition_fetch_bytes": 16 << 20,
        "client_id": "kcc-monitor-changelog-reader",
    }
    defaults = KafkaConsumer.DEFAULT_CONFIG
    if "allow_auto_create_topics" in defaults:
        options["allow_auto_create_topics"] = False  # reading must never create a changelog topic
    if "bootstrap_timeout_ms" in defaults:
        options["bootstrap_timeout_ms"] = int(connect_timeout_s * 1000)
    try:
        consumer = KafkaConsumer(**options)
    except KafkaError as exc:
        raise ChangelogUnavailable(f"cannot reach the Kafka broker at {where}: {exc}") from exc
    try:
        try:
            existing = consumer.topics()
        except KafkaError as exc:
            raise ChangelogUnavailable(f"cannot list the topics of the Kafka broker at {where}: {exc}") from exc
        missing = sorted(topic for topic in topics.values() if topic not in existing)
        if missing:
            raise ChangelogUnavailable(
                f"changelog topic(s) {', '.join(missing)} do not exist on the broker at {where}: no worker of "
                f"app {settings.app_id!r} (KCC_APP_ID) has run against this broker "
                f"(KCC_KAFKA__BOOTSTRAP_SERVERS)")
        table_of = {topic: table for table, topic in topics.items()}
        partitions = []
        for topic in topics.values():
            numbers = consumer.partitions_for_topic(topic) or set()
            partitions.extend(TopicPartition(topic, number) for number in sorted(numbers))
        state = _read_to_end(consumer, partitions, time.monotonic() + timeout_s, where)
    except KafkaError as exc:
        raise ChangelogUnavailable(f"reading the changelog topics from {where} failed: {exc}") from exc
    finally:
        consumer.close()
    result: dict[str, Entries] = {table: [] for table in topics}
    for tp, latest in sorted(state.items()):
        result[table_of[tp.topic]].extend(latest.items())
    return result


def _read_to_end(consumer: Any, partitions: list[Any], deadline: float, where: str) -> dict[Any, dict[str, bytes]]:
    """Per partition, the latest value of each live key, from the first offset to the end offset now."""
    state: dict[Any, dict[str, bytes]] = {tp: {} for tp in partitions}
    if not partitions:
        return state
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    end = consumer.end_offsets(partitions)
    remaining = {tp for tp in partitions if consumer.position(tp) < end[tp]}
    consumer.pause(*(set(partitions) - remaining))
    while remaining:
        if time.monotonic() > deadline:
            behind = ", ".join(f"{tp.topic}[{tp.partition}]" for tp in sorted(remaining))
            raise ChangelogUnavailable(f"timed out reading the changelog topics from {where} ({behind} not read "
                                       "to the end)")
        for tp, messages in consumer.poll(timeout_ms=500).items():
            latest = state[tp]
            stop = end[tp]
            for message in messages:
                if message.offset >= stop:
                    break
                key = decode_key(message.key)
                if key is None:
                    continue
                if is_tombstone(message.value):
                    latest.pop(key, None)
                else:
                    latest[key] = message.value
        for tp in list(remaining):
            if consumer.position(tp) >= end[tp]:
                remaining.discard(tp)
                consumer.pause(tp)
    return state


def stream_source(config: Config, settings: Settings | None = None, *,
                  municipalities: Collection[str] | None = None, timeout_s: float = 120.0) -> StreamSource:
    """A :class:`monitor.sources.StreamSource` over the tables as they are in Kafka now.

    Raises :class:`ChangelogUnavailable` (broker down, topics missing, read timed out)."""
    tables = read_tables(settings, timeout_s=timeout_s)
    return StreamSource(config, tables[RECORDS_TABLE], tables[DAILY_TABLE], municipalities=municipalities)

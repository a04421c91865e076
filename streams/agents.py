"""The agents: every message of every family topic, from raw bytes to live metrics.

Per message, in this order (one agent per family, reading the family's topic and
its re-keyed copy):

1. parse with ``monitor.events.parse_event`` against the configured municipalities;
   an invalid message goes to the dead-letter topic, is counted by reason, and
   processing simply continues;
2. an event of another family than its topic is dead-lettered (``wrong_topic``);
3. a message whose Kafka key is not the event's item key is forwarded, keyed
   properly, to ``<prefix>.rekeyed.<family>`` and handled when it arrives there, in
   the item's own partition, before it touches any item state;
4. the event is folded into its item's record (table ``records``, :mod:`streams.tables`);
   a record the fold did not change means a duplicate (``monitor.records.fold`` is
   idempotent and order-independent), counted as such and nothing else;
5. otherwise the counters get ``monitor.live.facts(after) − facts already counted``
   (all families), the record is written, and ``kcc_last_event_timestamp_seconds``
   (and a ``queue.snapshot``'s queue gauges) are set.

A message on a re-keyed topic with header ``kcc-command: compact`` is not an event
but a command from the timer (:mod:`streams.timers`): the agent moves the final
record's contributions into the ``daily`` table of that partition and deletes the
record (:func:`compact`). Tables: see :mod:`streams.tables`.

Logs say what happened to which topic/partition/offset, never a message's content.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import faust
from prometheus_client import CollectorRegistry

from monitor.config import Config, load_config
from monitor.events import FAMILIES, InvalidEvent, family, parse_event
from monitor.indicators import contributions, is_final
from monitor.live import duplicate_facts, event_facts, event_gauges, facts, latest_us
from monitor.records import new_record, record_key
from monitor.settings import Settings
from streams import deadletter
from streams.app import create_app
from streams.metrics import CONTENT_TYPE, Metrics
from streams.tables import DailyTable, RecordCache, create_tables, record_table_key
from streams.timers import COMMAND_HEADER, COMPACT, NowCollector, is_command, scan
from streams.topics import Topics, declare

log = logging.getLogger(__name__)

BATCH_EVENTS = 500
"""Messages an agent takes at once; the records written in a batch go to the changelog once each."""
BATCH_SECONDS = 0.05
"""How long an agent waits to fill a batch, seconds (the latency a quiet stream adds, at most)."""



@dataclass(frozen=True)
class Decision:
    """What to do with one message (see the module docstring)."""

    action: Literal["dead_letter", "rekey", "process"]
    event: Any = None
    reason: str = ""
    detail: str = ""


def decide(raw: bytes | None, key: bytes | None, topic_family: str, *, rekeyed: bool,
           municipalities: frozenset[str]) -> Decision:
    """Route one message: dead letter, re-key, or process. Pure; no I/O."""
    try:
        event = parse_event(raw if raw is not None else b"", municipalities)
    except InvalidEvent as exc:
        return Decision("dead_letter", reason=exc.reason, detail=exc.detail)
    if family(event.type) != topic_family:
        return Decision("dead_letter", event, deadletter.WRONG_TOPIC,
                        f"type: {event.type!r} is not a {topic_family!r} event")
    if not rekeyed and key != event.kafka_key.encode("utf-8"):
        return Decision("rekey", event)
    return Decision("process", event)


def item_key(event: Any) -> str:
    """``family:municipality:item_id`` of an event's item, for logs (the table key is
    ``streams.tables.record_table_key``)."""
    return f"{family(event.type)}:{event.municipality}:{event.item_id}"


@dataclass
class Worker:
    """The assembled application: what ``kcc-monitor worker`` runs."""

    app: faust.App
    settings: Settings
    config: Config
    topics: Topics
    metrics: Metrics
    records: Any
    daily: DailyTable
    cache: RecordCache

    def active_partitions(self) -> set[int]:
        """Partitions of the event topics this worker actively owns now."""
        ours = self.topics.family_of
        return {tp.partition for tp in self.app.assignor.assigned_actives() if tp.topic in ours}


def build(settings: Settings | None = None, config: Config | None = None,
          registry: CollectorRegistry | None = None) -> Worker:
    """The Faust app with its topics, tables, agents, timer and ``/metrics`` page."""
    settings = settings or Settings()
    config = config or load_config(settings.config_dir)
    app = create_app(settings)
    topics = declare(app, settings)
    registry = registry or CollectorRegistry()
    metrics = Metrics.create(registry, config)
    metrics.precreate(config)
    records, daily = create_tables(app, settings.kafka.topic_partitions)
    worker = Worker(app, settings, config, topics, metrics, records, daily, RecordCache(records, config))
    registry.register(NowCollector(worker.cache, config, worker.active_partitions))
    for name in FAMILIES:
        _family_agent(worker, name)
    _live_timer(worker)
    _metrics_page(worker)
    return worker


def _family_agent(worker: Worker, name: str) -> None:
    settings, topics, metrics = worker.settings, worker.topics, worker.metrics
    rekeyed_name = topics.rekeyed[name].get_topic_name()
    slugs = worker.config.slugs

    async def agent(stream: Any) -> None:
        async for batch in stream.take_events(BATCH_EVENTS, within=BATCH_SECONDS):
            for event in batch:
                await _handle(event)
            worker.cache.flush()

    async def _handle(event: Any) -> None:
        message = event.message
        if message.topic == rekeyed_name and is_command(message.headers) == COMPACT:
            compact(worker, message.value.decode("utf-8"), message.partition)
            return
        decision = decide(event.value, message.key, name, rekeyed=message.topic == rekeyed_name,
                          municipalities=slugs)
        if decision.action == "dead_letter":
            value = deadletter.record(
                event.value, reason=decision.reason, detail=decision.detail, topic=message.topic,
                partition=message.partition, offset=message.offset,
                max_bytes=settings.dead_letter_max_bytes)
            await topics.dead_letter.send(key=message.key, value=value)
            metrics.dead_letter(message.topic, decision.reason)
            log.warning("dead letter: %s at %s[%d]@%d", decision.reason, message.topic,
                        message.partition, message.offset)
        elif decision.action == "rekey":
            await topics.rekeyed[name].send(key=decision.event.kafka_key.encode("utf-8"), value=event.value)
        else:
            _process(worker, decision.event, message.partition)

    agent.__name__ = agent.__qualname__ = f"{name}_events"
    worker.app.agent(topics.sources[name], name=f"streams.agents.{name}_events")(agent)


def _process(worker: Worker, event: Any, partition: int) -> None:
    process(worker, event, partition)


def process(worker: Worker, event: Any, partition: int, now: float | None = None) -> None:
    """Fold one valid, properly keyed event into its record and count what changed (see module docstring)."""
    municipality = worker.config[event.municipality]
    metrics = worker.metrics
    now = time.time() if now is None else now
    key = record_key(event)
    if key is None:  # queue.snapshot: live gauges only, no record
        metrics.apply_facts(event_facts(event, municipality))
        metrics.set_gauges(event_gauges(event, municipality, now))
        return
    table_key = record_table_key(key)
    entry = worker.cache.get(table_key)
    if entry is None:
        record, before, counted = new_record(key), None, Counter()
    else:
        record, counted = entry.record, entry.counted
        before = _state(record)
    record.fold(event)
    if before is not None and _state(record) == before and event.type in record._PAYLOAD:
        metrics.apply_facts(duplicate_facts(event, municipality))
        return
    current = facts(record, municipality, int(now * 1_000_000))
    metrics.apply_facts(current - counted + event_facts(event, municipality))
    worker.cache.put(table_key, record, counted | current, partition, now)
    metrics.set_gauges(event_gauges(event, municipality, now))


def _state(record: Any) -> tuple[Any, ...]:
    return tuple(getattr(record, slot) for slot in record.SLOTS)


def compact(worker: Worker, table_key: str, partition: int, now: float | None = None) -> bool:
    """Move a final, settled record into ``daily`` (its partition's part) and delete it; returns whether
    it did. Re-checks everything: the record may have changed since the timer asked."""
    now = time.time() if now is None else now
    entry = worker.cache.get(table_key)
    if entry is None or entry.partition != partition:
        return False
    record = entry.record
    municipality = worker.config.municipalities.get(record.municipality)
    now_us = int(now * 1_000_000)
    if (municipality is None or now - entry.updated < worker.settings.compaction_after_seconds
            or not is_final(record, municipality, now_us)):
        return False
    items = contributions(record, municipality, max(now_us, latest_us(record)))
    worker.daily.add(partition, items, record.municipality)
    worker.cache.delete(table_key, partition)
    return True


def _live_timer(worker: Worker) -> None:
    app, settings, topics = worker.app, worker.settings, worker.topics

    @app.timer(settings.live_timer_seconds, name="streams.agents.live_timer")
    async def live_timer() -> None:
        added, commands = scan(worker.cache, worker.config, worker.active_partitions(),
                               settings.compaction_after_seconds)
        worker.metrics.apply_facts(added)
        for family_name, table_key, partition in commands:
            await topics.rekeyed[family_name].send(key=table_key.encode("utf-8"), value=table_key.encode("utf-8"),
                                                   partition=partition, headers={COMMAND_HEADER: COMPACT})
        if commands:
            log.info("compaction: asked for %d final records", len(commands))


def _metrics_page(worker: Worker) -> None:
    metrics, app, ours = worker.metrics, worker.app, set(worker.topics.family_of)

    @app.page("/metrics")
    async def prometheus_metrics(web: Any, request: Any) -> Any:
        metrics.set_consumer_lag(consumer_lag(app, ours))
        return web.bytes(metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})


def consumer_lag(app: faust.App, topics: set[str]) -> dict[tuple[str, int], int]:
    """Messages behind per assigned partition of ``topics``, from Faust's monitor sensor.

    The sensor knows the end offset (high-water mark) of each fetched partition and the
    offset of the last message read (or else the committed position, the next to read).
    """
    monitor = app.monitor
    read = monitor._tp_read_offsets_dict()  # {topic: {partition: last offset read}}
    committed = monitor._tp_committed_offsets_dict()  # {topic: {partition: next offset to read}}
    lag: dict[tuple[str, int], int] = {}
    for topic, ends in monitor._tp_end_offsets_dict().items():
        if topic not in topics:
            continue
        for partition, end in ends.items():
            last = (read.get(topic) or {}).get(partition)
            position = last + 1 if last is not None else (committed.get(topic) or {}).get(partition)
            if end is not None and position is not None:
                lag[(topic, partition)] = max(0, end - position)
    return lag

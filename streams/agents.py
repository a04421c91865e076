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
4. a repeated ``event_id`` of an item is a duplicate: counted as such, nothing else;
5. otherwise ``monitor.live.observations`` says what the event does to the metrics.

The duplicate filter is the table ``seen`` (in memory, durable through its changelog
topic ``<app_id>-seen-changelog``): key ``family:municipality:item_id``, value a
JSON object ``{"ids": [event ids], "seen_at": unix seconds, "partition": n}``, so the
changelog can be read with any plain consumer. Items not seen for
``Settings.dedup_retention_seconds`` are dropped by a timer (with a tombstone on the
changelog), which bounds the table.

Logs say what happened to which topic/partition/offset, never a message's content.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Literal

import faust
from prometheus_client import CollectorRegistry

from monitor.config import Config, load_config
from monitor.events import FAMILIES, InvalidEvent, family, parse_event
from monitor.live import duplicate_observations, observations
from monitor.settings import Settings
from streams import deadletter
from streams.app import create_app
from streams.metrics import CONTENT_TYPE, Metrics
from streams.topics import Topics, declare

log = logging.getLogger(__name__)

SEEN_TABLE = "seen"
MAX_IDS_PER_ITEM = 256
"""Event ids remembered per item, newest kept: a call has four events, a queue's snapshots are many."""
MAX_SWEEP_INTERVAL = 60.0
"""Seconds between sweeps of the duplicate filter, at most (half the retention when that is shorter)."""


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
    """The duplicate filter's key of an event's item."""
    return f"{family(event.type)}:{event.municipality}:{event.item_id}"


@dataclass
class Worker:
    """The assembled application: what ``kcc-monitor worker`` runs."""

    app: faust.App
    settings: Settings
    config: Config
    topics: Topics
    metrics: Metrics
    seen: Any


def build(settings: Settings | None = None, config: Config | None = None,
          registry: CollectorRegistry | None = None) -> Worker:
    """The Faust app with its topics, table, agents, sweep timer and ``/metrics`` page."""
    settings = settings or Settings()
    config = config or load_config(settings.config_dir)
    app = create_app(settings)
    topics = declare(app, settings)
    metrics = Metrics.create(registry or CollectorRegistry(), config)
    seen = app.Table(SEEN_TABLE, default=None, partitions=settings.kafka.topic_partitions,
                     help="Event ids seen per item (duplicate filter).")
    worker = Worker(app, settings, config, topics, metrics, seen)
    for name in FAMILIES:
        _family_agent(worker, name)
    _sweep_timer(worker)
    _metrics_page(worker)
    return worker


def _family_agent(worker: Worker, name: str) -> None:
    settings, topics, metrics, seen = worker.settings, worker.topics, worker.metrics, worker.seen
    rekeyed_name = topics.rekeyed[name].get_topic_name()
    slugs = worker.config.slugs

    async def agent(stream: Any) -> None:
        async for event in stream.events():
            message = event.message
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
    municipality = worker.config[event.municipality]
    key = item_key(event)
    state = worker.seen.get(key)
    ids: list[str] = list(state["ids"]) if state else []
    if event.event_id in ids:
        worker.metrics.apply(duplicate_observations(event, municipality))
        return
    ids.append(event.event_id)
    worker.seen[key] = {"ids": ids[-MAX_IDS_PER_ITEM:], "seen_at": time.time(), "partition": partition}
    worker.metrics.apply(observations(event, municipality))


def _sweep_timer(worker: Worker) -> None:
    app, seen, retention = worker.app, worker.seen, worker.settings.dedup_retention_seconds

    @app.timer(min(MAX_SWEEP_INTERVAL, retention / 2), name="streams.agents.sweep_seen")
    async def sweep_seen() -> None:
        # Only partitions this worker owns now: a tombstone for another worker's item would erase it.
        active = {tp.partition for tp in app.assignor.assigned_actives()}
        expired = sweep(seen, active, time.time() - retention)
        if expired:
            log.info("duplicate filter: dropped %d items past retention", expired)


def sweep(seen: Any, active_partitions: set[int], cutoff: float) -> int:
    """Drop items last seen before ``cutoff`` (Unix seconds) in ``active_partitions``; returns how many."""
    data = seen.data
    stale = [key for key, value in list(data.items())
             if value and value["partition"] in active_partitions and value["seen_at"] < cutoff]
    for key in stale:
        partition = data[key]["partition"]
        seen.send_changelog(partition, key, None, value_serializer="raw")
        data.pop(key, None)
    return len(stale)


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

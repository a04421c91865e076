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
4. :func:`fold`: ``monitor.live.join`` folds the event into its item's record and its
   arrival is counted (``kcc_events``, the last-event gauge), or it is counted as a
   duplicate and changes nothing else;
5. once per changed record and batch, :func:`settle`: ``monitor.live.settle`` says what
   the record's facts add to those counted, and the record goes to the table
   (``records``, :mod:`streams.tables`). A batch of a backlog holds ≈ 3 events per record,
   and the facts were most of an event's cost. The metrics are summed over the batch and
   published to the registry once after it (``Metrics.publish``). Nothing else looks at a
   record before it is settled: the agent settles before a compaction command, before it
   awaits a send (the live timer may run then) and at the end of the batch.

A message on a re-keyed topic with header ``kcc-command: compact`` is not an event
but a command from the timer (:mod:`streams.timers`; in a backfill the agent does not wait for
commands, ``streams.compaction.catch_up``): the agent moves the final
record's contributions into the ``daily`` table of that partition, remembers the
item in ``compacted`` and deletes the record (:mod:`streams.compaction`). An event of an item
in ``compacted`` changes nothing (a ``kcc_events_duplicate`` of cause ``compacted``):
its contributions are in ``daily`` already. Nor does an event of an item without a record
that lies more than ``Settings.redelivery_horizon_seconds`` behind its source's watermark
(:mod:`streams.watermarks`): its key may have been forgotten by event time, and a replay of a
backfill must not count it again. Tables: see :mod:`streams.tables`.

Any exception while handling one message makes that message a dead letter
(``internal_error``, the exception type in ``detail``) and the agent goes on.

Why the order of a batch's steps matters (at-least-once, issue 10): an offset may be
committed only once every effect of its message (record and compaction writes, re-key
forward, dead letter) is sent and acknowledged by the broker. The agent's batches
(:func:`streams.batches.take_batches`) acknowledge a batch's events only when the agent asks for
the next batch, that is after the whole batch was handled *and* its changelog writes
(``streams.compaction.flush``) were handed to the producer;
Faust's commit first flushes the producer (waiting for the broker) and then commits the
acknowledged offsets. So: never acknowledge an event inside the batch loop, never defer the
flush past the next batch, and keep ``concurrency=1`` (faust-streaming #606 commits past
unfinished messages with more). Messages Faust throws away around a rebalance are read
again thanks to :mod:`streams.consumer`.

Logs say what happened to which topic/partition/offset, never a message's content.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import traceback
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import faust
from prometheus_client import CollectorRegistry

from monitor import live
from monitor.config import Config, load_config
from monitor.events import FAMILIES, InvalidEvent, family, parse_event
from monitor.live import DuplicateCause, Facts
from monitor.records import Record, record_key
from monitor.settings import Settings
from streams import deadletter, heap
from streams.app import create_app
from streams.agenda import Agenda
from streams.batches import take_batches
from streams.changelog_writes import ChangelogWrites
from streams.compaction import EXIT_IN_COMPACTION_STATUS, ExitInCompaction, catch_up, compact, data_moved, flush
from streams.metrics import CONTENT_TYPE, Metrics
from streams.record_cache import RecordCache, message_id, record_table_key
from streams.settling import Settling
from streams.tables import CompactedTable, DailyTable, create_tables
from streams.timers import COMMAND_HEADER, COMPACT, NowCollector, NowGauges, is_command
from streams.topics import Topics, declare
from streams.watermarks import Watermarks

log = logging.getLogger(__name__)

BATCH_EVENTS = 2000
"""Messages an agent takes at once; the records written in a batch go to the changelog once each."""
BATCH_SECONDS = 0.05
"""How long an agent waits to fill a batch, seconds (the latency a quiet stream adds, at most)."""



class Decision(NamedTuple):
    """What to do with one message (see the module docstring). A ``NamedTuple``: one per message, and a frozen
    dataclass costs four times as much to build."""

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
    compacted: CompactedTable
    cache: RecordCache
    writes: ChangelogWrites
    """The tables' changelog messages of the batch, sent by the agent after ``streams.compaction.flush``."""
    now_gauges: NowGauges = field(default_factory=NowGauges)
    """The records' "now" gauges, kept by the live timer's agenda, served by ``streams.timers.NowCollector``."""
    agenda: Agenda = field(init=False)
    """Which records the live timer looks at when (:mod:`streams.agenda`)."""
    settling: Settling = field(init=False)
    """Which records a catch-up looks at (:mod:`streams.settling`)."""
    unsettled: dict[str, "Unsettled"] = field(default_factory=dict)
    """Records the agent's batch changed, by table key, whose facts :func:`settle` has yet to count."""
    scanned_progress_us: int = 0
    """``Watermarks.progress_us`` at the last ``streams.compaction.catch_up``."""

    def __post_init__(self) -> None:
        self.agenda = Agenda(self.cache, self.now_gauges)
        self.settling = Settling(self.cache)

    @property
    def watermarks(self) -> Watermarks:
        """Event time per partition and source (:mod:`streams.watermarks`), kept with ``compacted``."""
        return self.compacted.watermarks

    @property
    def horizon_us(self) -> int:
        return int(self.settings.redelivery_horizon_seconds * 1_000_000)

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
    writes = ChangelogWrites()
    records, daily, compacted = create_tables(app, settings.kafka.topic_partitions, writes)
    worker = Worker(app, settings, config, topics, metrics, records, daily, compacted,
                    RecordCache(records, config, writes), writes)
    registry.register(NowCollector(worker.now_gauges, config))
    for name in FAMILIES:
        _family_agent(worker, name)
    _live_timer(worker)
    _heap_timer(worker)
    _metrics_page(worker)
    return worker


def _family_agent(worker: Worker, name: str) -> None:
    topics = worker.topics
    rekeyed_name = topics.rekeyed[name].get_topic_name()
    slugs = worker.config.slugs

    async def agent(stream: Any) -> None:
        async for batch in take_batches(stream, BATCH_EVENTS, BATCH_SECONDS):
            for event in batch:
                sending = _handle(event)
                if sending is not None:
                    settle(worker)
                    await sending
            settle(worker)
            worker.metrics.publish()
            if data_moved(worker):
                catch_up(worker)
            try:
                flush(worker)
            except ExitInCompaction:
                await worker.writes.send(worker.app.producer)
                await worker.app.producer.flush()
                os._exit(EXIT_IN_COMPACTION_STATUS)
            await worker.writes.send(worker.app.producer)
            now = time.time()
            worker.metrics.event_delays(now - event.message.timestamp for event in batch)

    def _handle(event: Any) -> Coroutine[Any, Any, None] | None:
        """Handle one message; what is left to await when it must be sent on (a dead letter, a re-keyed copy).
        Synchronous for the messages processed: a coroutine per message cost ≈ 1 % of the main thread."""
        message = event.message
        try:
            if message.topic == rekeyed_name and is_command(message.headers) == COMPACT:
                settle(worker)
                compact(worker, message.value.decode("utf-8"), message.partition)
                return None
            decision = decide(event.value, message.key, name, rekeyed=message.topic == rekeyed_name,
                              municipalities=slugs)
            if decision.action == "process":
                fold(worker, decision.event, message.partition, time.time(),
                     message_id(message.topic == rekeyed_name, message.offset))
                return None
        except Exception as exc:  # noqa: BLE001 (no message may stop the agent: it becomes a dead letter)
            return _internal_error(message, event.value, exc)
        return _send(message, event.value, decision)

    async def _send(message: Any, raw: bytes | None, decision: Decision) -> None:
        try:
            if decision.action == "dead_letter":
                await dead_letter(worker, message, raw, decision.reason, decision.detail)
            else:
                await topics.rekeyed[name].send(key=decision.event.kafka_key.encode("utf-8"), value=raw)
        except Exception as exc:  # noqa: BLE001 (as in _handle)
            await _internal_error(message, raw, exc)

    async def _internal_error(message: Any, raw: bytes | None, exc: Exception) -> None:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        log.error("internal error %s (%s:%d) at %s[%d]@%d", type(exc).__qualname__, where.filename,
                  where.lineno, message.topic, message.partition, message.offset)
        await dead_letter(worker, message, raw, deadletter.INTERNAL_ERROR, deadletter.internal_error_detail(exc))

    agent.__name__ = agent.__qualname__ = f"{name}_events"
    worker.app.agent(topics.sources[name], name=f"streams.agents.{name}_events")(agent)


async def dead_letter(worker: Worker, message: Any, raw: bytes | None, reason: str, detail: str) -> None:
    """Send one message to the dead-letter topic (retried until delivered, ``streams.deadletter.send``)
    and count it by reason."""
    value = deadletter.record(raw, reason=reason, detail=detail, topic=message.topic, partition=message.partition,
                              offset=message.offset, max_bytes=worker.settings.dead_letter_max_bytes)
    key = deadletter.key(message.key)

    async def deliver(body: bytes) -> None:
        await (await worker.topics.dead_letter.send(key=key, value=body))

    def failed(exc: BaseException) -> None:
        worker.metrics.dead_letter_send_failed(message.topic)
        log.warning("dead letter of %s[%d]@%d not sent (%s), retrying", message.topic, message.partition,
                    message.offset, type(exc).__qualname__)

    await deadletter.send(deliver, value, on_failure=failed)
    worker.metrics.dead_letter(message.topic, reason)
    log.warning("dead letter: %s at %s[%d]@%d", reason, message.topic, message.partition, message.offset)


class Unsettled(NamedTuple):
    """A record the agent's batch changed whose facts are not counted yet (:func:`settle`)."""

    record: Record
    counted: Facts | None
    """The facts counted for it before the batch (None: none, a new record)."""
    partition: int
    stored: list[str]
    """Ids of the messages that changed it as stored before the batch (``Entry.folded``)."""
    messages: list[str]
    """Ids of the batch's messages that changed it (appended to)."""


def fold(worker: Worker, event: Any, partition: int, now: float, message: str | None = None) -> DuplicateCause | None:
    """Fold one valid, properly keyed event into its record and count its arrival (see module docstring); the
    record's facts wait for :func:`settle`. ``now``: processing time, Unix seconds; ``message``: the message's id
    (``streams.record_cache.message_id``). Returns why the event changed nothing, or None."""
    municipality = worker.config[event.municipality]
    now_us = int(now * 1_000_000)
    key = record_key(event)
    if key is None:  # a queue.snapshot
        worker.metrics.add(live.arrival(event, municipality, now_us))
        return None
    table_key = record_table_key(key)
    unsettled = worker.unsettled.get(table_key)
    if unsettled is None:
        entry = worker.cache.get(table_key)
        forgotten = _forgotten(worker, table_key, entry is not None, event, partition, now_us)
        if entry is not None:
            unsettled = Unsettled(entry.record, entry.counted, partition, entry.folded, [])
    else:
        forgotten = _forgotten(worker, table_key, True, event, partition, now_us)
    if forgotten:
        worker.metrics.add(live.duplicate(event, municipality, "compacted"))
        return "compacted"
    if unsettled is None:
        record, cause = live.join(None, event)
        unsettled = Unsettled(record, None, partition, [], [])
    else:
        redelivered = message is not None and (message in unsettled.messages or message in unsettled.stored)
        record, cause = live.join(unsettled.record, event, redelivered=redelivered)
        if cause is not None:
            worker.metrics.add(live.duplicate(event, municipality, cause))
            return cause
    worker.unsettled[table_key] = unsettled
    if message is not None:
        unsettled.messages.append(message)
    worker.metrics.arrived(*live.arrival_series(event.type, municipality), now)
    return None


def settle(worker: Worker, now: float | None = None) -> None:
    """Count the facts of every record :func:`fold` changed since the last call and store the records (table and
    cache): once per record and batch. The agent calls it before anything else looks at the records (a
    compaction command, a send it awaits, the end of its batch). ``now``: processing time, Unix seconds."""
    unsettled = worker.unsettled
    if not unsettled:
        return
    now = time.time() if now is None else now
    now_us = int(now * 1_000_000)
    municipalities, add, put = worker.config.municipalities, worker.metrics.add_facts, worker.cache.put
    for table_key, (record, counted, partition, _, messages) in unsettled.items():
        delta, counted = live.settle(record, counted, municipalities[record.municipality], now_us)
        add(delta)
        put(table_key, record, counted, partition, now, messages)
    unsettled.clear()


def process(worker: Worker, event: Any, partition: int, now: float | None = None,
            message: str | None = None) -> DuplicateCause | None:
    """:func:`fold` and :func:`settle` for one event (a batch of one); returns why it changed nothing, or None."""
    now = time.time() if now is None else now
    cause = fold(worker, event, partition, now, message)
    settle(worker, now)
    return cause


def _forgotten(worker: Worker, table_key: str, has_record: bool, event: Any, partition: int, now_us: int) -> bool:
    """Whether the event's item was compacted: its key is in ``compacted``, or it has no record and the event
    lies more than the redelivery horizon behind its source's watermark (its key may be forgotten already,
    ``CompactedTable``). Advances the watermark."""
    event_us = event.ts_us
    watermark = worker.compacted.watermarks.advance(partition, event.municipality, family(event.type), event_us,
                                                    now_us)
    return worker.compacted.holds(table_key) or (
        not has_record and watermark is not None and worker.settings.compaction_margin_event_seconds is not None
        and event_us < watermark - worker.horizon_us)


def _live_timer(worker: Worker) -> None:
    @worker.app.timer(worker.settings.live_timer_seconds, name="streams.agents.live_timer")
    async def live_timer() -> None:
        await live_scan(worker)


def _heap_timer(worker: Worker) -> None:
    """Give the free memory of the C heap back every ``heap_trim_seconds`` (:mod:`streams.heap`)."""
    seconds = worker.settings.heap_trim_seconds
    if seconds <= 0:
        return

    @worker.app.timer(seconds, name="streams.agents.heap_timer")
    async def heap_timer() -> None:
        heap.trim()


async def live_scan(worker: Worker) -> int:
    """One tick of the live timer: look at the records its agenda names (:mod:`streams.agenda`), a chunk at a
    time with the agents running in between, add the facts passing time added and send the compaction
    commands. Returns the commands sent."""
    settings, topics = worker.settings, worker.topics
    sent = 0
    while True:
        added, commands = worker.agenda.tick(worker.config, worker.active_partitions(),
                                             settings.compaction_after_seconds,
                                             orphan_after=settings.redelivery_horizon_seconds,
                                             watermarks=worker.watermarks,
                                             event_after=settings.compaction_margin_event_seconds)
        worker.metrics.apply_facts(added)
        for family_name, table_key, partition in commands:
            await topics.rekeyed[family_name].send(key=table_key.encode("utf-8"), value=table_key.encode("utf-8"),
                                                   partition=partition, headers={COMMAND_HEADER: COMPACT})
        if commands:
            log.info("compaction: asked for %d final records", len(commands))
        sent += len(commands)
        if not worker.agenda.pending:
            return sent
        await asyncio.sleep(0)


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

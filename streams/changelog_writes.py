"""A batch's changelog writes: encoded when a table changes, sent by the agent in their order.

Faust sends a table's changelog message through ``send_changelog`` → ``Topic.send_soon``: a
``PendingMessage`` and a ``FutureMessage`` per write, the serializer registry, the producer buffer's
background task, ``publish_message`` with its sensor calls and callbacks. A worker writes about one changelog
message per event (the records changed in a batch, once each), and a backfill also the tombstone of every
compacted item: that path was 10–15 % of the worker's main thread (docs/performance.md). :class:`ChangelogWrites`
keeps the batch's writes as bytes and the agent hands them to the producer itself (:meth:`send`), after
:func:`streams.compaction.flush` and before it asks for the next batch.

:meth:`send` hands them to aiokafka a batch per changelog partition (``create_batch``, ``send_batch``):
``send`` per message cost a coroutine or two, a future and its completion each, ≈ 3 % of a worker's main thread
live and more in a backfill (docs/performance.md). Faust's ``on_produce_message`` hook is not called for
them (the worker sets none). A partition's batch waits, as a full one always did, until the producer drained the
partition's previous batch.

What at-least-once needs is unchanged: every write of a batch is appended to the producer, in the order the
tables made it, before the batch's events are acknowledged, and Faust's commit flushes the producer (waits
for the broker) before it commits their offsets.

Why :meth:`send` takes a lock: the agents of all families share the tables and this queue, and appending
can suspend (aiokafka's ``add_message`` waits while a partition's 1 MiB batch is full, as in the catch-up
after a restart). Without the lock, an agent could append a newer snapshot of a ``daily`` part (parts are
shared by the families of a municipality and day) while another agent, suspended, still held an older
snapshot of it, which then overwrote the newer one in the changelog: the contributions of items compacted
in between were lost once a restarted worker recovered the part (the likely cause of the 3 of 91 digital
transactions CI lost in ``test_faults.py``: only the catch-up after a restart fills such a batch). And an
agent could return, and have its batch acknowledged, while writes it had queued still waited in the other
agent's list. With the lock, writes reach the producer in the order they were queued, and a :meth:`send`
returns only once everything queued before it was appended.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any

import orjson
from faust.utils import json as faust_json

_json_dumps: Callable[[Any], bytes] = partial(
    orjson.dumps, default=faust_json.on_default, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z)
"""Faust's ``json`` codec with orjson (a dependency), as one C call: the codec's ``dumps`` reaches this same
``orjson.dumps`` through four Python calls, ≈ 1 µs per write, two per changelog message
(``tests/streams/test_changelog_writes.py`` compares the bytes)."""


class ChangelogWrites:
    """The changelog messages of the tables since the last :meth:`send`, in their order."""

    def __init__(self) -> None:
        self.pending: list[tuple[str, int, bytes, bytes | None, Callable[[], None] | None]] = []
        """``(changelog topic, partition, key, value or None for a tombstone, on_durable)``."""
        self._sending = asyncio.Lock()

    def write(self, topic: str, partition: int, key: str, value: Any,
              on_durable: Callable[[], None] | None = None) -> None:
        """Queue ``key`` → ``value`` (JSON-able; None: a tombstone) for partition ``partition`` of the changelog
        ``topic``; ``on_durable`` is called once the broker acknowledged it."""
        self.pending.append((topic, partition, _json_dumps(key), None if value is None else _json_dumps(value),
                             on_durable))

    async def send(self, producer: Any) -> int:
        """Append every queued write to ``producer`` (Faust's aiokafka transport producer), each changelog
        partition's in order, after those of a :meth:`send` still under way (module docstring); returns how many
        this call appended. Every write queued before the call is in the producer once it returns; the broker's
        acknowledgement comes later (Faust's commit waits for it)."""
        async with self._sending:
            pending, self.pending = self.pending, []
            kafka = producer._ensure_producer()
            partitions: dict[tuple[str, int], list[tuple[bytes, bytes | None, Callable[[], None] | None]]] = {}
            for topic, partition, key, value, on_durable in pending:
                partitions.setdefault((topic, partition), []).append((key, value, on_durable))
            for (topic, partition), writes in partitions.items():
                batch, durable = kafka.create_batch(), []
                for key, value, on_durable in writes:
                    if batch.append(timestamp=None, key=key, value=value) is None:  # full
                        await _send_batch(kafka, batch, topic, partition, durable)
                        batch, durable = kafka.create_batch(), []
                        if batch.append(timestamp=None, key=key, value=value) is None:
                            raise ValueError(f"a changelog message of {len(value or b'')} bytes for {topic} exceeds "
                                             "the producer's batch size")
                    if on_durable is not None:
                        durable.append(on_durable)
                await _send_batch(kafka, batch, topic, partition, durable)
            return len(pending)


async def _send_batch(kafka: Any, batch: Any, topic: str, partition: int, durable: list[Callable[[], None]]) -> None:
    """Hand ``batch`` to the aiokafka producer ``kafka``; once the broker acknowledged it, call ``durable``."""
    sent = await kafka.send_batch(batch, topic, partition=partition)
    if durable:
        def acknowledged(done: Any) -> None:
            if not (done.cancelled() or done.exception()):
                for call in durable:
                    call()

        sent.add_done_callback(acknowledged)

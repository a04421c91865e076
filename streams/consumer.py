"""The worker's Kafka consumer: Faust's aiokafka consumer with three holes in its offset bookkeeping closed
and a cheaper hand-over of each message to the streams.

Faust commits, per partition, the offsets its streams acknowledged. Around a rebalance it
throws fetched messages away on purpose (``Consumer.getmany`` stops mid-batch when the flow
is suspended or the generation changed; streams skip, and *acknowledge*, the messages they
take while the flow is suspended or that belong to an older generation) and relies on
``perform_seek`` to read them again from the committed offset. Three things break that,
and then the group commits offsets past messages whose effects (changelog writes, re-key
forwards, dead letters) never happened, or stops committing:

1. **No committed offset, no rewind.** ``perform_seek`` uses aiokafka's
   ``seek_to_committed``, which seeks only partitions whose committed offset is above zero.
   A partition nobody has committed yet (a worker killed before its first commit, as in
   ``tests/integration/test_faults.py``) keeps its fetch position past the thrown-away
   messages; the next acknowledgement then commits past them. Found on 2 December 2026: the
   survivor of a two-worker app resumed ``events.call[1]`` at offset 75 although nothing was
   committed there and no worker had handled offsets 7 to 74. :meth:`Consumer.seek_to_committed`
   rewinds such partitions to their first offset (the app's ``consumer_auto_offset_reset``
   is ``earliest``).
2. **Skipped messages acknowledged.** A message skipped because the flow is suspended
   (a rebalance is under way) or because it was fetched in an older generation was never
   handled, yet its acknowledgement lands in the consumer's list of committable offsets
   (after the rebalance cleared that list), so a later commit can cover it before its
   re-fetched copy is handled. :meth:`Consumer.ack` drops such acknowledgements: the
   message is handled again after the seek, which the idempotent folds allow.
3. **Messages handed over during the seek, then cleared.** Recovery resumes the stream
   partitions, seeks, and only then resumes the flow control, which empties the streams'
   queues (``FlowControlEvent.resume``); messages fetched from the new position in between
   were dropped unhandled while the consumer counted them as read, so they were never read
   again (seen 2 December 2026: the survivor's commits of ``events.queue[0]`` stuck at 152 of
   480). :meth:`Consumer.perform_seek` stops the consumer's flow first; each caller resumes
   it after the queues were emptied.

All three keep at-least-once delivery: a message is read again rather than skipped.

One more change is for speed (issue 11, docs/performance.md): Faust hands every message to the
conductor through ``Service.wait_first(callback(message), suspend_flow.wait())``, so that a delivery
stuck behind a full stream queue, suspended flow control or a full producer buffer is abandoned when
the flow is suspended for a rebalance. That creates four tasks and an ``asyncio.wait`` per message,
16 % of the worker's main thread in a py-spy profile. :meth:`Consumer._drain_messages` delivers directly when
the delivery cannot wait for anything (:meth:`Consumer.delivery_may_wait`), and keeps ``wait_first`` otherwise.
Directly means, for a partition whose streams all take raw bytes (``streams.schema.RawSchema``, the event
topics), without the conductor (:meth:`Consumer.handover`): what its handler does per message after its
checks (which ``delivery_may_wait`` made, once per stretch) is one ``Event`` and a ``put`` on each stream's
queue, and the handler's coroutines, its lock and its settings lookups were 9 % of the main thread.

And the worker's aiokafka consumer lets the broker hold a fetch that finds nothing new for :data:`FETCH_MAX_WAIT_MS`
instead of Faust's 1.5 s (:class:`ConsumerThread`): a topic still replayed waited that long for each fetch once the
others had reached their end.

All of this relies on Faust's internals (``faust.transport.consumer``, ``faust.transport.conductor``,
``faust.types.tuples``, ``mode.utils.queues``): faust-streaming stays pinned below 0.16, and a new version needs
these methods compared with the ones of 0.15.3 they copy or extend: :meth:`Consumer._drain_messages` and
:meth:`Consumer.getmany` (``Consumer``'s), :meth:`Consumer.handover` (the conductor handler's last steps),
:meth:`Consumer.ack_all` (``Message.ack`` with ``Consumer.ack``), and :meth:`ConsumerThread._create_worker_consumer`
(it sets aiokafka's private ``_fetch_max_wait_ms``, which aiokafka 0.14 reads when the consumer starts).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from functools import cached_property
from typing import Any

from aiokafka.errors import IllegalStateError
from faust.transport.consumer import CONSUMER_FETCHING
from faust.transport.drivers import aiokafka as driver
from faust.types import TP
from faust.types.tuples import ack_lock
from mode import ServiceT
from mode.utils.futures import notify

from streams.schema import RawSchema


_MAY_WAIT, _CONDUCTOR = "may wait", "conductor"
"""How :meth:`Consumer._drain_messages` delivers a partition's messages when not by a :meth:`Consumer.handover`."""


FETCH_MAX_WAIT_MS = 100
"""How long the broker may hold a fetch request that finds no new records, ms (aiokafka's ``fetch_max_wait_ms``;
Faust's worker consumer sets 1,500, Kafka's default is 500). The consumer has one fetch request in flight per
broker, and a partition whose fetched records still wait in the consumer is not in it: once they are taken, the
partition waits for that request to come back. In a backfill, while the other topics have reached their end,
each fetch of the topic still replayed waited the whole 1.5 s (a 30-day backfill spent ≈ 10 s of its 28 s so, the
worker mostly idle; docs/performance.md). Idle, a worker asks the broker ten times a second."""


class ConsumerThread(driver.AIOKafkaConsumerThread):
    """Faust's consumer thread, its aiokafka consumer holding fetches at most :data:`FETCH_MAX_WAIT_MS`."""

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS  # read when the consumer starts and builds its fetcher
        return consumer


class Consumer(driver.Consumer):
    """Faust's aiokafka consumer; see the module docstring for what differs and why."""

    def _new_consumer_thread(self) -> ConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def perform_seek(self) -> None:
        """Stop handing messages to the streams, then seek (see :meth:`seek_to_committed`); the caller resumes
        the flow (module docstring, 3)."""
        self.stop_flow()
        await super().perform_seek()

    async def seek_to_committed(self) -> Any:
        """Seek every assigned partition to its committed offset, and the partitions of acknowledged
        topics without one (none, or zero) to offset 0, i.e. their first (module docstring, 1); returns the
        committed offsets."""
        committed = await super().seek_to_committed()
        acknowledged = self.app.topics.acks_enabled_for
        for tp in [tp for tp, offset in committed.items() if not offset and acknowledged(tp.topic)]:
            try:
                self._thread.seek(tp, 0)  # below the log start after retention: reset to the first (earliest)
            except IllegalStateError:  # revoked meanwhile: the next assignment seeks again
                pass
        return committed

    def ack(self, message: Any) -> bool:
        """Mark ``message`` as handled, unless it was taken while the flow was suspended or in an older
        generation: then it is only marked done, its offset not committable (module docstring, 2)."""
        app = self.app
        if message.generation_id != app.consumer_generation_id or not app.flow_control.is_active():
            message.acked = True
            self._unacked_messages.discard(message)
            return False
        return super().ack(message)

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Any]]:
        """Faust 0.15.3's ``Consumer.getmany`` (one fetch's records, round-robin over the topics, as messages;
        stop when the flow stops or the generation changes), except that each partition's end offset is read and
        tracked for the consumer lag once per fetch rather than per message (≈ 1.5 % of the main thread). The
        fetch's records all lie below the end offset read after it arrived."""
        records, active_partitions = await self._wait_next_records(timeout)
        app = self.app
        generation_id = app.consumer_generation_id
        if records is None or self.should_stop:
            return
        if not self.flow_active:
            self.log.dev("getmany called while flow not active. Seek back to committed offsets.")
            try:
                await self.perform_seek()
            except Exception as exc:  # noqa: BLE001 (as Faust: the next fetch seeks again)
                self.log.warning(f"exception performing seek when flow not active {exc}")
            return
        to_message, buffered = self._to_message, self._buffered_partitions
        track_end_offset, tracked = app.monitor.track_tp_end_offset, set()
        for tp, record in self.scheduler.iterate(records):
            if not self.flow_active:
                break
            if app.consumer_generation_id != generation_id:
                self.log.dev("Generation id changed from %r to %r. Cancelling getmany.", generation_id,
                             app.consumer_generation_id)
                break
            if active_partitions is None or tp in active_partitions or tp in buffered:
                if tp not in tracked:
                    tracked.add(tp)
                    track_end_offset(tp, self.highwater(tp))
                yield tp, to_message(tp, record)

    def ack_all(self, messages: Iterable[Any]) -> list[bool]:
        """``message.ack(self)`` for each of ``messages`` (one stream's reference each), in one pass: what each call
        returns, True where the message's offset became committable. For an agent's batch (``streams.batches``):
        ``Message.ack`` → ``Consumer.ack`` takes Faust's ``ack_lock`` three times, reads the app's flow and
        generation and wakes the commit's waiters per message, ≈ 3 % of a worker's main thread; here once per
        batch, with :meth:`ack`'s and Faust's bookkeeping per message unchanged."""
        app = self.app
        generation, flowing = app.consumer_generation_id, app.flow_control.is_active()
        acks_enabled_for = app.topics.acks_enabled_for
        committed_offsets, acked_indexes, acked_offsets = self._committed_offset, self._acked_index, self._acked
        unacked = self._unacked_messages
        result: list[bool] = []
        with ack_lock:
            for message in messages:
                if message.acked:
                    result.append(False)
                    continue
                message.refcount = refcount = max(message.refcount - 1, 0)
                if refcount:
                    result.append(False)
                    continue
                message.acked = True
                committable = False
                if message.generation_id != generation or not flowing:  # see ack
                    unacked.discard(message)
                elif acks_enabled_for(message.topic):
                    tp, offset = message.tp, message.offset
                    committed = committed_offsets[tp]
                    acked_index = acked_indexes[tp]
                    if (committed is None or offset >= committed) and offset not in acked_index:
                        unacked.discard(message)
                        acked_index.add(offset)
                        acked_offsets[tp].append(offset)
                        self._n_acked += 1
                        committable = True
                result.append(committable)
            notify(self._waiting_for_ack)
        return result

    def delivery_may_wait(self, tp: TP, room: int = 1) -> bool:
        """Whether handing ``room`` messages of ``tp`` to the conductor may wait: when the consumer's flow or the
        app's flow control is suspended, the consumer is stopping, the producer buffer is above its limit
        (``ProducerBuffer.wait_until_ebb`` flushes), the conductor's callback map is being rebuilt (its lock is
        taken), the partition has no handler, or a stream queue of the partition has room for fewer than
        ``room`` more. Otherwise the conductor decodes each message and puts it on the streams' queues without
        giving up the event loop, so no suspension can arrive while they are handed over."""
        app = self.app
        if not (self.flow_active and app.flow_control.is_active()) or self._stopped.is_set() or self._crashed.is_set():
            return True
        buffer = app.producer.buffer
        if (buffer.size if self._producer_threaded else buffer.pending.qsize()) > buffer.max_messages:
            return True
        conductor = app.topics
        lock = conductor._tp_to_callback_lock
        if lock.locked() or lock._waiters:
            return True
        channels = conductor._tp_index.get(tp)
        if not channels or tp not in conductor._tp_to_callback:
            return True
        for channel in channels:
            queue = channel.queue
            if queue.maxsize > 0 and queue.qsize() + room > queue.maxsize:
                return True
        return False

    def handover(self, tp: TP) -> Callable[[Any], None] | None:
        """The conductor's delivery of one message of ``tp`` as a synchronous call, or None when a stream of the
        partition decodes other than raw (then the conductor delivers). Valid only while
        :meth:`delivery_may_wait` says no: it does what the conductor's handler does once its checks passed
        (``faust.transport.conductor.ConductorCompiler.build``): one event for all the partition's streams (all
        decode alike), a reference per stream, a put on each stream's queue that reports pressure as the
        handler's does."""
        channels = self.app.topics._tp_index.get(tp)
        if not channels or not all(isinstance(channel.schema, RawSchema) for channel in channels):
            return None
        queues = [channel.queue for channel in channels]
        streams = len(queues)
        on_high, on_drop = self._pressure_callbacks(tp)
        app, event_class = self.app, self._event_class

        def deliver(message: Any) -> None:
            message.refcount += streams  # ``incref`` without ``ack_lock``: no stream holds the message yet
            event = event_class(app, message.key, message.value, message.headers, message)
            for queue in queues:
                queue.put_nowait_enhanced(event, on_pressure_high=on_high, on_pressure_drop=on_drop)

        return deliver

    def _pressure_callbacks(self, tp: TP) -> tuple[Callable[[], None], Callable[[], None]]:
        """The conductor handler's reactions to a stream queue of ``tp`` filling up and draining again (stop and
        resume fetching the partition); one pair per partition, as a queue remembers the drop callbacks it owes."""
        pair = self._pressure.get(tp)
        if pair is None:
            tp = TP(tp.topic, tp.partition)  # the fetch's aiokafka ``TopicPartition``; Faust's sets hold only ``TP``
            on_full, on_buffer_full, on_buffer_drop = (self.app.sensors.on_topic_buffer_full, self.on_buffer_full,
                                                       self.on_buffer_drop)

            def on_high() -> None:
                on_full(tp)
                on_buffer_full(tp)

            def on_drop() -> None:
                on_buffer_drop(tp)

            pair = self._pressure[tp] = (on_high, on_drop)
        return pair

    @cached_property
    def _pressure(self) -> dict[TP, tuple[Callable[[], None], Callable[[], None]]]:
        return {}

    @cached_property
    def _event_class(self) -> Any:
        """``app.conf.Event``, read once (the settings registry's lookup costs a microsecond)."""
        return self.app.conf.Event

    @cached_property
    def _producer_threaded(self) -> bool:
        """``producer_threaded``, read once: ``ProducerBuffer.size`` reads it from the settings on every call."""
        return bool(self.app.conf.producer_threaded)

    async def _drain_messages(self, fetcher: ServiceT) -> None:
        """Faust 0.15.3's fetch loop (``faust.transport.consumer.Consumer._drain_messages``: read offsets, gaps,
        ``commit_every``, a ``sleep(0)`` every 100 messages), except that a message whose delivery cannot wait
        (:meth:`delivery_may_wait`) is delivered without ``wait_first``, by :meth:`handover` where it can (module
        docstring).

        How a partition's messages are delivered is decided once per stretch of the loop that does not give up the
        event loop (at most ``yield_every`` + 1 deliveries, so with that much room in the queues): nothing that
        would change the answer can run before the loop gives up the event loop again."""
        callback = self.callback
        getmany = self.getmany
        consumer_should_stop = self._stopped.is_set
        fetcher_should_stop = fetcher._stopped.is_set  # type: ignore[attr-defined]
        may_wait = self.delivery_may_wait
        handover = self.handover

        get_read_offset = self._read_offset.__getitem__
        set_read_offset = self._read_offset.__setitem__
        set_flag = self.diag.set_flag
        unset_flag = self.diag.unset_flag
        commit_every = self._commit_every
        acks_enabled_for = self.app.topics.acks_enabled_for

        yield_every = 100
        num_since_yield = 0
        sleep = asyncio.sleep
        room = yield_every + 1
        ways: dict[TP, Any] = {}
        """Per partition since the loop last gave up the event loop: ``_MAY_WAIT``, ``_CONDUCTOR`` (the
        conductor's callback, without ``wait_first``) or a :meth:`handover`."""

        try:
            while not (consumer_should_stop() or fetcher_should_stop()):
                set_flag(CONSUMER_FETCHING)
                ait = getmany(timeout=1.0)
                await self.sleep(0)  # getmany may run in a loop without giving up the event loop
                num_since_yield = 0
                ways.clear()
                if not self.should_stop:
                    async for tp, message in ait:
                        num_since_yield += 1
                        if num_since_yield > yield_every:
                            await sleep(0)
                            num_since_yield = 0
                            ways.clear()

                        offset = message.offset
                        r_offset = get_read_offset(tp)
                        if r_offset is None or offset >= r_offset:
                            gap = offset - (r_offset or 0)
                            if gap > 1 and r_offset and acks_enabled_for(message.topic):
                                await self._add_gap(tp, r_offset + 1, offset)
                                ways.clear()
                            if commit_every is not None and self._n_acked >= commit_every:
                                self._n_acked = 0
                                await self.commit()
                                ways.clear()
                            way = ways.get(tp)
                            if way is None:
                                way = ways[tp] = _MAY_WAIT if may_wait(tp, room) else handover(tp) or _CONDUCTOR
                            if way is _MAY_WAIT:
                                await self.wait_first(callback(message), self.suspend_flow.wait())
                                ways.clear()
                            elif way is _CONDUCTOR:
                                await callback(message)
                            else:
                                way(message)
                            set_read_offset(tp, offset)
                        else:
                            self.log.dev("dropped %s[%d]@%d: read already", tp.topic, tp.partition, offset)  # never the content
                    unset_flag(CONSUMER_FETCHING)
        except self.consumer_stopped_errors:
            if self.transport.app.should_stop:
                self.log.info("Broker stopped consumer, shutting down...")
                return
            raise
        except asyncio.CancelledError:
            if self.transport.app.should_stop:
                self.log.info("Consumer shutting down for user cancel.")
                return
            raise
        except Exception as exc:
            self.log.exception("Drain messages raised: %r", exc)
            raise
        finally:
            unset_flag(CONSUMER_FETCHING)

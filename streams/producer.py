"""The worker's Kafka producer: Faust's aiokafka producer with a cheaper wait on its buffer.

Table writes (the changelog) go through Faust's :class:`~faust.transport.producer.ProducerBuffer`:
``__setitem__`` cannot await, so it queues the message and a background task sends the queue. Above
``max_messages`` (100) queued messages the conductor waits before it hands over the next message
(``wait_until_ebb``), and the consumer waits for the whole queue before it commits (``flush``). Faust's
wait is ``asyncio.wait_for`` per message sent, with a 0.1 s timeout: a task, a future and a timer per
changelog message, ≈ 5 % of a worker's main thread (docs/performance.md). :class:`ProducerBuffer` waits
the same way (per message sent, giving up after 0.05–0.1 s without one) under one ``asyncio.timeout``
moved forward when half of it has passed, without a task or a timer per message, and without Faust's
warning each time the buffer is above its limit.
"""

from __future__ import annotations

import asyncio
from functools import cached_property
from typing import Any

from faust.transport.drivers import aiokafka
from faust.transport.producer import ProducerBuffer as FaustProducerBuffer

#: Seconds the buffer's flush waits for the next message to be sent before it returns (Faust's value).
_SEND_WAIT = 0.1


class ProducerBuffer(FaustProducerBuffer):
    """Faust's producer buffer whose flush waits for sent messages under one timeout instead of a task per message.

    ``flush_atmost(n)`` returns, as Faust's, the number of messages sent while it waited: after ``n`` of
    them, when the buffer is empty, or when none was sent for :data:`_SEND_WAIT` seconds (at least half of
    it: the timeout is moved only when half of it has passed, not at every message). ``put`` and ``size``
    read the ``producer_threaded`` setting once instead of at every call (Faust's settings are read
    through a descriptor, ≈ 1 µs a read, several reads per changelog message).
    """

    @cached_property
    def _threaded(self) -> bool:
        return bool(self.app.conf.producer_threaded)

    def put(self, fut: Any) -> None:
        if self._threaded:
            super().put(fut)
        else:
            self.pending.put_nowait(fut)

    @property
    def size(self) -> int:
        if self._threaded:
            return super().size
        return self.pending.qsize()

    async def wait_until_ebb(self) -> None:
        """Faust's wait for the buffer to ebb, without its warning and timing log lines.

        The agents write a batch's changelog at once (:mod:`streams.agents`), so a buffer above
        ``max_messages`` is the worker's normal state, not a condition to warn about a few times a second.
        """
        if self.size > self.max_messages:
            await self.flush_atmost(self.max_messages)

    async def flush_atmost(self, max_messages: int | None) -> int:
        flushed = 0
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout_at(loop.time() + _SEND_WAIT) as deadline:
                while True:
                    size = self.size
                    if self.state != "running" and size:
                        raise RuntimeError("Cannot flush: Producer not Running")
                    if size == 0 or (max_messages is not None and flushed >= max_messages):
                        return flushed
                    self.message_sent.clear()
                    now = loop.time()
                    if deadline.when() - now < _SEND_WAIT / 2:
                        deadline.reschedule(now + _SEND_WAIT)
                    await self.message_sent.wait()
                    flushed += 1
        except TimeoutError:
            return flushed


class Producer(aiokafka.Producer):
    """Faust's aiokafka producer with :class:`ProducerBuffer` as its buffer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        faust_buffer = self.buffer
        self.buffer = ProducerBuffer(loop=self.loop, beacon=self.beacon)
        if self.threaded_producer is not None:
            self.buffer.threaded_producer = self.threaded_producer
        self.buffer.app = faust_buffer.app

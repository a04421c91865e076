"""``streams.producer.ProducerBuffer`` on an assembled worker without a broker: its flush counts and waits
for sent messages as Faust's does. The buffer sends to an in-memory Faust channel here (a bounded one
read by no one stands for a broker that stops taking messages)."""

from __future__ import annotations

import asyncio

from streams.producer import ProducerBuffer


def _run(unit_worker, scenario):
    app = unit_worker().app
    buffer = app.producer.buffer

    app.flow_control.resume()  # as when the worker's streams run; channel queues wait while it is suspended

    async def started():
        await buffer.start()
        try:
            return await scenario(app, buffer)
        finally:
            while not buffer.pending.empty():  # what a stalled broker never took: Faust's stop refuses to drop it
                buffer.pending.get_nowait()
            await buffer.stop()

    return asyncio.get_event_loop().run_until_complete(started())


def _fill(app, buffer, channel, n: int) -> None:
    for i in range(n):
        buffer.put(channel.as_future_message(key=b"k", value=str(i).encode()))


def test_the_worker_produces_through_the_buffer_that_waits_without_a_task_per_message(unit_worker) -> None:
    assert isinstance(unit_worker().app.producer.buffer, ProducerBuffer)


def test_a_flush_sends_every_buffered_message_in_order(unit_worker) -> None:
    async def scenario(app, buffer):
        reader = app.channel().clone(is_iterator=True)
        _fill(app, buffer, reader, 250)
        await buffer.flush()
        return buffer.size, [reader.queue.get_nowait().value for _ in range(250)]

    size, values = _run(unit_worker, scenario)
    assert size == 0 and values == [str(i).encode() for i in range(250)]


def test_the_wait_for_the_buffer_to_ebb_ends_with_the_buffer_within_its_limit(unit_worker) -> None:
    async def scenario(app, buffer):
        _fill(app, buffer, app.channel().clone(is_iterator=True), 250)
        await buffer.wait_until_ebb()
        return buffer.size, buffer.max_messages

    left, limit = _run(unit_worker, scenario)
    assert left <= limit


def test_a_flush_gives_up_when_no_message_is_sent_for_a_tenth_of_a_second(unit_worker) -> None:
    async def scenario(app, buffer):
        _fill(app, buffer, app.channel(maxsize=10).clone(is_iterator=True), 250)
        loop = asyncio.get_running_loop()
        start = loop.time()
        flushed = await buffer.flush_atmost(None)
        return flushed, buffer.size, loop.time() - start

    flushed, left, seconds = _run(unit_worker, scenario)
    assert flushed < 20 and left > 200 and 0.1 <= seconds < 1.0


def test_the_buffer_counts_the_changelog_messages_put_and_not_yet_sent(unit_worker) -> None:
    app = unit_worker().app
    buffer, channel = app.producer.buffer, app.channel()
    _fill(app, buffer, channel, 3)
    assert buffer.size == 3 == buffer.pending.qsize()

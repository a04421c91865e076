"""``streams.batches.take_batches`` on an assembled worker's stream without a broker: the batches' size and
wait, when their events are acknowledged, which messages are skipped, and the end of the channel. Through the
real broker every integration test runs it (the agents take their batches with it); the clean stop is here."""

from __future__ import annotations

import asyncio

import pytest
from faust import Sensor
from faust.events import Event
from faust.transport.consumer import ConsumerMessage
from faust.types import TP

from streams.batches import take_batches
from streams.sensor import watch_stream_events
from tests.streams.test_consumer import _committable
from tests.streams.test_phone_pipeline import EVENTS, produce

GENERATION = 3


def _stream(unit_worker):
    """The call events' stream of a worker between rebalances (flow resumed, generation 3)."""
    worker = unit_worker()
    app = worker.app
    source = worker.topics.sources["call"]
    app.topics.acking_topics.add(source.topics[0])
    app.consumer_generation_id = GENERATION
    app.flow_control.resume()
    return app, app.stream(source), source.topics[0]


def _deliver(app, stream, topic: str, offsets, generation: int = GENERATION) -> list[Event]:
    """Put events on the stream's channel queue as Faust's conductor does."""
    events = []
    for offset in offsets:
        message = ConsumerMessage(topic, 0, offset, 0.0, 0, [], b"k", b"{}", None, generation_id=generation)
        events.append(Event(app, b"k", b"{}", {}, message))
        stream.channel.queue.put_nowait(events[-1])
    return events


def _offsets(batch) -> list[int]:
    return [event.message.offset for event in batch]


def _run(coroutine):
    return asyncio.get_event_loop().run_until_complete(coroutine)


def test_a_full_batch_is_handed_over_at_once_and_the_rest_when_the_wait_is_over(unit_worker) -> None:
    app, stream, topic = _stream(unit_worker)
    _deliver(app, stream, topic, range(5))
    batches = take_batches(stream, 3, within=0.05)

    async def two() -> tuple[list, list, float]:
        first = await anext(batches)
        started = asyncio.get_running_loop().time()
        second = await anext(batches)
        return first, second, asyncio.get_running_loop().time() - started

    first, second, waited = _run(two())
    assert (_offsets(first), _offsets(second)) == ([0, 1, 2], [3, 4])
    assert 0.04 <= waited < 1


def test_a_batch_is_acknowledged_when_the_next_is_asked_for_never_before(unit_worker) -> None:
    app, stream, topic = _stream(unit_worker)
    _deliver(app, stream, topic, range(4))
    batches = take_batches(stream, 2, within=0.05)
    first = _run(anext(batches))
    assert not any(event.message.acked for event in first) and _committable(app.consumer, topic) == {}
    _run(anext(batches))
    assert all(event.message.acked for event in first) and _committable(app.consumer, topic) == {TP(topic, 0): 2}


def test_a_batch_the_agent_did_not_finish_is_not_acknowledged(unit_worker) -> None:
    app, stream, topic = _stream(unit_worker)
    _deliver(app, stream, topic, range(2))
    batches = take_batches(stream, 2, within=0.05)
    batch = _run(anext(batches))
    _run(batches.aclose())
    assert not any(event.message.acked for event in batch) and _committable(app.consumer, topic) == {}


def test_messages_of_an_older_generation_or_a_suspended_flow_are_skipped_and_never_committable(unit_worker) -> None:
    app, stream, topic = _stream(unit_worker)
    (stale,) = _deliver(app, stream, topic, [0], generation=GENERATION - 1)
    _deliver(app, stream, topic, [1, 2])
    batches = take_batches(stream, 2, within=0.05)
    assert _offsets(_run(anext(batches))) == [1, 2]
    assert stale.message.acked and _committable(app.consumer, topic) == {}  # done with, but read again after the seek
    suspended = _deliver(app, stream, topic, [3, 4])
    app.flow_control.suspend()  # a rebalance begins

    async def after_the_rebalance() -> list:
        waiting = asyncio.ensure_future(anext(batches))
        await asyncio.sleep(0.01)
        app.flow_control.resume()
        _deliver(app, stream, topic, [5])
        return await waiting

    assert _offsets(_run(after_the_rebalance())) == [5]
    assert all(event.message.acked for event in suspended)
    assert _committable(app.consumer, topic) == {}  # 1 and 2 are acknowledged, but 0 is not handled yet


def test_the_channel_s_end_ends_the_batches(unit_worker) -> None:
    app, stream, topic = _stream(unit_worker)
    _run(stream.channel.throw(StopAsyncIteration()))

    async def drained() -> list:
        return [batch async for batch in take_batches(stream, 2, within=0.05)]

    assert _run(drained()) == []


class _EventLog(Sensor):
    """A sensor that does something per stream event: it logs the events taken and finished, and their state."""

    def __init__(self) -> None:
        super().__init__()
        self.taken: list[int] = []
        self.finished: list[tuple[int, object]] = []

    def on_stream_event_in(self, tp, offset, stream, event):
        self.taken.append(offset)
        return {"taken": offset}

    def on_stream_event_out(self, tp, offset, stream, event, state=None):
        self.finished.append((offset, state))


def test_a_sensor_that_acts_per_stream_event_sees_every_event_taken_and_finished(unit_worker) -> None:
    app, stream, topic = _stream(unit_worker)
    app.sensors.add(app.monitor)
    assert not watch_stream_events(app.sensors)  # the worker's own: the batches skip the calls
    log = _EventLog()
    app.sensors.add(log)
    assert watch_stream_events(app.sensors)
    _deliver(app, stream, topic, range(3))
    batches = take_batches(stream, 3, within=0.05)
    _run(anext(batches))
    assert log.taken == [0, 1, 2] and log.finished == []
    _deliver(app, stream, topic, [3])
    _run(anext(batches))
    assert log.finished == [(0, {"taken": 0}), (1, {"taken": 1}), (2, {"taken": 2})]


@pytest.mark.integration
def test_a_worker_asked_to_stop_leaves_within_seconds(kafka_broker, start_worker) -> None:
    worker = start_worker()
    produce(kafka_broker, worker.topic("call"), EVENTS)
    worker.wait_for_total("kcc_events_total", len(EVENTS))
    assert worker.managed.stop(timeout=20) == 0, worker.log()[-3000:]

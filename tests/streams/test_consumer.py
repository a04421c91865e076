"""``streams.consumer.Consumer`` on an assembled worker without a broker: which acknowledgements make an
offset committable, and which deliveries may wait (and so keep Faust's ``wait_first``). The rewind of
uncommitted partitions and the delivery loop itself need a broker and a rebalance:
``tests/integration/test_faults.py::test_two_workers_of_one_app_one_killed_mid_stream_the_other_takes_over``."""

from __future__ import annotations

import asyncio

from faust.transport.consumer import ConsumerMessage
from faust.types import TP

from streams.consumer import Consumer


def _setup(unit_worker):
    worker = unit_worker()
    app = worker.app
    topic = worker.topics.sources["call"].topics[0]
    app.topics.acking_topics.add(topic)  # as Faust does when the worker subscribes to its event topics
    app.consumer_generation_id = 3
    app.flow_control.resume()
    return app, app.consumer, topic


def _message(topic: str, offset: int, generation: int) -> ConsumerMessage:
    return ConsumerMessage(topic, 0, offset, 0.0, 0, [], b"k", b"{}", None, generation_id=generation)


def _committable(consumer, topic: str) -> dict:
    """What the next commit would commit (Faust's own selection)."""
    return consumer._filter_committable_offsets({TP(topic, 0)})


def test_the_worker_runs_the_hardened_consumer(unit_worker) -> None:
    app, consumer, _ = _setup(unit_worker)
    assert isinstance(consumer, Consumer)


def test_a_handled_message_of_the_current_generation_becomes_committable(unit_worker) -> None:
    app, consumer, topic = _setup(unit_worker)
    for offset in (0, 1):
        _message(topic, offset, 3).ack(consumer)
    assert _committable(consumer, topic) == {TP(topic, 0): 2}


def test_a_message_of_an_older_generation_never_becomes_committable(unit_worker) -> None:
    app, consumer, topic = _setup(unit_worker)
    stale = _message(topic, 0, 2)
    stale.ack(consumer)
    assert stale.acked and _committable(consumer, topic) == {}


def test_a_message_acknowledged_while_the_flow_is_suspended_never_becomes_committable(unit_worker) -> None:
    app, consumer, topic = _setup(unit_worker)
    app.flow_control.suspend()
    _message(topic, 0, 3).ack(consumer)
    app.flow_control.resume()
    assert _committable(consumer, topic) == {}



def _flowing(unit_worker):
    """A running worker's situation between rebalances: partition 0 of the call events assigned, its stream's
    topic registered with the conductor, both flows resumed."""
    worker = unit_worker()
    app = worker.app
    stream_topic = worker.topics.sources["call"]
    tp = TP(stream_topic.topics[0], 0)
    app.topics.add(stream_topic)
    asyncio.get_event_loop().run_until_complete(app.topics.on_partitions_assigned({tp}))
    app.flow_control.resume()
    app.consumer.resume_flow()
    return app, app.consumer, tp, stream_topic


def test_a_message_is_delivered_without_wait_first_when_nothing_can_make_its_delivery_wait(unit_worker) -> None:
    app, consumer, tp, _ = _flowing(unit_worker)
    assert not consumer.delivery_may_wait(tp)


def test_a_delivery_may_wait_while_the_consumer_flow_is_stopped_for_a_rebalance(unit_worker) -> None:
    app, consumer, tp, _ = _flowing(unit_worker)
    consumer.stop_flow()
    assert consumer.delivery_may_wait(tp)


def test_a_delivery_may_wait_while_the_streams_flow_control_is_suspended(unit_worker) -> None:
    app, consumer, tp, _ = _flowing(unit_worker)
    app.flow_control.suspend()
    assert consumer.delivery_may_wait(tp)


def test_a_delivery_may_wait_when_the_stream_queue_of_its_partition_is_full(unit_worker) -> None:
    app, consumer, tp, stream_topic = _flowing(unit_worker)
    queue = stream_topic.queue
    while not queue.full():
        queue.put_nowait(None)
    assert consumer.delivery_may_wait(tp)
    queue.get_nowait()
    assert not consumer.delivery_may_wait(tp)


def test_a_stretch_of_deliveries_may_wait_when_its_stream_queue_has_less_room_than_the_stretch(unit_worker) -> None:
    app, consumer, tp, stream_topic = _flowing(unit_worker)
    queue = stream_topic.queue
    while queue.qsize() < queue.maxsize - 100:
        queue.put_nowait(None)
    assert not consumer.delivery_may_wait(tp, room=100)
    assert consumer.delivery_may_wait(tp, room=101)


def test_a_delivery_may_wait_when_the_producer_buffer_is_above_its_limit(unit_worker) -> None:
    app, consumer, tp, _ = _flowing(unit_worker)
    buffer = app.producer.buffer
    while buffer.size <= buffer.max_messages:
        assert not consumer.delivery_may_wait(tp)
        buffer.pending.put_nowait(None)
    assert consumer.delivery_may_wait(tp)


def test_a_delivery_may_wait_while_the_conductor_rebuilds_its_handlers(unit_worker) -> None:
    app, consumer, tp, _ = _flowing(unit_worker)
    lock = app.topics._tp_to_callback_lock
    asyncio.get_event_loop().run_until_complete(lock.acquire())
    assert consumer.delivery_may_wait(tp)
    lock.release()
    assert not consumer.delivery_may_wait(tp)


def test_a_delivery_to_a_partition_no_stream_reads_keeps_wait_first(unit_worker) -> None:
    app, consumer, tp, _ = _flowing(unit_worker)
    assert consumer.delivery_may_wait(TP(tp.topic, 1))

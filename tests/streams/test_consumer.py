"""``streams.consumer.Consumer`` on an assembled worker without a broker: which acknowledgements make an
offset committable (one by one and a batch at once), which deliveries may wait (and so keep Faust's
``wait_first``), the hand-over of a message to its streams without the conductor, and how long a fetch may wait
at the broker. The rewind of
uncommitted partitions and the delivery loop itself need a broker and a rebalance:
``tests/integration/test_faults.py::test_two_workers_of_one_app_one_killed_mid_stream_the_other_takes_over``."""

from __future__ import annotations

import asyncio

from aiokafka import TopicPartition
from faust.transport.consumer import ConsumerMessage
from faust.types import TP

from streams.consumer import FETCH_MAX_WAIT_MS, Consumer


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


def test_a_message_of_a_partition_read_as_raw_bytes_is_handed_to_its_stream_as_one_event(unit_worker) -> None:
    app, consumer, tp, stream_topic = _flowing(unit_worker)
    message = _message(tp.topic, 7, 0)
    consumer.handover(tp)(message)
    event = stream_topic.queue.get_nowait()
    assert (event.key, event.value, event.message) == (b"k", b"{}", message)
    assert message.refcount == 1 and stream_topic.queue.empty()


def test_a_partition_also_read_by_a_decoding_stream_is_left_to_the_conductor(unit_worker) -> None:
    app, consumer, tp, _ = _flowing(unit_worker)
    assert consumer.handover(tp) is not None
    app.topics.add(app.topic(tp.topic, value_serializer="json"))
    asyncio.get_event_loop().run_until_complete(app.topics.on_partitions_assigned({tp}))
    assert consumer.handover(tp) is None


def test_a_handed_over_message_that_fills_the_stream_queue_pauses_the_partition_until_it_drains(unit_worker) -> None:
    app, consumer, tp, stream_topic = _flowing(unit_worker)
    queue = stream_topic.queue
    consumer._get_active_partitions().add(tp)
    deliver = consumer.handover(TopicPartition(tp.topic, tp.partition))  # as the fetch names it (aiokafka's)
    offset = 0
    while queue.qsize() < queue.pressure_high_size:
        deliver(_message(tp.topic, offset, 0))
        offset += 1
        assert tp in consumer._get_active_partitions()
    deliver(_message(tp.topic, offset, 0))
    assert tp not in consumer._get_active_partitions()
    while queue.qsize() > queue.pressure_drop_size:
        queue.get_nowait()
    queue.maybe_endorse_pressure_drop()
    active = consumer._get_active_partitions()  # Faust asserts that it holds only its own ``TP``s
    assert tp in active and all(type(partition) is TP for partition in active)


def test_the_broker_holds_a_fetch_that_finds_nothing_new_for_at_most_a_tenth_of_a_second(unit_worker) -> None:
    consumer = unit_worker().app.consumer

    async def fetch_wait_ms() -> int:  # aiokafka's consumer is made inside its event loop, never started here
        kafka = consumer._thread._create_worker_consumer(consumer.transport)
        await kafka.stop()
        return kafka._fetch_max_wait_ms

    assert asyncio.get_event_loop().run_until_complete(fetch_wait_ms()) == FETCH_MAX_WAIT_MS == 100


def _assorted(topic: str) -> list[ConsumerMessage]:
    """Messages as an agent's batch may hold them: handled once, taken by two streams, acknowledged already,
    of an older generation, below the committed offset, a second copy of an offset."""
    messages = [_message(topic, offset, 3) for offset in range(8)]
    messages[1].refcount = 2
    messages[2].acked = True
    messages[6].generation_id = 2
    messages += [_message(topic, 0, 3), _message(topic, 5, 3)]
    return messages


def test_acknowledging_a_batch_at_once_is_acknowledging_each_of_its_messages(unit_worker) -> None:
    outcomes = []
    for one_by_one in (True, False):
        app, consumer, topic = _setup(unit_worker)
        consumer._committed_offset[TP(topic, 0)] = 5
        messages = _assorted(topic)
        consumer._unacked_messages.update(messages)
        returned = [m.ack(consumer) for m in messages] if one_by_one else consumer.ack_all(messages)
        outcomes.append((returned, [(m.acked, m.refcount) for m in messages], len(consumer._unacked_messages),
                         consumer._n_acked, _committable(consumer, topic)))
    assert outcomes[0] == outcomes[1]
    assert outcomes[1][0] == [False] * 5 + [True, False, True, False, False]
    assert outcomes[1][4] == {TP(topic, 0): 6}

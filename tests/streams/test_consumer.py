"""``streams.consumer.Consumer`` on an assembled worker without a broker: which acknowledgements make an
offset committable. The rewind of uncommitted partitions needs a broker and a rebalance:
``tests/integration/test_faults.py::test_two_workers_of_one_app_one_killed_mid_stream_the_other_takes_over``."""

from __future__ import annotations

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

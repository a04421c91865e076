"""``streams.sensor.OffsetsMonitor`` on an assembled worker without a broker: the offsets the consumer lag
reads are kept, the statistics per message are not. (Faust adds ``app.monitor`` to ``app.sensors`` when the
app starts; here its hooks are called directly.)"""

from __future__ import annotations

from faust.transport.consumer import ConsumerMessage
from faust.types import TP

from streams.agents import consumer_lag
from streams.sensor import OffsetsMonitor


def _message(topic: str, offset: int) -> ConsumerMessage:
    return ConsumerMessage(topic, 0, offset, 0.0, 0, [], b"k", b"{}", None)


def _event_topic(worker) -> str:
    return worker.topics.sources["call"].topics[0]


def test_the_worker_monitors_with_the_offsets_monitor(unit_worker) -> None:
    assert isinstance(unit_worker().app.monitor, OffsetsMonitor)


def test_the_consumer_lag_is_the_end_offset_minus_the_next_offset_to_read(unit_worker) -> None:
    worker = unit_worker()
    app, topic = worker.app, _event_topic(worker)
    tp = TP(topic, 0)
    app.monitor.track_tp_end_offset(tp, 1000)
    app.monitor.on_tp_commit({tp: 200})
    assert consumer_lag(app, {topic}) == {(topic, 0): 800}
    app.monitor.on_message_in(tp, 599, _message(topic, 599))
    assert consumer_lag(app, {topic}) == {(topic, 0): 400}


def test_a_rebalance_forgets_the_offsets_of_the_old_assignment(unit_worker) -> None:
    worker = unit_worker()
    app, topic = worker.app, _event_topic(worker)
    tp = TP(topic, 0)
    app.monitor.track_tp_end_offset(tp, 1000)
    app.monitor.on_message_in(tp, 599, _message(topic, 599))
    app.monitor.on_rebalance_start(app)
    assert consumer_lag(app, {topic}) == {}


def test_messages_and_stream_events_leave_no_statistics_behind(unit_worker) -> None:
    worker = unit_worker()
    app, topic = worker.app, _event_topic(worker)
    tp, message = TP(topic, 0), _message(topic, 7)
    stream = worker.app.stream(topic)
    app.monitor.on_message_in(tp, 7, message)
    app.monitor.on_stream_event_out(tp, 7, stream, None, app.monitor.on_stream_event_in(tp, 7, stream, None))
    app.monitor.on_message_out(tp, 7, message)
    monitor = app.monitor
    assert (monitor.messages_received_total, monitor.events_total, len(monitor.events_runtime)) == (0, 0, 0)
    assert not monitor.events_by_stream and not monitor.stream_inbound_time and message.time_in is None

"""An agent's batches of events, taken from its stream's channel without a loop turn per message.

Faust's ``Stream.take_events`` fills its batch through the stream's iterator: a background task iterates the
stream, which awaits ``asyncio.sleep(0)`` and then an async processor for every message, and yields each value
through an async generator before the batch is handed over. With agents that do nothing, that path and the
conductor's hand-over cost the worker's Faust app 27–40 µs of CPU per message (docs/performance.md, "Faust
alone"), more than half of the 50 µs one worker may spend per event at 20,000 events/s (issue 11).

:func:`take_batches` does per message what the stream's iterator does (``Stream._py_aiter``, faust-streaming
0.15), in one loop over the channel's queue: skip a message of a suspended flow or an older consumer generation,
track it for the consumer's commit, call the sensors (those of a stream's events only if a sensor does something
there, ``streams.sensor.watch_stream_events``); and per batch what ``take_events`` does: hand over at most
``max_events``, waiting at most ``within`` seconds for a batch to fill, and acknowledge every event of a batch
only when the agent asks for the next one, in one pass (``streams.consumer.Consumer.ack_all``, so the app's
consumer must be that one). A batch the agent did not finish (it raised, or the worker stops)
is not acknowledged, so its messages are read again, where ``take_events`` acknowledges it. Messages still arrive
through Faust's own channel queue (filled by the consumer, ``streams.consumer``, or Faust's conductor); offsets are
still committed by Faust's consumer from the acknowledgements.

Relies on Faust's internals (the stream's channel queue and sensor hooks): faust-streaming stays pinned below
0.16, as for :mod:`streams.consumer`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from itertools import repeat
from typing import Any

from faust.events import Event

from streams.sensor import watch_stream_events


async def take_batches(stream: Any, max_events: int, within: float) -> AsyncIterator[list[Any]]:
    """Yield lists of at most ``max_events`` events of ``stream`` as ``Stream.take_events`` does: a batch as soon
    as it is full, or one with what arrived once ``within`` seconds passed (none while nothing arrived). The events
    of a batch are acknowledged when the next batch is asked for, never when the generator is closed."""
    app = stream.app
    queue = stream.channel.queue
    loop = asyncio.get_running_loop()
    flow_control = app.flow_control
    acking_topics = app.topics.acking_topics
    track = app.consumer.unacked.add
    ack_all = app.consumer.ack_all
    on_message_in, on_event_in = stream._on_message_in, stream._on_stream_event_in
    on_event_out, on_message_out = stream._on_stream_event_out, stream._on_message_out
    events: list[Any] = []
    states: list[Any] = []

    def skip(event: Any) -> None:
        message = event.message
        last = event.ack()
        on_event_out(message.tp, message.offset, stream, event, None)
        if last:
            on_message_out(message.tp, message.offset, message)

    try:
        while not stream.should_stop:
            watched = watch_stream_events(app.sensors)
            deadline = loop.time() + within
            while len(events) < max_events:
                if queue.empty():
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        if events:
                            break
                        deadline, remaining = loop.time() + within, within
                    try:
                        event = await asyncio.wait_for(queue.get(), remaining)
                    except TimeoutError:
                        continue
                else:
                    event = queue.get_nowait()
                if not isinstance(event, Event):
                    raise TypeError(f"an agent's channel delivered {type(event).__qualname__}, not an event")
                message = event.message
                if not flow_control.is_active() or message.generation_id != app.consumer_generation_id:
                    skip(event)  # skipped: read again after the rebalance's seek (streams.consumer)
                    continue
                if message.topic in acking_topics and not message.tracked:
                    message.tracked = True
                    track(message)
                    on_message_in(message.tp, message.offset, message)
                if watched:
                    states.append(on_event_in(message.tp, message.offset, stream, event))
                events.append(event)
            stream.events_total += len(events)
            yield list(events)
            committable = ack_all([event.message for event in events])
            for event, state, last in zip(events, states or repeat(None), committable):
                message = event.message
                if watched:
                    on_event_out(message.tp, message.offset, stream, event, state)
                if last:
                    on_message_out(message.tp, message.offset, message)
            events.clear()
            states.clear()
    except StopAsyncIteration:  # the channel's end (thrown into its queue when the stream stops)
        return
    finally:
        stream._channel_stop_iteration(stream.channel)

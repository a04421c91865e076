"""The worker's Faust monitor sensor: partition offsets only.

Faust calls its monitor sensor (``app.monitor``) several times per message: message in and
out, stream event in and out, a send in and out per changelog write, a table get and set. Faust's
:class:`faust.sensors.Monitor` keeps timing and counts there (per-stream and per-task counters,
``monotonic()`` and a state dict per event, a deque of runtimes), ≈ 2 % of a worker's main thread
(docs/performance.md). Nothing in the monitor reads them: Faust's statistics views are switched off
(:mod:`streams.app`) and ``/metrics`` needs only the partitions' offsets
(:func:`streams.agents.consumer_lag`). :class:`OffsetsMonitor` keeps those and drops the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from faust.sensors import Monitor, Sensor


class OffsetsMonitor(Monitor):
    """Faust's monitor sensor that records the read, committed and end offset of each partition and nothing per event.

    Kept from :class:`faust.sensors.Monitor`: ``tp_read_offsets`` (message in), ``tp_committed_offsets``
    (commit), ``tp_end_offsets`` (fetch) and their clearing on a rebalance; the per-commit, per-assignment
    and per-rebalance latencies (a few a minute). Dropped: every count and time per message, event, send
    and table access.
    """

    def on_message_in(self, tp: Any, offset: int, message: Any) -> None:
        self.tp_read_offsets[tp] = offset

    def on_stream_event_in(self, tp: Any, offset: int, stream: Any, event: Any) -> None:
        return None

    def on_stream_event_out(self, tp: Any, offset: int, stream: Any, event: Any, state: Any = None) -> None:
        pass

    def on_message_out(self, tp: Any, offset: int, message: Any) -> None:
        pass

    def on_send_initiated(self, producer: Any, topic: str, message: Any, keysize: int, valsize: int) -> None:
        return None

    def on_send_completed(self, producer: Any, state: Any, metadata: Any) -> None:
        pass

    def on_table_get(self, table: Any, key: Any) -> None:
        pass

    def on_table_set(self, table: Any, key: Any, value: Any) -> None:
        pass

    def on_table_del(self, table: Any, key: Any) -> None:
        pass


_SILENT = {
    "on_stream_event_in": {Sensor.on_stream_event_in, OffsetsMonitor.on_stream_event_in},
    "on_stream_event_out": {Sensor.on_stream_event_out, OffsetsMonitor.on_stream_event_out},
}
"""Per stream-event hook, the implementations that do nothing."""


def watch_stream_events(sensors: Iterable[Any]) -> bool:
    """Whether a sensor of ``sensors`` (``app.sensors``) does something when a stream takes or finishes an event.
    A worker's do not (:class:`OffsetsMonitor`), and then the agents' batches (``streams.batches``) skip the
    calls: Faust's sensor delegate builds a dict per event for the states, ≈ 2.5 % of the main thread."""
    return any(getattr(type(sensor), hook) not in silent for sensor in sensors for hook, silent in _SILENT.items())

"""The producing edge: events (simulated or recorded) into Kafka with kafka-python.

Used by ``kcc-monitor simulate`` and ``kcc-monitor replay``. Three concerns, kept apart:

- :class:`Publisher` — one ``KafkaProducer``; creates the event topics if missing
  (``settings.kafka.topic_partitions`` partitions, ``replication_factor``), sends
  each message to its family's topic (``settings.event_topic(family)``) keyed as
  EVENTS.md prescribes (``event.kafka_key``: the item id, ``municipality:queue``
  for snapshots), value = the compact JSON bytes. Delivery failures are counted
  and raised at :meth:`Publisher.flush`, never silently lost. The broker is
  checked first (:func:`streams.broker.check`): unreachable, wrong credentials or
  an untrusted certificate raise :class:`streams.broker.BrokerUnavailable` at once.
- :class:`Pacer` — sends "by event time × speed": an event with time ``ts`` is due
  on the wall clock at ``wall0 + (ts - ts0) / speed``; ``speed`` None = as fast as
  possible. Waiting happens on a ``threading.Event`` so SIGINT/SIGTERM stop at once.
- :func:`route_line` — where a recorded JSON line goes (replay): a valid event to
  its family's topic under its item key; a line that does not parse goes,
  unchanged, to the topic of the family its ``type`` declares (else the call
  topic), keyed by whatever item id field it carries (else no key), so the
  worker dead-letters it exactly as it would a bad message from a real source.

The domain (``monitor/``) never imports this module; the commands import it lazily.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from monitor.errors import ServiceError
from monitor.events import FAMILIES, Event, InvalidEvent, event_to_json, family, parse_event
from monitor.settings import Settings

_KEY_FIELDS = ("call_id", "callback_id", "visit_id", "letter_id", "survey_id", "transaction_id")


class PublishError(ServiceError):
    """Kafka refused or lost messages (the count and the first error are in the message)."""


class Publisher:
    """A kafka-python producer for the event topics; use as a context manager (flushes and closes)."""

    def __init__(self, settings: Settings | None = None, *, client_id: str = "kcc-simulator",
                 create_topics: bool = True) -> None:
        from kafka import KafkaProducer

        from streams.broker import check

        self.settings = settings or Settings()
        check(self.settings)
        self.sent = 0
        self.failed = 0
        self._first_error: BaseException | None = None
        if create_topics:
            self.ensure_topics()
        self._producer = KafkaProducer(
            **self.settings.kafka_python_kwargs(), client_id=client_id, acks="all",
            linger_ms=20, batch_size=256 * 1024, max_in_flight_requests_per_connection=5,
            retries=5, key_serializer=None, value_serializer=None)

    # -- topics --------------------------------------------------------------------------------

    def ensure_topics(self, families: Iterable[str] = FAMILIES) -> list[str]:
        """Create the missing event topics; returns the names created (existing ones are left alone)."""
        from streams.topics import create_topics

        return create_topics(self.settings, [self.settings.event_topic(f) for f in families],
                             client_id="kcc-simulator-admin")

    # -- sending -------------------------------------------------------------------------------

    def send(self, topic: str, key: str | None, value: bytes) -> None:
        """Queue one message (asynchronous; failures surface at :meth:`flush`)."""
        future = self._producer.send(topic, key=None if key is None else key.encode(), value=value)
        future.add_errback(self._failed)
        self.sent += 1

    def send_event(self, event: Event) -> None:
        """One event to its family's topic, keyed by its item (EVENTS.md "Kafka keys")."""
        self.send(self.settings.event_topic(family(event.type)), event.kafka_key,
                  event_to_json(event).encode())

    def flush(self, timeout: float | None = 60) -> None:
        """Wait until every queued message is acknowledged; raise :class:`PublishError` if any failed."""
        self._producer.flush(timeout=timeout)
        if self.failed:
            raise PublishError(f"{self.failed} of {self.sent} messages were not delivered: {self._first_error!r}")

    def close(self) -> None:
        self._producer.close(timeout=10)

    def __enter__(self) -> "Publisher":
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            if exc[0] is None:
                self.flush()
            else:
                self._producer.flush(timeout=10)
        finally:
            self.close()

    def _failed(self, error: BaseException) -> None:
        self.failed += 1
        if self._first_error is None:
            self._first_error = error


class Pacer:
    """Holds each item back until its event time is due on the wall clock (× ``speed``).

    ``speed`` None: no waiting. The origin is the first event time seen unless
    ``origin`` (epoch seconds) is given — real time passes ``start`` = now, so an
    event is sent when the clock reaches its ``ts``.
    """

    def __init__(self, speed: float | None, stop: threading.Event | None = None, *,
                 origin: float | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        if speed is not None and speed <= 0:
            raise ValueError("speed must be > 0 (or None for as fast as possible)")
        self.speed = speed
        self.stop = stop or threading.Event()
        self._clock = clock
        self._origin = origin
        self._wall0 = clock()

    def wait(self, ts: float | None) -> bool:
        """Block until ``ts`` (epoch seconds) is due; False when stopped meanwhile."""
        if self.speed is None or ts is None:
            return not self.stop.is_set()
        if self._origin is None:
            self._origin = ts
        delay = self._wall0 + (ts - self._origin) / self.speed - self._clock()
        if delay > 0:
            return not self.stop.wait(delay)
        return not self.stop.is_set()


@dataclass(frozen=True)
class Routed:
    """Where one recorded line goes: topic, key (None = no key), event time (epoch s, None if unknown)."""

    topic: str
    key: str | None
    ts: float | None
    valid: bool


def route_line(raw: bytes, settings: Settings) -> Routed:
    """Topic and key of one JSON line (replay); see the module docstring for invalid lines."""
    try:
        event = parse_event(raw)
    except InvalidEvent:
        pass
    else:
        return Routed(settings.event_topic(family(event.type)), event.kafka_key, event.ts.timestamp(), True)
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    declared = data.get("type") if isinstance(data, dict) else None
    fam = family(declared) if isinstance(declared, str) else None
    topic = settings.event_topic(fam if fam in FAMILIES else "call")
    key = None
    if isinstance(data, dict):
        key = next((data[f] for f in _KEY_FIELDS if isinstance(data.get(f), str)), None)
        if key is None and isinstance(data.get("municipality"), str) and isinstance(data.get("queue"), str):
            key = f"{data['municipality']}:{data['queue']}"
    return Routed(topic, key, None, False)


def produce_events(events: Iterable[Event], publisher: Publisher, pacer: Pacer,
                   progress: Callable[[int, Event], None] | None = None) -> int:
    """Send events when due; stops early when ``pacer.stop`` is set. Returns the number sent."""
    count = 0
    for event in events:
        if not pacer.wait(event.ts.timestamp()):
            break
        publisher.send_event(event)
        count += 1
        if progress is not None:
            progress(count, event)
    return count


def produce_lines(lines: Iterable[bytes], publisher: Publisher, pacer: Pacer,
                  progress: Callable[[int, Routed], None] | None = None) -> int:
    """Send raw JSON lines unchanged (routed by :func:`route_line`); returns the number sent."""
    count = 0
    for raw in lines:
        routed = route_line(raw, publisher.settings)
        if not pacer.wait(routed.ts):
            break
        publisher.send(routed.topic, routed.key, raw)
        count += 1
        if progress is not None:
            progress(count, routed)
    return count


def read_lines(path: str) -> Iterator[bytes]:
    """The non-blank lines of a JSON Lines file as raw bytes, line ending removed."""
    with open(path, "rb") as handle:
        for line in handle:
            line = line.rstrip(b"\r\n")
            if line.strip():
                yield line

"""The topics a worker reads and writes, named by :class:`monitor.settings.Settings`.

- ``<prefix>.events.<family>``: one topic per event family (``monitor.events.FAMILIES``),
  as producers publish them, keyed by item (EVENTS.md "Kafka keys");
- ``<prefix>.rekeyed.<family>``: the worker's own copy of messages a producer keyed
  otherwise, now keyed by item, so every event of an item meets in one partition;
- ``<prefix>.deadletter``: invalid messages with their reason (:mod:`streams.deadletter`),
  created with ``retention.ms`` = ``Settings.dead_letter_retention_seconds`` (they hold original bytes).

Keys and values are raw bytes (:class:`streams.schema.RawSchema`): parsing is the contract's job
(``parse_event``), not Faust's.
:func:`create_topics` is the one place that creates topics (the worker, the producers and
the tests call it); it needs kafka-python only, so producers do not load Faust.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from monitor.events import FAMILIES
from monitor.settings import Settings

if TYPE_CHECKING:
    import faust
    from faust.types import TopicT


@dataclass(frozen=True)
class Topics:
    events: dict[str, TopicT]
    """Family → the producers' topic."""
    rekeyed: dict[str, TopicT]
    """Family → the worker's re-keyed topic."""
    sources: dict[str, TopicT]
    """Family → one subscription over both (what the family's agent reads)."""
    dead_letter: TopicT
    family_of: dict[str, str]
    """Topic name → family."""

    def all(self) -> list[TopicT]:
        return [*self.events.values(), *self.rekeyed.values(), self.dead_letter]


def rekeyed_topic(settings: Settings, family: str) -> str:
    return f"{settings.topic_prefix}.rekeyed.{family}"


def declare(app: faust.App, settings: Settings) -> Topics:
    """Define every topic on ``app`` with the configured partition count."""
    from streams.schema import RawSchema

    partitions = settings.kafka.topic_partitions

    def topic(*names: str, **options: object) -> TopicT:
        return app.topic(*names, schema=RawSchema(), partitions=partitions, **options)

    events = {f: topic(settings.event_topic(f)) for f in FAMILIES}
    rekeyed = {f: topic(rekeyed_topic(settings, f)) for f in FAMILIES}
    sources = {f: topic(settings.event_topic(f), rekeyed_topic(settings, f)) for f in FAMILIES}
    family_of = {settings.event_topic(f): f for f in FAMILIES} | {rekeyed_topic(settings, f): f for f in FAMILIES}
    dead_letter = topic(settings.dead_letter_topic, retention=settings.dead_letter_retention_seconds)
    return Topics(events, rekeyed, sources, dead_letter, family_of)


def topic_names(settings: Settings) -> list[str]:
    """Every topic the worker reads or writes (not Faust's own changelog topics)."""
    return ([settings.event_topic(f) for f in FAMILIES] + [rekeyed_topic(settings, f) for f in FAMILIES]
            + [settings.dead_letter_topic])


def topic_configs(settings: Settings, name: str) -> dict[str, str]:
    """Broker configuration a topic is created with: the dead-letter topic's retention, else the broker's defaults."""
    if name == settings.dead_letter_topic:
        return {"retention.ms": str(int(settings.dead_letter_retention_seconds * 1000))}
    return {}


def ensure(settings: Settings, timeout: float = 30.0) -> list[str]:
    """Create the worker's missing topics on the broker; returns those created.

    Faust declares only its internal topics; a consumer that subscribes to a topic
    that does not exist yet gets no partitions of it until the next metadata refresh.
    Creating them before the worker starts makes the first assignment complete.
    """
    return create_topics(settings, topic_names(settings), timeout=timeout, client_id=f"{settings.app_id}-admin")


def create_topics(settings: Settings, names: Iterable[str], *, partitions: int | None = None,
                  configs: Mapping[str, str] | None = None, timeout: float = 30.0,
                  client_id: str = "kcc-admin") -> list[str]:
    """Create those of ``names`` the broker does not have yet; returns the names created, in order.

    Partitions default to ``settings.kafka.topic_partitions``, replication is
    ``settings.kafka.replication_factor``; ``configs`` are topic configs (e.g.
    ``cleanup.policy``) on top of :func:`topic_configs`. A topic created meanwhile by another process counts as existing.
    ``timeout`` is the admin request timeout in seconds.
    """
    from kafka.admin import KafkaAdminClient, NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = KafkaAdminClient(client_id=client_id, request_timeout_ms=int(timeout * 1000),
                             **settings.kafka_python_kwargs())
    try:
        existing = set(admin.list_topics())
        created = []
        for name in dict.fromkeys(names):
            if name in existing:
                continue
            topic = NewTopic(name, partitions or settings.kafka.topic_partitions, settings.kafka.replication_factor,
                             topic_configs=topic_configs(settings, name) | dict(configs or {}))
            try:
                admin.create_topics([topic])
                created.append(name)
            except TopicAlreadyExistsError:  # another worker or producer was first
                pass
        return created
    finally:
        admin.close()

"""Fixture plugin: the Kafka broker of the test session, a secured one, and one a test may stop.

The project's own broker (``scripts/kafka``, started through :class:`kcc.stack.Broker`) on a
free port with a temporary data dir, once per session, or an existing one named by
``KCC_TEST_BOOTSTRAP``. A broker that cannot start fails the tests that need it (never a skip).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kcc.stack import Broker, free_port
from monitor.errors import StackError


@dataclass
class KafkaBroker:
    bootstrap: str
    directory: Path | None
    """The broker's data and log folder (None for an external broker)."""

    def producer(self) -> Any:
        """A kafka-python producer (acks=all) to this broker; close it after use."""
        from kafka import KafkaProducer

        return KafkaProducer(bootstrap_servers=self.bootstrap.split(","), acks="all", linger_ms=0)

    def read(self, topic: str, count: int, timeout: float = 30) -> list[Any]:
        """The first ``count`` records of ``topic`` (from the beginning), failing after ``timeout`` s."""
        from kafka import KafkaConsumer

        consumer = KafkaConsumer(topic, bootstrap_servers=self.bootstrap.split(","), auto_offset_reset="earliest",
                                 enable_auto_commit=False, consumer_timeout_ms=500, group_id=None)
        records: list[Any] = []
        deadline = time.monotonic() + timeout
        try:
            while len(records) < count and time.monotonic() < deadline:
                for batch in consumer.poll(timeout_ms=500).values():
                    records.extend(batch)
        finally:
            consumer.close()
        if len(records) < count:
            pytest.fail(f"{topic}: {len(records)} of {count} records after {timeout}s")
        return records


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KafkaBroker]:
    """A running Kafka broker for the whole session."""
    external = os.environ.get("KCC_TEST_BOOTSTRAP")
    if external:
        yield KafkaBroker(external, None)
        return
    directory = tmp_path_factory.mktemp("kafka")
    broker = Broker.local(free_port(), directory)
    try:
        bootstrap = broker.start()
    except StackError as exc:
        pytest.fail(str(exc))
    try:
        yield KafkaBroker(bootstrap, directory)
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def secure_kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """A private broker whose client listener is SASL_SSL (SCRAM-SHA-512, a CA made for the test):
    ``bootstrap`` is that listener, ``client_env`` the settings (CA file, user, password)."""
    yield from _running(Broker.local(free_port(), tmp_path_factory.mktemp("kafka-secure"), secure=True))


@pytest.fixture
def stoppable_kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """A private plaintext broker of this test alone, which it may stop and start again (same ports, same data)."""
    yield from _running(Broker.local(free_port(), tmp_path_factory.mktemp("kafka-own")))


def _running(broker: Broker) -> Iterator[Broker]:
    """Start ``broker`` (a start failure fails the test, never skips it), yield it, stop it."""
    try:
        broker.start()
    except StackError as exc:
        pytest.fail(str(exc))
    try:
        yield broker
    finally:
        broker.stop()

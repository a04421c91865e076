"""Runtime settings from the environment (prefix ``KCC_``, nested with ``__``), ``.env`` optional.

Settings are read once at start-up. With no ``KCC_KAFKA__BOOTSTRAP_SERVERS``
the commands use the project's own local broker (``scripts/kafka``); set it to
point at any existing Kafka-compatible broker, with SASL/TLS passed through.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, FilePath, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from monitor.config import DEFAULT_CONFIG_DIR

LOCAL_KAFKA_PORT = 19092
"""Where ``scripts/kafka start`` listens unless ``KCC_KAFKA_PORT`` says otherwise."""


class KafkaSettings(BaseModel):
    bootstrap_servers: str | None = None
    """``host:port[,host:port]``; None means the project's local broker."""
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: FilePath | None = None
    """PEM file of the CA(s) that signed the broker's certificate; None: the system's CA bundle."""
    connect_timeout_seconds: float = 10.0
    """How long a command tries to reach and authenticate with the broker before it stops with one line (seconds)."""
    topic_partitions: int = 4
    """Partitions of the event topics: the ceiling on parallel workers."""
    replication_factor: int = 1


def describe_error(error: ValidationError) -> str:
    """A settings problem in one line, named by its environment variable (``KCC_KAFKA__SSL_CAFILE: …``)."""
    return "; ".join(f"KCC_{'__'.join(str(part) for part in problem['loc']).upper()}: {problem['msg']}"
                     for problem in error.errors(include_url=False))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="KCC_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    kafka: KafkaSettings = KafkaSettings()
    config_dir: Path = DEFAULT_CONFIG_DIR
    topic_prefix: str = "kcc"
    """Every topic name starts with this, e.g. ``kcc.events.call``."""
    app_id: str = "kcc-monitor"
    """Faust application id: consumer group and changelog topic prefix."""
    worker_port: int = 6066
    """Port of the worker's web server (``/metrics``)."""
    worker_bind: str = "0.0.0.0"
    """Address the worker's web server binds (``127.0.0.1`` keeps it local)."""
    event_loop: Literal["uvloop", "asyncio"] = "uvloop"
    """The worker's event loop: ``uvloop`` (libuv, in C) costs ≈ 10 % less CPU per event than Python's own
    ``asyncio`` loop, which stays available in case a platform lacks uvloop (docs/performance.md)."""
    heap_mmap_threshold_bytes: int = 131072
    """Blocks from this size on get memory of their own from the system, returned when freed (glibc's
    ``M_MMAP_THRESHOLD``, ``streams.heap``); 0: glibc's own threshold, which grows up to 32 MiB after a burst, so
    that fetch and produce buffers pin the heap (docs/performance.md, "Backfill")."""
    heap_trim_seconds: float = 10.0
    """Seconds between the worker's returns of the free memory inside ``malloc``'s heap to the system
    (``malloc_trim``, a few ms each, ``streams.heap``); 0: never."""
    compaction_after_seconds: float = 86400
    """A finished item's record moves into the per-day aggregates once unchanged this long by the wall clock
    (seconds), or once settled for ``compaction_margin_event_seconds`` of event time. Late duplicates and
    partners within it still meet their record."""
    compaction_margin_event_seconds: float | None = None
    """…or once its latest event is this far behind its source's watermark (seconds of event time,
    ``streams.watermarks``), so a backfill is compacted as its data passes and stays small (86400 for a day).
    Then it is how late in event time a partner of a finished item may arrive and still meet its record, and
    an event of an unknown item more than ``redelivery_horizon_seconds`` behind the watermark is taken for a
    redelivery; compacted keys are forgotten by event time too. None (the default): wall clock only, so
    arrival order never matters (EVENTS.md), however late an event comes; a year's backfill then holds the
    year's items in memory until a day of wall clock passed."""
    redelivery_horizon_seconds: float = 8 * 86400
    """How long after its compaction an item's events still change nothing (seconds): the worker remembers
    compacted item keys this long of wall clock, or until their latest event is this far behind their source's
    watermark (table ``compacted``), and takes an event of an unknown item this far behind the watermark for a
    redelivery, so a replay, a backfill or offsets reset to the earliest retained message count nothing twice.
    Keep it at least the event topics' retention (broker default 7 days) plus a margin. Records without their
    originating event (orphans) are dropped once settled this long."""
    live_timer_seconds: float = 10.0
    """Seconds between the worker's re-evaluations of deadlines (missed counters) and compaction scans."""
    data_dir: Path = Path(".cache/faust")
    dead_letter_max_bytes: int = 4096
    """Original message bytes kept in a dead-letter record, at most."""
    dead_letter_retention_seconds: float = 7 * 86400
    """How long the broker keeps dead letters (seconds; ``retention.ms`` of the dead-letter topic, set when the
    topic is created): they hold original message bytes, so they are not kept for ever."""

    def bootstrap(self) -> str:
        local = f"127.0.0.1:{os.environ.get('KCC_KAFKA_PORT', LOCAL_KAFKA_PORT)}"
        return self.kafka.bootstrap_servers or local

    def event_topic(self, family: str) -> str:
        """Topic of one event family (``call``, ``callback``, ``visit``, ``queue``, ``survey``, ``letter``, ``digital``)."""
        return f"{self.topic_prefix}.events.{family}"

    @property
    def dead_letter_topic(self) -> str:
        return f"{self.topic_prefix}.deadletter"

    def kafka_python_kwargs(self) -> dict[str, object]:
        """Connection settings for kafka-python clients (producer, consumer, admin)."""
        kwargs: dict[str, object] = {
            "bootstrap_servers": self.bootstrap().split(","),
            "security_protocol": self.kafka.security_protocol,
        }
        if self.kafka.sasl_mechanism:
            kwargs["sasl_mechanism"] = self.kafka.sasl_mechanism
            kwargs["sasl_plain_username"] = self.kafka.sasl_username
            if self.kafka.sasl_password is not None:
                kwargs["sasl_plain_password"] = self.kafka.sasl_password.get_secret_value()
        if self.kafka.ssl_cafile:
            kwargs["ssl_cafile"] = str(self.kafka.ssl_cafile)
        return kwargs

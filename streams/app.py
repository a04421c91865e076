"""The Faust application, built from :class:`monitor.settings.Settings`.

One app id = one consumer group: every worker started with the same settings
shares the event topics' partitions. Tables live in memory (``memory://``) and
are durable through their changelog topics: a worker that starts (or takes over
a partition) replays the changelog before it processes events.

The consumer is :class:`streams.consumer.Consumer`: Faust's, with three holes in its offset
bookkeeping around rebalances closed (a message is read again rather than skipped) and a
cheaper hand-over of each message to the streams. Its monitor sensor is :class:`streams.sensor.OffsetsMonitor`:
the partitions' offsets the consumer lag needs, no statistics per message. The tables' changelog
writes do not go through Faust's producer buffer (:mod:`streams.changelog_writes`).

A worker process runs with larger garbage-collector thresholds (:func:`tune_garbage_collector`) on
the configured event loop (:func:`install_event_loop`).

Faust's own web views that expose tables, cluster routing, sensor statistics and
the service graph are switched off; the web server serves ``/metrics`` only
(added by :mod:`streams.agents`).
"""

from __future__ import annotations

import asyncio
import gc
import ssl

import faust

from monitor.settings import Settings
from streams.consumer import Consumer
from streams.sensor import OffsetsMonitor

#: Seconds a worker waits after a rebalance before recovery; more workers joining at once share one rebalance.
_RECOVERY_DELAY = 0.5

#: Seconds a worker's consumer group waits for its heartbeat before it rebalances its partitions away.
SESSION_TIMEOUT_SECONDS = 10.0

#: ``gc.set_threshold`` of a worker process: (new container objects before a young collection, young collections
#: before a middle one, middle ones before a full one may run). Python's default (700, 10, 10).
GC_THRESHOLDS = (100_000, 10, 10)


def create_app(settings: Settings) -> faust.App:
    """A Faust app for ``settings`` (broker, credentials, partitions, web port); no agents yet."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)  # Faust creates only the last level
    app = faust.App(
        settings.app_id,
        broker=[f"kafka://{server.strip()}" for server in settings.bootstrap().split(",")],
        broker_credentials=_credentials(settings),
        store="memory://",
        datadir=str(settings.data_dir / settings.app_id),
        topic_partitions=settings.kafka.topic_partitions,
        topic_replication_factor=settings.kafka.replication_factor,
        topic_allow_declare=True,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=SESSION_TIMEOUT_SECONDS,
        broker_heartbeat_interval=1.0,
        broker_commit_interval=1.0,
        stream_recovery_delay=_RECOVERY_DELAY,
        stream_wait_empty=False,
        # Throughput (issue 11, docs/performance.md): a changelog write per changed record dominates the producer;
        # fewer, larger produce requests (up to 1 MiB, lingering 10 ms) cost less per message, and larger fetches
        # and stream buffers feed the agents' batches.
        stream_buffer_maxsize=16384,
        broker_max_poll_records=4000,
        producer_linger_ms=10,
        producer_max_batch_size=2**20,
        table_cleanup_interval=30.0,
        web_enabled=True,
        web_port=settings.worker_port,
        web_bind=settings.worker_bind,
        web_host=settings.worker_bind if settings.worker_bind != "0.0.0.0" else "localhost",
        web_tables_enabled=False,
        web_router_enabled=False,
        web_stats_enabled=False,
        web_graph_enabled=False,
        web_metrics_enabled=False,
        worker_redirect_stdouts=False,
        Monitor=OffsetsMonitor,  # offsets for the consumer lag, no per-message statistics
    )
    app.transport.Consumer = Consumer  # the transport creates the app's one consumer when the worker starts
    return app


def tune_garbage_collector() -> None:
    """Collect cyclic garbage less often in this process (:data:`GC_THRESHOLDS`).

    Every Faust message, event and stream step allocates container objects, so with Python's default
    thresholds the collector ran a young collection every 700 of them and a full one (all of the worker's
    ≈ 500,000 tracked objects: open records, tables, modules) a dozen times in 100,000 events, ≈ 0.2 s of CPU
    each: 3.1 s of the worker's 15.6 s (20 %, measured with ``gc.callbacks`` on 2 December 2026, see
    docs/performance.md). With (10,000, 10, 10) the same run spent 0.7 s. A young collection every 100,000
    rather than 10,000: an agent's batch (2,000 messages with their Faust events, fetched records and changelog
    values) then mostly dies before a collection instead of being walked and promoted mid-batch; in a backfill of
    90 days the collector's time went from 4.6 s to 0.5 s of the worker's ≈ 75 s. Objects without cycles are
    freed by reference counting as before; only cyclic garbage waits longer (up to 100,000 allocations).
    """
    gc.set_threshold(*GC_THRESHOLDS)


def install_event_loop(settings: Settings) -> None:
    """Make ``settings.event_loop`` the loop of this process; call before the app or worker exist.

    Every message passes through a dozen loop callbacks (the consumer thread's hand-over, stream queues,
    producer futures), so the loop's own cost is per event: uvloop's C loop took ≈ 10 % off the worker's CPU
    per event in alternating runs (docs/performance.md).
    """
    if settings.event_loop == "uvloop":
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def _credentials(settings: Settings) -> faust.types.auth.CredentialsT | None:
    """SASL and/or TLS exactly as configured (``KCC_KAFKA__SECURITY_PROTOCOL`` and friends)."""
    kafka = settings.kafka
    context: ssl.SSLContext | None = None
    if kafka.security_protocol in ("SSL", "SASL_SSL"):
        context = ssl.create_default_context(cafile=str(kafka.ssl_cafile) if kafka.ssl_cafile else None)
    if kafka.security_protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=kafka.sasl_username,
            password=kafka.sasl_password.get_secret_value() if kafka.sasl_password else None,
            mechanism=kafka.sasl_mechanism or "PLAIN",
            ssl_context=context,
        )
    if context is not None:
        return faust.SSLCredentials(context)
    return None

"""A broker outage in the worker's log: one line when the broker is lost, one when it is back.

While the broker is away, aiokafka logs every failed connect, metadata refresh,
fetch and heartbeat: a 20 s outage used to write ~2,400 ERROR lines that hid
everything else. :class:`BrokerState` sits as a filter on the log handlers:
the first connection error of the Kafka client turns the state to *lost* and is
reported once (with the client's own words); from then on the client's
warnings and errors (connection retries, and the heartbeat and coordinator
failures that follow from them) are counted, not written. A probe thread then tries a TCP
connection to the bootstrap servers every :data:`PROBE_SECONDS`; once one
answers and the client has been quiet for :data:`QUIET_SECONDS`, the state turns
to *back* with the outage's length and the number of lines held back. While
the broker is up, the client's other log lines (and every other logger) pass unchanged.
"""

from __future__ import annotations

import logging
import socket
import threading
import time

from monitor.settings import Settings

log = logging.getLogger("kcc.broker")

PROBE_SECONDS = 1.0
"""Seconds between two reachability probes while the broker is lost."""
QUIET_SECONDS = 3.0
"""Seconds without a client connection error (and the broker reachable) before it counts as back."""

CLIENT_LOGGERS = ("aiokafka", "kafka", "faust.transport")
"""Loggers of the Kafka clients whose connection errors are folded into the state."""
CONNECTION_TROUBLE = (
    "Unable connect", "Unable to connect", "Unable to update metadata", "NodeNotReadyError", "KafkaConnectionError",
    "Connect call failed", "Connection refused", "Connection at",
)
"""Fragments of the client log messages that mean "the broker cannot be reached" (not those of a rebalance
or of a new group's coordinator being elected, which are normal)."""


class BrokerState(logging.Filter):
    """Up or lost; a log filter that reports each change once and holds back the retries in between."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.bootstrap = settings.bootstrap()
        self._servers = [_host_port(server) for server in self.bootstrap.split(",")]
        self._lock = threading.Lock()
        self.lost_since: float | None = None
        """Monotonic time the broker was lost (None while up)."""
        self.held_back = 0
        """Client log lines not written during the current outage."""
        self._last_trouble = 0.0
        self._last_record: logging.LogRecord | None = None
        """Each handler asks about the same record: it is counted (and reported) once."""

    def install(self, logger: logging.Logger | None = None) -> None:
        """Filter every handler of ``logger`` (default root): call after the worker configured logging."""
        for handler in (logger or logging.getLogger()).handlers:
            if self not in handler.filters:
                handler.addFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or not record.name.startswith(CLIENT_LOGGERS):
            return True
        message = record.getMessage()
        trouble = any(fragment in message for fragment in CONNECTION_TROUBLE)
        with self._lock:
            if record is self._last_record:
                return False
            if not trouble and self.lost_since is None:
                return True
            self._last_record = record
            if trouble:
                self._last_trouble = time.monotonic()
            if self.lost_since is not None:
                self.held_back += 1
                return False
            self.lost_since = self._last_trouble
            self.held_back = 0
        log.error("Kafka broker at %s lost: %s (client retries are not logged until it is back)",
                  self.bootstrap, message.strip().splitlines()[0][:200])
        threading.Thread(target=self._probe, name="kcc-broker-probe", daemon=True).start()
        return False

    def _probe(self) -> None:
        while True:
            time.sleep(PROBE_SECONDS)
            with self._lock:
                quiet = time.monotonic() - self._last_trouble >= QUIET_SECONDS
            if quiet and self._reachable():
                with self._lock:
                    lost_for = time.monotonic() - (self.lost_since or time.monotonic())
                    held_back, self.lost_since = self.held_back, None
                log.warning("Kafka broker at %s back after %.0f s (%d client error lines held back)",
                            self.bootstrap, lost_for, held_back)
                return

    def _reachable(self) -> bool:
        for host, port in self._servers:
            try:
                with socket.create_connection((host, port), timeout=PROBE_SECONDS):
                    return True
            except OSError:
                continue
        return False


def _host_port(server: str) -> tuple[str, int]:
    host, _, port = server.strip().rpartition(":")
    return host.strip("[]"), int(port)

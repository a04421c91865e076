"""Reaching the broker: one pre-flight check and one sentence per way it can fail.

Every command that talks to Kafka (worker, simulate, replay, report/export
``--from-stream``, deadletters) calls :func:`check` first, with kafka-python,
before any client that would retry forever (Faust/aiokafka) starts. A broker
that is down, a wrong SASL password and a certificate the configured CA does
not trust then end the command within seconds with one line saying which,
naming the bootstrap servers and the setting to look at, instead of a
traceback or an endless retry loop.
"""

from __future__ import annotations

import logging
import re
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from monitor.errors import ServiceError
from monitor.settings import Settings


class BrokerUnavailable(ServiceError):
    """The broker cannot be used; the message is one line for the command line."""

    exit_status = 2
    """As for bad input: the broker address, credentials or CA file in the settings do not work."""


def check(settings: Settings, timeout_s: float | None = None) -> None:
    """Connect, authenticate and fetch the cluster metadata once, trying for ``timeout_s`` seconds (default
    ``KCC_KAFKA__CONNECT_TIMEOUT_SECONDS``); raise :class:`BrokerUnavailable` otherwise.

    Refused credentials and an untrusted certificate are final: the check gives up as soon
    as the client reports one, instead of retrying until the timeout."""
    timeout_s = settings.kafka.connect_timeout_seconds if timeout_s is None else timeout_s
    heard: list[str] = []
    failed: list[BaseException] = []
    over = threading.Event()
    attempt = threading.Thread(target=_attempt, args=(settings, timeout_s, heard, failed, over),
                               name="kcc-broker-check", daemon=True)
    attempt.start()
    over.wait(timeout_s + 5)
    if failed or attempt.is_alive():
        error = failed[0] if failed else TimeoutError(f"no answer within {timeout_s:.0f} s")
        raise BrokerUnavailable(explain(error, settings, list(heard)))


def _attempt(settings: Settings, timeout_s: float, heard: list[str], failed: list[BaseException],
             over: threading.Event) -> None:
    """One connection attempt (kafka-python, blocking); ``over`` is set when it ended or cannot succeed."""
    from kafka import KafkaConsumer
    from kafka.errors import KafkaError

    options: dict[str, Any] = {**settings.kafka_python_kwargs(), "client_id": f"{settings.app_id}-check",
                               "request_timeout_ms": int(timeout_s * 1000) + 1000,
                               "reconnect_backoff_max_ms": 1000}
    if "bootstrap_timeout_ms" in KafkaConsumer.DEFAULT_CONFIG:
        options["bootstrap_timeout_ms"] = int(timeout_s * 1000)
    consumer = None
    with _quiet_client(heard, over):
        try:
            consumer = KafkaConsumer(**options)
            consumer.topics()
        except (KafkaError, OSError, ssl.SSLError) as exc:
            failed.append(exc)
        finally:
            if consumer is not None:
                consumer.close()
            over.set()


FINAL = ("SaslAuthenticationFailedError", "Authentication failed", "CERTIFICATE_VERIFY_FAILED")
"""Client messages after which retrying cannot help (wrong credentials, untrusted certificate)."""


@contextmanager
def _quiet_client(heard: list[str], final: threading.Event) -> Iterator[None]:
    """kafka-python's own log lines, collected in ``heard`` instead of printed: they name the real cause
    (authentication, certificate) that its final exception ("Unable to bootstrap") hides; one of
    :data:`FINAL` sets ``final``."""

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            heard.append(message)
            if any(word in message for word in FINAL):
                final.set()

    logger = logging.getLogger("kafka")
    handler = Collect(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def explain(exc: BaseException, settings: Settings, heard: list[str] = ()) -> str:
    """One line for a failure to use the broker: what went wrong and which setting to look at.

    ``heard``: the client's log messages meanwhile (the cause is often only there)."""
    where = f"the Kafka broker at {settings.bootstrap()} (KCC_KAFKA__BOOTSTRAP_SERVERS)"
    kafka = settings.kafka
    chain = _chain(exc)
    names = {type(e).__name__ for e in chain}
    text = " ".join([*(str(e) for e in chain), *heard])
    if "SaslAuthenticationFailedError" in names or "Authentication failed" in text:
        return (f"{where} refused the credentials of user {kafka.sasl_username!r} ({kafka.sasl_mechanism}): "
                "check KCC_KAFKA__SASL_USERNAME and KCC_KAFKA__SASL_PASSWORD")
    if any(isinstance(e, ssl.SSLCertVerificationError) for e in chain) or "CERTIFICATE_VERIFY_FAILED" in text:
        ca = kafka.ssl_cafile or "the system's CA bundle"
        return (f"the TLS certificate of {where} is not trusted by {ca} (KCC_KAFKA__SSL_CAFILE): "
                f"{_verify_message(chain, text)}")
    if any(isinstance(e, ssl.SSLError) for e in chain):
        return f"TLS with {where} failed: {_first_line(text)} (check KCC_KAFKA__SECURITY_PROTOCOL)"
    causes = [line.split("Connection failed:", 1)[1].strip() for line in heard if "Connection failed:" in line]
    cause = causes[-1] if causes else (_first_line(str(exc)) or type(exc).__name__)
    return f"cannot reach {where} with {kafka.security_protocol}: {cause}"


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _verify_message(chain: list[BaseException], text: str) -> str:
    for error in chain:
        if isinstance(error, ssl.SSLCertVerificationError) and error.verify_message:
            return error.verify_message
    found = re.search(r"certificate verify failed: ([^(]+)", text)
    return found.group(1).strip() if found else "certificate verify failed"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""

"""Helpers the tests import (always as ``tests.support``): free ports and the one wait loop.

Fixtures live in the plugin modules under ``tests/plugins/``; this module holds what
tests call directly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

import pytest

from kcc.stack import free_port

__all__ = ["free_port", "wait_until"]

T = TypeVar("T")


def wait_until(check: Callable[[], T], timeout: float, what: str | Callable[[], str],
               interval: float = 0.5) -> T:
    """Poll ``check`` every ``interval`` seconds until it returns something truthy and return that.

    Fails the test after ``timeout`` seconds with ``what`` (a text, or a function giving
    it at that moment: the last value seen, a log tail).
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what() if callable(what) else what}")
        time.sleep(interval)


@contextmanager
def http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A real HTTP server with ``handler`` on a free 127.0.0.1 port, in a thread; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()

"""Shared fixtures: configuration, and the real components (broker, worker, Prometheus).

Integration fixtures start real processes on 127.0.0.1. In CI (``CI=true``) a
component that cannot start fails the test; it never skips.
"""

from __future__ import annotations

import pytest

from monitor.config import Config, load_config


@pytest.fixture(scope="session")
def config() -> Config:
    """The repository's own municipal configuration."""
    return load_config()

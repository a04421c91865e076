"""Shared fixtures: the repository's configuration here; the real components as plugins.

- ``tests.plugins.kafka``: the session's Kafka broker (``kafka_broker``);
- ``tests.plugins.worker``: real ``kcc-monitor worker`` processes (``start_worker``);
- ``tests.plugins.prometheus``: Prometheus, Alertmanager and a webhook receiver;
- ``tests.plugins.unit_worker``: an assembled worker without a broker, for unit tests (``unit_worker``);
- ``tests.plugins.faults``: faults for the fault tests (SIGKILL, a second worker ``peers``, broker restart,
  a paced feeder) and the row-by-row report comparison.

Integration fixtures start real processes on 127.0.0.1 through :mod:`kcc.stack`. In CI
(``CI=true``) a component that cannot start fails the test; it never skips. Helpers that
tests call (``free_port``, ``wait_until``) are in :mod:`tests.support`.
"""

from __future__ import annotations

import pytest

from monitor.config import Config, load_config

pytest_plugins = ["tests.plugins.kafka", "tests.plugins.worker", "tests.plugins.prometheus", "tests.plugins.unit_worker",
                  "tests.plugins.faults"]


@pytest.fixture(scope="session")
def config() -> Config:
    """The repository's own municipal configuration."""
    return load_config()

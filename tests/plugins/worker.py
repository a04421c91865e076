"""Fixture plugin: real ``kcc-monitor worker`` processes against the session's broker.

Each worker is a :func:`kcc.stack.worker` with its own app id and topic prefix
(:func:`kcc.stack.isolated_settings`), so tests never see each other's topics or
consumer groups.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from subprocess import Popen

import pytest

from kcc import stack
from monitor.errors import StackError
from tests.plugins.kafka import KafkaBroker
from tests.support import free_port, wait_until


class WorkerProcess:
    """One ``kcc-monitor worker`` subprocess and the settings it runs with; restartable."""

    def __init__(self, managed: stack.Managed, port: int) -> None:
        self.managed = managed
        self.port = port

    @property
    def env(self) -> dict[str, str]:
        assert self.managed.env is not None
        return self.managed.env

    @property
    def process(self) -> Popen[bytes] | None:
        return self.managed.process

    @property
    def log_path(self) -> Path:
        assert self.managed.log is not None
        return self.managed.log

    @property
    def prefix(self) -> str:
        return self.env["KCC_TOPIC_PREFIX"]

    @property
    def app_id(self) -> str:
        return self.env["KCC_APP_ID"]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def topic(self, family: str) -> str:
        return f"{self.prefix}.events.{family}"

    @property
    def dead_letter_topic(self) -> str:
        return f"{self.prefix}.deadletter"

    def start(self, timeout: float = 120) -> WorkerProcess:
        """Start the process and wait until /metrics answers and the worker has its partitions."""
        try:
            self.managed.start(timeout)
        except StackError as exc:
            pytest.fail(str(exc))
        return self

    def stop(self, timeout: float = 30) -> None:
        """Clean stop (SIGTERM: the worker leaves the group and commits), killed after ``timeout``."""
        self.managed.stop(timeout)

    def log(self) -> str:
        return self.managed.output()

    def samples(self) -> dict[tuple[str, frozenset], float]:
        """Every sample of /metrics: (sample name, frozenset of label items) → value."""
        import requests
        from prometheus_client.parser import text_string_to_metric_families

        text = requests.get(f"{self.url}/metrics", timeout=5).text
        return {(s.name, frozenset(s.labels.items())): s.value
                for family in text_string_to_metric_families(text) for s in family.samples}

    def value(self, name: str, **labels: str) -> float:
        """One sample's value (0 when the series does not exist yet)."""
        return self.samples().get((name, frozenset(labels.items())), 0.0)

    def total(self, name: str) -> float:
        """The sum of every series of ``name``."""
        return sum(v for (sample, _), v in self.samples().items() if sample == name)

    def wait_for(self, name: str, expected: float, timeout: float = 90, **labels: str) -> None:
        """Wait until a sample reaches ``expected``; fail with the worker log otherwise."""
        wait_until(lambda: self.value(name, **labels) == expected, timeout,
                   lambda: f"{name}{labels} = {self.value(name, **labels)}, expected {expected}\n{self.log()[-3000:]}",
                   interval=0.2)

    def wait_for_total(self, name: str, expected: float, timeout: float = 90) -> None:
        """Wait until the sum over every series of ``name`` reaches ``expected``."""
        wait_until(lambda: self.total(name) == expected, timeout,
                   lambda: f"sum of {name} = {self.total(name)}, expected {expected}\n{self.log()[-3000:]}",
                   interval=0.2)


@pytest.fixture
def start_worker(kafka_broker: KafkaBroker, tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    """Factory: ``start_worker(KCC_COMPACTION_AFTER_SECONDS="0", ...)`` → a ready :class:`WorkerProcess`.

    Each call gets a unique app id and topic prefix (unless given), a free web port bound
    to 127.0.0.1 and a temporary data dir. Every worker is stopped at teardown and its log
    printed (pytest shows it when the test failed).
    """
    workers: list[WorkerProcess] = []

    def start(**settings_env: str) -> WorkerProcess:
        name = f"t{uuid.uuid4().hex[:10]}"
        env = {**stack.isolated_settings(kafka_broker.bootstrap, name, tmp_path / f"data-{name}"), **settings_env}
        port = free_port()
        worker = WorkerProcess(stack.worker(env, port, log=tmp_path / f"worker-{name}.log", loglevel="info",
                                            cwd=stack.REPO), port)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()
        print(f"---- worker {worker.app_id} log (tail) ----\n{worker.log()[-6000:]}")

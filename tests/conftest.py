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


# ---------------------------------------------------------------- Prometheus and Alertmanager
# Real /usr/bin/prometheus and /usr/bin/prometheus-alertmanager on free 127.0.0.1 ports with
# temporary config and data dirs. A binary that is missing or does not become ready fails
# the test (never a skip).

import json as _json  # noqa: E402
import os as _os  # noqa: E402
import shutil as _shutil  # noqa: E402
import socket as _socket  # noqa: E402
import subprocess as _subprocess  # noqa: E402
import threading as _threading  # noqa: E402
import time as _time  # noqa: E402
from dataclasses import dataclass as _dataclass, field as _field  # noqa: E402
from http.server import BaseHTTPRequestHandler as _Handler, ThreadingHTTPServer as _HTTPServer  # noqa: E402
from pathlib import Path as _Path  # noqa: E402
from typing import Any as _Any, Callable as _Callable, Iterator as _Iterator  # noqa: E402

import yaml as _yaml  # noqa: E402

_REPO = _Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with _socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _binary(*names: str) -> str:
    for name in names:
        path = _shutil.which(name)
        if path:
            return path
    pytest.fail(f"{' / '.join(names)} not installed (scripts/setup installs the Debian packages)")


def _wait_ready(url: str, process: _subprocess.Popen, log: _Path, timeout: float = 30) -> None:
    import requests

    deadline = _time.monotonic() + timeout
    while _time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        _time.sleep(0.2)
    process.terminate()
    pytest.fail(f"{url} not ready after {timeout}s:\n{log.read_text()[-3000:]}")


def _stop(process: _subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except _subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_until(check: _Callable[[], _Any], timeout: float, what: str, interval: float = 0.5) -> _Any:
    """Poll ``check`` until it returns something truthy; fail with ``what`` after ``timeout`` seconds."""
    deadline = _time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if _time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        _time.sleep(interval)


@_dataclass
class PrometheusServer:
    url: str
    directory: _Path
    process: _subprocess.Popen

    def query(self, expr: str) -> list[dict]:
        """Instant query; the ``result`` list of the API answer."""
        import requests

        answer = requests.get(f"{self.url}/api/v1/query", params={"query": expr}, timeout=10).json()
        assert answer["status"] == "success", answer
        return answer["data"]["result"]

    def alerts(self) -> list[dict]:
        import requests

        return requests.get(f"{self.url}/api/v1/alerts", timeout=10).json()["data"]["alerts"]

    def log(self) -> str:
        return (self.directory / "prometheus.log").read_text()


@pytest.fixture
def prometheus_server(tmp_path_factory: pytest.TempPathFactory) -> _Iterator[_Callable[..., PrometheusServer]]:
    """Factory: ``prometheus_server(targets=["127.0.0.1:6066"], rule_files=[...], alertmanager_url=...)``.

    Starts /usr/bin/prometheus with 1 s scrape and evaluation intervals (job
    ``kcc-worker``, as the alert rules expect), a temporary TSDB, and waits for
    ``/-/ready``. Rule files are copied into the temporary config dir. Stopped at teardown.
    """
    started: list[PrometheusServer] = []

    def start(*, targets: list[str], rule_files: list[_Path] = (), alertmanager_url: str | None = None,
              interval: str = "1s", job: str = "kcc-worker") -> PrometheusServer:
        directory = tmp_path_factory.mktemp("prometheus")
        names = []
        for path in rule_files:
            _shutil.copy(path, directory / path.name)
            names.append(path.name)
        config: dict[str, _Any] = {
            "global": {"scrape_interval": interval, "evaluation_interval": interval, "scrape_timeout": interval},
            "rule_files": names,
            "scrape_configs": [{"job_name": job, "static_configs": [{"targets": list(targets)}]}],
        }
        if alertmanager_url:
            host = alertmanager_url.split("://", 1)[-1].rstrip("/")
            config["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": [host]}]}]}
        (directory / "prometheus.yml").write_text(_yaml.safe_dump(config))
        port = free_port()
        log = directory / "prometheus.log"
        process = _subprocess.Popen(
            [_binary("prometheus"), f"--config.file={directory / 'prometheus.yml'}",
             f"--storage.tsdb.path={directory / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
             "--rules.alert.resend-delay=1s", "--log.level=warn"],
            stdout=log.open("wb"), stderr=_subprocess.STDOUT)
        server = PrometheusServer(f"http://127.0.0.1:{port}", directory, process)
        started.append(server)
        _wait_ready(f"{server.url}/-/ready", process, log)
        return server

    yield start
    for server in started:
        _stop(server.process)


@_dataclass
class AlertReceiver:
    """A webhook endpoint collecting Alertmanager notifications (JSON bodies) by path."""

    url: str
    notifications: list[dict] = _field(default_factory=list)

    def alerts(self, path: str | None = None) -> list[dict]:
        """Every alert of every notification received (optionally only on one path)."""
        return [a for n in list(self.notifications) if path is None or n["_path"] == path for a in n["alerts"]]


@pytest.fixture
def alert_receiver() -> _Iterator[AlertReceiver]:
    """A real HTTP server on a free port that records webhook notifications."""
    receiver = AlertReceiver(url="")

    class Handler(_Handler):
        def do_POST(self) -> None:  # noqa: N802 (http.server API)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.notifications.append({**_json.loads(body), "_path": self.path})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: _Any) -> None:
            pass

    server = _HTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = _threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


@_dataclass
class AlertmanagerServer:
    url: str
    receiver: AlertReceiver
    directory: _Path
    process: _subprocess.Popen


def _test_alertmanager_config(receiver_url: str) -> dict:
    """The repository's alertmanager.yml with every receiver a webhook to the test receiver
    (path = receiver name) and waits shortened to a second: routing and inhibition stay real."""
    config = _yaml.safe_load((_REPO / "config" / "alertmanager" / "alertmanager.yml").read_text())
    config["receivers"] = [
        {"name": r["name"], "webhook_configs": [{"url": f"{receiver_url}/{r['name']}", "send_resolved": True}]}
        for r in config["receivers"]]

    def fast(route: dict) -> None:
        for key, value in (("group_wait", "1s"), ("group_interval", "1s")):
            if key in route or route is config["route"]:
                route[key] = value
        for child in route.get("routes", []):
            fast(child)

    fast(config["route"])
    config["global"] = {"resolve_timeout": "1m"}
    config.pop("templates", None)
    return config


@pytest.fixture
def alertmanager_server(tmp_path_factory: pytest.TempPathFactory, alert_receiver: AlertReceiver
                        ) -> _Iterator[AlertmanagerServer]:
    """Real Alertmanager (clustering off) with the repository's routing and inhibition,
    every receiver replaced by a webhook to ``alert_receiver``."""
    directory = tmp_path_factory.mktemp("alertmanager")
    (directory / "alertmanager.yml").write_text(_yaml.safe_dump(_test_alertmanager_config(alert_receiver.url)))
    port = free_port()
    log = directory / "alertmanager.log"
    process = _subprocess.Popen(
        [_binary("prometheus-alertmanager", "alertmanager"), f"--config.file={directory / 'alertmanager.yml'}",
         f"--storage.path={directory / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
         "--cluster.listen-address=", "--log.level=warn"],
        stdout=log.open("wb"), stderr=_subprocess.STDOUT)
    server = AlertmanagerServer(f"http://127.0.0.1:{port}", alert_receiver, directory, process)
    try:
        _wait_ready(f"{server.url}/-/ready", process, log)
        yield server
    finally:
        _stop(process)


# ---------------------------------------------------------------- Kafka broker and Faust workers
# The project's own broker (scripts/kafka) on a free port with a temporary data dir, once per
# session, or an existing one named by KCC_TEST_BOOTSTRAP. A broker that cannot start fails the
# tests that need it (never a skip). Workers are real `kcc-monitor worker` processes, each with
# its own app id and topic prefix, so tests never see each other's topics or consumer groups.

import signal as _signal  # noqa: E402
import sys as _sys  # noqa: E402
import uuid as _uuid  # noqa: E402


@_dataclass
class KafkaBroker:
    bootstrap: str
    directory: _Path | None
    """The broker's data and log folder (None for an external broker)."""

    def producer(self) -> _Any:
        """A kafka-python producer (acks=all) to this broker; close it after use."""
        from kafka import KafkaProducer

        return KafkaProducer(bootstrap_servers=self.bootstrap.split(","), acks="all", linger_ms=0)

    def read(self, topic: str, count: int, timeout: float = 30) -> list[_Any]:
        """The first ``count`` records of ``topic`` (from the beginning), failing after ``timeout`` s."""
        from kafka import KafkaConsumer

        consumer = KafkaConsumer(topic, bootstrap_servers=self.bootstrap.split(","), auto_offset_reset="earliest",
                                 enable_auto_commit=False, consumer_timeout_ms=500, group_id=None)
        records: list[_Any] = []
        deadline = _time.monotonic() + timeout
        try:
            while len(records) < count and _time.monotonic() < deadline:
                for batch in consumer.poll(timeout_ms=500).values():
                    records.extend(batch)
        finally:
            consumer.close()
        if len(records) < count:
            pytest.fail(f"{topic}: {len(records)} of {count} records after {timeout}s")
        return records


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> _Iterator[KafkaBroker]:
    """A running Kafka broker for the whole session."""
    external = _os.environ.get("KCC_TEST_BOOTSTRAP")
    if external:
        yield KafkaBroker(external, None)
        return
    directory = tmp_path_factory.mktemp("kafka")
    env = {**_os.environ, "KCC_KAFKA_PORT": str(free_port()), "KCC_KAFKA_DIR": str(directory)}
    env.pop("KCC_KAFKA_CONTROLLER_PORT", None)
    script = str(_REPO / "scripts" / "kafka")
    try:
        started = _subprocess.run([script, "start"], env=env, capture_output=True, text=True, timeout=300)
    except _subprocess.TimeoutExpired:
        _subprocess.run([script, "stop"], env=env, timeout=60)
        pytest.fail("scripts/kafka start did not finish within 300 s")
    if started.returncode != 0:
        pytest.fail(f"scripts/kafka start failed ({started.returncode}):\n{started.stderr[-3000:]}")
    try:
        yield KafkaBroker(started.stdout.strip().splitlines()[-1], directory)
    finally:
        _subprocess.run([script, "stop"], env=env, timeout=90)


@_dataclass
class WorkerProcess:
    """One `kcc-monitor worker` subprocess and the settings it runs with."""

    env: dict[str, str]
    port: int
    log_path: _Path
    process: _subprocess.Popen | None = None

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

    def start(self, timeout: float = 120) -> "WorkerProcess":
        """Start the process and wait until /metrics answers and the worker has its partitions."""
        import requests

        assert self.process is None or self.process.poll() is not None, "already running"
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.process = _subprocess.Popen(
            [_sys.executable, "-m", "kcc.cli", "worker", "--port", str(self.port), "--loglevel", "info"],
            env=self.env, cwd=_REPO, stdout=self.log_path.open("ab"), stderr=_subprocess.STDOUT)
        deadline = _time.monotonic() + timeout
        while _time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"worker exited with {self.process.returncode}:\n{self.log()[-4000:]}")
            # Faust logs "[^Worker]: Ready" once the group assigned its partitions and tables recovered.
            ready = "[^Worker]: Ready" in self.log_path.read_text(errors="replace")[offset:]
            try:
                if ready and requests.get(f"{self.url}/metrics", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            _time.sleep(0.2)
        self.stop()
        pytest.fail(f"worker not ready after {timeout}s:\n{self.log()[-4000:]}")

    def stop(self, timeout: float = 30) -> None:
        """Clean stop (SIGTERM: the worker leaves the group and commits), killed after ``timeout``."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(_signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except _subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

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

    def wait_for(self, name: str, expected: float, timeout: float = 90, **labels: str) -> None:
        """Wait until a sample reaches ``expected``; fail with the worker log otherwise."""
        deadline = _time.monotonic() + timeout
        while (current := self.value(name, **labels)) != expected:
            if _time.monotonic() > deadline:
                pytest.fail(f"{name}{labels} = {current}, expected {expected} after {timeout}s\n{self.log()[-3000:]}")
            _time.sleep(0.2)


@pytest.fixture
def start_worker(kafka_broker: KafkaBroker, tmp_path: _Path) -> _Iterator[_Callable[..., WorkerProcess]]:
    """Factory: ``start_worker(KCC_COMPACTION_AFTER_SECONDS="0", ...)`` → a ready :class:`WorkerProcess`.

    Each call gets a unique app id and topic prefix (unless given), a free web port bound
    to 127.0.0.1 and a temporary data dir. Every worker is stopped at teardown and its log
    printed (pytest shows it when the test failed).
    """
    workers: list[WorkerProcess] = []

    def start(**settings_env: str) -> WorkerProcess:
        name = f"t{_uuid.uuid4().hex[:10]}"
        env = {**_os.environ, "KCC_KAFKA__BOOTSTRAP_SERVERS": kafka_broker.bootstrap, "KCC_APP_ID": name,
               "KCC_TOPIC_PREFIX": name, "KCC_WORKER_BIND": "127.0.0.1",
               "KCC_DATA_DIR": str(tmp_path / f"data-{name}"), "PYTHONUNBUFFERED": "1", **settings_env}
        worker = WorkerProcess(env, free_port(), tmp_path / f"worker-{name}.log")
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()
        print(f"---- worker {worker.app_id} log (tail) ----\n{worker.log()[-6000:]}")

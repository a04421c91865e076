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

"""Fixture plugin: real Prometheus and Alertmanager, and a webhook receiver for notifications.

/usr/bin/prometheus and /usr/bin/prometheus-alertmanager run as :func:`kcc.stack.prometheus`
and :func:`kcc.stack.alertmanager` processes on free 127.0.0.1 ports with temporary config
and data dirs. A binary that is missing or does not become ready fails the test (never a skip).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import yaml

from kcc import stack
from kcc.stack import REPO, Managed
from monitor.errors import StackError
from tests.support import free_port, http_server


def _program(build: Callable[[], Managed]) -> Managed:
    try:
        return build()
    except StackError as exc:  # the binary is missing: a failure, never a skip
        pytest.fail(str(exc))


def _start(process: Managed, timeout: float = 30) -> Managed:
    try:
        return process.start(timeout)
    except StackError as exc:
        pytest.fail(str(exc))


@dataclass
class PrometheusServer:
    url: str
    directory: Path
    managed: Managed

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
        return self.managed.output()


@pytest.fixture
def prometheus_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., PrometheusServer]]:
    """Factory: ``prometheus_server(targets=["127.0.0.1:6066"], rule_files=[...], alertmanager_url=...)``.

    Starts /usr/bin/prometheus with 1 s scrape and evaluation intervals (job
    ``kcc-worker``, as the alert rules expect), a temporary TSDB, and waits for
    ``/-/ready``. Rule files are copied into the temporary config dir. Stopped at teardown.
    """
    started: list[PrometheusServer] = []

    def start(*, targets: list[str], rule_files: Sequence[Path] = (), alertmanager_url: str | None = None,
              interval: str = "1s", job: str = "kcc-worker") -> PrometheusServer:
        directory = tmp_path_factory.mktemp("prometheus")
        names = []
        for path in rule_files:
            shutil.copy(path, directory / path.name)
            names.append(path.name)
        config: dict[str, Any] = {
            "global": {"scrape_interval": interval, "evaluation_interval": interval, "scrape_timeout": interval},
            "rule_files": names,
            "scrape_configs": [{"job_name": job, "static_configs": [{"targets": list(targets)}]}],
        }
        if alertmanager_url:
            host = alertmanager_url.split("://", 1)[-1].rstrip("/")
            config["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": [host]}]}]}
        (directory / "prometheus.yml").write_text(yaml.safe_dump(config))
        port = free_port()
        managed = _program(lambda: stack.prometheus(directory / "prometheus.yml", directory / "data", port,
                                                    log=directory / "prometheus.log",
                                                    args=["--rules.alert.resend-delay=1s"]))
        url = f"http://127.0.0.1:{port}"
        server = PrometheusServer(url, directory, managed)
        started.append(server)
        _start(managed)
        return server

    yield start
    for server in started:
        server.managed.stop(10)


@dataclass
class AlertReceiver:
    """A webhook endpoint collecting Alertmanager notifications (JSON bodies) by path."""

    url: str
    notifications: list[dict] = field(default_factory=list)

    def alerts(self, path: str | None = None) -> list[dict]:
        """Every alert of every notification received (optionally only on one path)."""
        return [a for n in list(self.notifications) if path is None or n["_path"] == path for a in n["alerts"]]


@pytest.fixture
def alert_receiver() -> Iterator[AlertReceiver]:
    """A real HTTP server on a free port that records webhook notifications."""
    receiver = AlertReceiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server API)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.notifications.append({**json.loads(body), "_path": self.path})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    with http_server(Handler) as url:
        receiver.url = url
        yield receiver


@dataclass
class AlertmanagerServer:
    url: str
    receiver: AlertReceiver
    directory: Path
    managed: Managed


def _test_alertmanager_config(receiver_url: str) -> dict:
    """The repository's alertmanager.yml with every receiver a webhook to the test receiver
    (path = receiver name) and waits shortened to a second: routing and inhibition stay real."""
    config = yaml.safe_load((REPO / "config" / "alertmanager" / "alertmanager.yml").read_text())
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
                        ) -> Iterator[AlertmanagerServer]:
    """Real Alertmanager (clustering off) with the repository's routing and inhibition,
    every receiver replaced by a webhook to ``alert_receiver``."""
    directory = tmp_path_factory.mktemp("alertmanager")
    (directory / "alertmanager.yml").write_text(yaml.safe_dump(_test_alertmanager_config(alert_receiver.url)))
    port = free_port()
    managed = _program(lambda: stack.alertmanager(directory / "alertmanager.yml", directory / "data", port,
                                                  log=directory / "alertmanager.log"))
    url = f"http://127.0.0.1:{port}"
    try:
        _start(managed)
        yield AlertmanagerServer(url, alert_receiver, directory, managed)
    finally:
        managed.stop(10)

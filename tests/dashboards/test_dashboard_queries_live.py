"""Every dashboard query, run against a real Prometheus that evaluates the generated recording rules.

Each target of each generated dashboard is sent to Prometheus' HTTP API with the
dashboard variables replaced the way Grafana does it (``$municipality`` → the
dashboard's municipality, ``$location`` → the "all" regex, ``$__range`` → the
time range) and must parse and return at least one series. A panel that stays
empty because a rule or metric was renamed fails here.

``StandInExporter`` serves every metric of ``monitor/metricspec.py`` for one
municipality with prometheus_client, all label values taken from its
configuration (a stand-in for the worker's ``/metrics``), counters growing.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from dashboards import render
from monitor import metricspec as ms
from monitor.config import Config, Municipality
from tests.support import free_port, wait_until

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
RECORDING_RULES = ROOT / "config" / "prometheus" / "recording_rules.yml"


def dashboard_targets(dashboard: dict) -> list[tuple[str, str, bool]]:
    """(panel title, expr, instant) of every query of a dashboard, rows included."""
    found = []
    stack = list(dashboard["panels"])
    while stack:
        panel = stack.pop(0)
        stack += panel.get("panels", [])
        found += [(panel["title"], t["expr"], bool(t.get("instant"))) for t in panel.get("targets", [])]
    return found


def substitute(expr: str, municipality: str, range_seconds: int) -> str:
    """Grafana's interpolation: constants, the multi-value "all" regex, and ``$__range`` in seconds."""
    return (expr.replace("$municipality", municipality).replace("$location", ".*")
            .replace("$__range", f"{range_seconds}s"))


def _label_values(m: Municipality, spec: ms.MetricSpec) -> dict[str, list[str]]:
    channels = {
        ms.QUEUE_WAITING.name: ["phone", "counter"], ms.QUEUE_LONGEST_WAIT.name: ["phone", "counter"],
        ms.QUEUE_AGENTS_AVAILABLE.name: ["phone", "counter"], ms.CONTACTS.name: ["phone", "counter", "post", "digital"],
        ms.LETTERS_RECEIVED.name: ["post", "email"], ms.LETTERS_ANSWERED.name: ["post", "email"],
        ms.LETTERS_ANSWERED_IN_TIME.name: ["post", "email"], ms.LETTERS_OPEN_PAST_DUE.name: ["post", "email"],
        ms.LETTERS_MISSED_DUE.name: ["post", "email"],
    }
    values = {
        "municipality": [m.slug], "line": m.lines[:1], "queue": m.queues[:2], "department": m.departments[:2],
        "location": m.locations[:2], "visit_type": ["appointment", "walk_in"],
        "channel": channels.get(spec.name, ["counter", "phone", "website"]), "outcome": ["resolved", "transferred"],
        "working_days": ["1", "2"], "type": ["call.offered", "visit.checked_in"], "family": ["call", "visit"],
        "topic": ["kcc.events.call"], "reason": ["invalid_json"], "partition": ["0"], "product": m.products[:1],
        "period": ["day", "month"], "cause": ["source", "redelivery"], "kind": ["visit"],
    }
    return {label: values[label] for label in spec.labels}


_STEP = {ms.CALLS_OFFERED.name: 10, ms.CALLS_SHORT_ABANDONED.name: 1}
"""Counter growth per tick (default 3): more calls offered than short abandons, so ratios have a denominator."""


class StandInExporter:
    """/metrics with every metricspec metric for one municipality; counters grow every 0.2 s."""

    def __init__(self, m: Municipality, config: Config) -> None:
        self.registry = CollectorRegistry()
        self.port = free_port()
        self._children: list[tuple[str, object]] = []
        now = time.time()
        for spec in ms.ALL:
            combos = [dict(zip(spec.labels, c)) for c in itertools.product(*_label_values(m, spec).values())]
            if spec.kind == "counter":
                metric = Counter(spec.name, spec.help, spec.labels, registry=self.registry)
            elif spec.kind == "histogram":
                buckets = {ms.CALL_WAIT.name: ms.call_wait_buckets(config), ms.VISIT_WAIT.name: ms.visit_wait_buckets(config)}
                metric = Histogram(spec.name, spec.help, spec.labels, registry=self.registry,
                                   buckets=buckets.get(spec.name, ms.SURVEY_BUCKETS))
            else:
                metric = Gauge(spec.name, spec.help, spec.labels, registry=self.registry)
            for labels in combos:
                child = metric.labels(**labels) if spec.labels else metric  # a metric without labels is its own child
                if spec.kind == "gauge":
                    child.set(self._gauge_value(spec, labels, now))
                else:
                    self._children.append((spec.kind, child, _STEP.get(spec.name, 3)))
        self._grow()
        self.server, self.thread = start_http_server(self.port, addr="127.0.0.1", registry=self.registry)
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._run, daemon=True)
        self._ticker.start()

    @staticmethod
    def _gauge_value(spec: ms.MetricSpec, labels: dict[str, str], now: float) -> float:
        if spec is ms.PERIOD_START:
            return now - (3600 if labels["period"] == "day" else 3 * 86400)
        if spec is ms.LAST_EVENT:
            return now
        return 1

    def _grow(self) -> None:
        for kind, child, step in self._children:
            if kind == "counter":
                child.inc(step)
            else:
                child.observe(7)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self._grow()

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def close(self) -> None:
        self._stop.set()
        self._ticker.join(timeout=5)
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stand_in(config: Config) -> Iterator[StandInExporter]:
    exporter = StandInExporter(config["groningen"], config)
    yield exporter
    exporter.close()


def test_every_dashboard_query_parses_and_returns_series_from_the_recording_rules(
        config, stand_in, prometheus_server):
    prometheus = prometheus_server(targets=[stand_in.target], rule_files=[RECORDING_RULES])
    started = time.monotonic()
    probe = 'municipality_line:kcc_bereikbaarheid:ratio_rate15m{municipality="groningen"}'
    wait_until(lambda: prometheus.query(probe), timeout=60, what="the first recorded indicator")
    wait_until(lambda: prometheus.query('up{job="kcc-worker"} == 1'), timeout=30, what="the scrape")
    time.sleep(3)  # a few more evaluations: rate windows need two samples of every series
    empty = []
    for path, text in sorted(render.render(config).items()):
        if not path.startswith("groningen/"):
            continue
        for title, expr, _ in dashboard_targets(json.loads(text)):
            query = substitute(expr, "groningen", int(time.monotonic() - started) + 60)
            if not prometheus.query(query):  # query() asserts the API answered "success" (it parsed)
                empty.append((path, title, query))
    assert not empty, "\n".join(f"{p} / {t}: {q}" for p, t, q in empty)


def test_every_municipalitys_dashboards_ask_the_same_queries_for_its_own_slug(config):
    """So running one municipality's queries above covers the others' (only colours differ)."""
    files = render.render(config)
    for kind in render.KINDS:
        reference = [e for _, e, _ in dashboard_targets(json.loads(files[f"groningen/{kind}.json"]))]
        for slug in config.municipalities:
            assert [e for _, e, _ in dashboard_targets(json.loads(files[f"{slug}/{kind}.json"]))] == reference


def test_every_dashboard_query_returns_series_from_a_real_worker_fed_by_the_simulator(
        config, kafka_broker, start_worker, prometheus_server):
    """Kafka → ``kcc-monitor worker`` → Prometheus (generated recording rules) → every dashboard query."""
    import subprocess
    import sys

    worker = start_worker()
    prometheus = prometheus_server(targets=[f"127.0.0.1:{worker.port}"], rule_files=[RECORDING_RULES])
    started = time.monotonic()

    def simulate(start: str, seed: int) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "kcc.cli", "simulate", "-m", "groningen", "--start", start,
             "--days", "0.05", "--seed", str(seed), "--speed", "max", "--summary-seconds", "60"],
            env=worker.env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]

    def events_in_prometheus() -> float:
        result = prometheus.query('sum(kcc_events_total{municipality="groningen"})')
        return float(result[0]["value"][1]) if result else 0.0

    # Two batches with scrapes in between: increase() and rate() count only what happens
    # between samples, so the second batch makes every counter grow under Prometheus' eyes.
    simulate("2026-04-07T09:00", seed=1)
    first = wait_until(events_in_prometheus, timeout=120, what="the worker's events in Prometheus")
    time.sleep(3)
    simulate("2026-04-07T10:15", seed=2)
    producer = kafka_broker.producer()  # invalid messages, so the dead-letter panel has something to show
    for raw in (b"not json", b'{"type": "call.offered"}'):
        producer.send(worker.topic("call"), raw)
    producer.flush()
    producer.close()
    wait_until(lambda: events_in_prometheus() > first, timeout=120, what="the second batch in Prometheus")
    wait_until(lambda: prometheus.query(f"sum({ms.DEAD_LETTERS.series}) >= 2"), timeout=60,
               what="the dead letters in Prometheus")
    time.sleep(5)  # a few evaluations of the recording rules after the last events
    empty = []
    files = render.render(config)
    for kind in render.KINDS:
        for title, expr, _ in dashboard_targets(json.loads(files[f"groningen/{kind}.json"])):
            query = substitute(expr, "groningen", int(time.monotonic() - started) + 60)
            if not prometheus.query(query):
                empty.append((kind, title, query))
    if empty:
        absent = sorted(spec.name for spec in ms.ALL if not prometheus.query(
            f"count({spec.name + '_count' if spec.kind == 'histogram' else spec.series})"))
        pytest.fail(f"{len(empty)} dashboard queries without series; metrics the worker does not export: "
                    f"{', '.join(absent)}\n" + "\n".join(f"{k} / {t}: {q}" for k, t, q in empty))

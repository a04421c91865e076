"""The worker's Prometheus handles, one per ``monitor.metricspec`` entry, and applying what events changed.

Names, labels and kinds come only from ``monitor.metricspec.ALL``; histogram buckets
from its bucket helpers (they include every configured threshold, so "within 30 s"
is an exact bucket boundary). The registry is the worker's own, served on ``/metrics``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from monitor import metricspec as spec
from monitor.config import Config
from monitor.gauges import GaugeValue
from monitor.live import Change, Facts
from monitor.metricspec import MetricSpec
from streams.timers import NOW_GAUGES

disable_created_metrics()  # no ``_created`` series: they would double what Prometheus stores (issue 11)

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
"""The classic text format (0.0.4), which every Prometheus 2.x scrapes."""


def observe_all(histogram: Histogram, amounts: Iterable[float]) -> None:
    """``histogram.observe(amount)`` for each of ``amounts`` (no NaN), with one increment of its sum and of each
    bucket hit: ``observe`` takes a lock per increment and walks the buckets in Python, ≈ 2 µs per event
    for the event delays, 2 % of a worker's main thread (docs/performance.md). Relies on prometheus_client's
    ``Histogram`` internals (``_upper_bounds`` ascending and ending in +Inf, ``_buckets``, ``_sum``), unchanged
    from 0.20 to 0.26 and pinned below 1."""
    bounds = histogram._upper_bounds
    hits = [0] * len(bounds)
    total = 0.0
    for amount in amounts:
        total += amount
        hits[bisect_left(bounds, amount)] += 1  # the first bound ≥ amount, as observe's ``amount <= bound``
    if not any(hits):
        return
    histogram._raise_if_not_observable()
    histogram._sum.inc(total)
    for bucket, count in zip(histogram._buckets, hits):
        if count:
            bucket.inc(count)


def _buckets(metric: MetricSpec, config: Config) -> tuple[float, ...]:
    if metric is spec.CALL_WAIT:
        return spec.call_wait_buckets(config)
    if metric is spec.VISIT_WAIT:
        return spec.visit_wait_buckets(config)
    if metric is spec.SURVEY_SCORE:
        return spec.SURVEY_BUCKETS
    if metric is spec.EVENT_DELAY:
        return spec.EVENT_DELAY_BUCKETS
    raise ValueError(f"{metric.name}: no buckets defined in monitor.metricspec")


class Metrics:
    """Every live metric of one worker, in ``registry``."""

    def __init__(self, registry: CollectorRegistry, handles: dict[str, Counter | Gauge | Histogram]) -> None:
        self.registry = registry
        self._handles = handles
        # (metric name, label values) → labelled child: label sets are bounded by configuration,
        # and the lookup in prometheus_client costs more than the increment itself.
        self._children: dict[tuple[str, tuple[str, ...]], Any] = {}
        self._facts: dict[Any, int] = {}
        """Facts added since the last :meth:`publish` (fact → times)."""
        self._gauges: dict[tuple[MetricSpec, tuple[str, ...]], float] = {}
        """Gauge values set since the last :meth:`publish`, the last one per series."""

    @classmethod
    def create(cls, registry: CollectorRegistry, config: Config) -> "Metrics":
        handles: dict[str, Counter | Gauge | Histogram] = {}
        for metric in spec.ALL:
            if metric in NOW_GAUGES:  # computed at scrape time by streams.timers.NowCollector
                continue
            common = dict(name=metric.name, documentation=metric.help, labelnames=metric.labels, registry=registry)
            if metric.kind == "counter":
                handles[metric.name] = Counter(**common)
            elif metric.kind == "gauge":
                handles[metric.name] = Gauge(**common)
            else:
                handles[metric.name] = Histogram(**common, buckets=_buckets(metric, config))
        return cls(registry, handles)

    def handle(self, metric: MetricSpec) -> Counter | Gauge | Histogram:
        return self._handles[metric.name]

    def add(self, change: Change) -> None:
        """Add what one event changed (``monitor.live.apply``, ``arrival``, ``duplicate``) to what :meth:`publish`
        will apply: an agent's batch of up to 2,000 events touches a few hundred series, and summing in a dict
        costs less than a prometheus_client increment (a lock and its bookkeeping) per fact and event."""
        self.add_facts(change.delta)
        gauges = self._gauges
        for metric, labels, value in change.gauges:
            gauges[metric, labels] = value

    def arrived(self, fact: Any, series: tuple[MetricSpec, tuple[str, ...]], value: float) -> None:
        """Count an event's arrival (``monitor.live.arrival_series``: its ``kcc_events`` fact and last-event gauge
        series, set to ``value``) in what :meth:`publish` will apply."""
        self._facts[fact] = self._facts.get(fact, 0) + 1
        self._gauges[series] = value

    def add_facts(self, facts: Facts) -> None:
        """Add counter increments and histogram observations (``monitor.live.settle``'s delta) to what
        :meth:`publish` will apply."""
        collected = self._facts
        for fact, count in facts.items():
            collected[fact] = collected.get(fact, 0) + count

    def publish(self) -> None:
        """Apply everything :meth:`add` collected to the registry (the agent calls it after each batch)."""
        if self._facts:
            facts, self._facts = self._facts, {}
            self.apply_facts(facts)
        if self._gauges:
            gauges, self._gauges = self._gauges, {}
            self.set_gauges((metric, labels, value) for (metric, labels), value in gauges.items())

    def _child(self, metric: MetricSpec, labels: tuple[str, ...]) -> Any:
        key = (metric.name, labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = self._handles[metric.name].labels(*labels)
        return child

    def apply_facts(self, facts: Facts | dict[Any, int]) -> None:
        """Add ``monitor.live`` facts: ``inc`` a counter / ``observe`` a histogram, ``count`` times each."""
        children = self._children
        for (metric, labels, op, value), count in facts.items():
            child = children.get((metric.name, labels)) or self._child(metric, labels)
            if op == "inc":
                child.inc(value * count)
            else:
                for _ in range(count):
                    child.observe(value)

    def set_gauges(self, gauges: Iterable[GaugeValue]) -> None:
        """Set gauges ``(metric, label values, value)``."""
        children = self._children
        for metric, labels, value in gauges:
            (children.get((metric.name, labels)) or self._child(metric, labels)).set(value)

    def precreate(self, config: Config) -> int:
        """Create every counter and histogram series whose labels configuration bounds, at 0, so
        Prometheus sees a series before its first event and ``increase()`` counts that event;
        returns the number of label sets created."""
        from monitor.live import configured_label_sets

        created = 0
        for metric, labels in configured_label_sets(config):
            self._child(metric, labels)
            created += 1
        return created

    def event_delays(self, delays: Iterable[float]) -> None:
        """Observe seconds from each message's Kafka timestamp to now (its change applied), an agent's batch at
        once (:func:`observe_all`)."""
        observe_all(self._handles[spec.EVENT_DELAY.name], delays)

    def dead_letter(self, topic: str, reason: str) -> None:
        self._handles[spec.DEAD_LETTERS.name].labels(topic=topic, reason=reason).inc()

    def orphan_dropped(self, municipality: str, kind: str) -> None:
        self._handles[spec.ORPHANS_DROPPED.name].labels(municipality=municipality, kind=kind).inc()

    def dead_letter_send_failed(self, topic: str) -> None:
        self._handles[spec.DEAD_LETTER_SEND_FAILURES.name].labels(topic=topic).inc()

    def set_consumer_lag(self, lag: dict[tuple[str, int], int]) -> None:
        """Replace ``kcc_consumer_lag_messages`` with ``(topic, partition) → messages behind``;
        partitions no longer assigned disappear."""
        gauge = self._handles[spec.CONSUMER_LAG.name]
        gauge.clear()
        for (topic, partition), behind in lag.items():
            gauge.labels(topic=topic, partition=str(partition)).set(behind)

    def exposition(self) -> bytes:
        """The registry in the Prometheus text format."""
        return generate_latest(self.registry)

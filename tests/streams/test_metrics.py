"""``streams.metrics``: the worker's series from ``monitor.metricspec``, applying a ``monitor.live.Change``."""

from __future__ import annotations

from collections import Counter

from prometheus_client import CollectorRegistry

from monitor.live import apply
from monitor.metricspec import EVENT_DELAY
from streams.metrics import Metrics, observe_all
from tests.streams.unitkit import call

PHONE = {"municipality": "groningen", "line": "14050", "queue": "algemeen"}


def _metrics(config) -> Metrics:
    return Metrics.create(CollectorRegistry(), config)


def test_configured_series_exist_at_zero_before_any_event(config) -> None:
    metrics = _metrics(config)
    assert metrics.registry.get_sample_value("kcc_calls_offered_total", PHONE) is None
    assert metrics.precreate(config) > 100
    assert metrics.registry.get_sample_value("kcc_calls_offered_total", PHONE) == 0.0
    assert metrics.registry.get_sample_value(
        "kcc_events_duplicate_total", {"municipality": "groningen", "type": "call.offered", "cause": "redelivery"}) == 0


def test_a_change_increments_counters_observes_histograms_and_sets_gauges(config) -> None:
    metrics = _metrics(config)
    m = config["groningen"]
    offered = apply(None, Counter(), call("call.offered"), m, 5_000_000)
    answered = apply(offered.record, offered.counted, call("call.answered", 1, wait_seconds=31), m, 6_000_000)
    metrics.add(offered)
    metrics.add(answered)
    metrics.publish()
    get = metrics.registry.get_sample_value
    assert get("kcc_calls_offered_total", PHONE) == 1
    assert get("kcc_calls_answered_total", PHONE) == 1
    assert get("kcc_calls_answered_within_service_level_total", PHONE) is None  # 31 s > 30 s
    assert get("kcc_call_wait_seconds_bucket", {**PHONE, "le": "30.0"}) == 0
    assert get("kcc_call_wait_seconds_count", PHONE) == 1
    assert get("kcc_last_event_timestamp_seconds", {"municipality": "groningen", "family": "call"}) == 6.0


def test_dead_letters_count_by_topic_and_reason(config) -> None:
    metrics = _metrics(config)
    metrics.dead_letter("kcc.events.call", "invalid_json")
    metrics.dead_letter("kcc.events.call", "invalid_json")
    assert metrics.registry.get_sample_value(
        "kcc_dead_letters_total", {"topic": "kcc.events.call", "reason": "invalid_json"}) == 2


def test_consumer_lag_of_a_partition_no_longer_assigned_disappears(config) -> None:
    metrics = _metrics(config)
    metrics.set_consumer_lag({("kcc.events.call", 0): 5, ("kcc.events.call", 1): 7})
    metrics.set_consumer_lag({("kcc.events.call", 1): 2})
    get = metrics.registry.get_sample_value
    assert get("kcc_consumer_lag_messages", {"topic": "kcc.events.call", "partition": "0"}) is None
    assert get("kcc_consumer_lag_messages", {"topic": "kcc.events.call", "partition": "1"}) == 2


def test_exposition_is_the_text_format(config) -> None:
    metrics = _metrics(config)
    metrics.precreate(config)
    text = metrics.exposition().decode()
    assert "# TYPE kcc_calls_offered_total counter" in text
    assert 'kcc_calls_offered_total{line="14050",municipality="groningen",queue="algemeen"} 0.0' in text
    assert "_created" not in text  # they would double the series Prometheus stores


def test_event_delays_land_in_the_latency_histogram_with_buckets_fine_below_one_second(config) -> None:
    metrics = _metrics(config)
    metrics.event_delays([0.04, 0.15, 0.8, 42.0])
    get = metrics.registry.get_sample_value
    assert get("kcc_event_delay_seconds_bucket", {"le": "0.05"}) == 1
    assert get("kcc_event_delay_seconds_bucket", {"le": "0.2"}) == 2
    assert get("kcc_event_delay_seconds_bucket", {"le": "1.0"}) == 3
    assert get("kcc_event_delay_seconds_count", {}) == 4


def test_observing_a_batch_at_once_is_observing_each_amount(config) -> None:
    amounts = [0.0, 0.05, 0.0500001, 0.2, 1.0, 7.5, 1e9]
    one_by_one, at_once = _metrics(config).handle(EVENT_DELAY), _metrics(config).handle(EVENT_DELAY)
    for amount in amounts:
        one_by_one.observe(amount)
    observe_all(at_once, amounts)
    observe_all(at_once, [])
    assert _samples(at_once) == _samples(one_by_one)


def _samples(histogram) -> dict:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for metric in histogram.collect() for s in metric.samples}


def test_a_batch_of_changes_reaches_the_registry_summed_when_published(config) -> None:
    metrics = _metrics(config)
    m = config["groningen"]
    first = apply(None, Counter(), call("call.offered"), m, 5_000_000)
    second = apply(None, Counter(), call("call.offered", call_id="c2"), m, 7_000_000)
    metrics.add(first)
    metrics.add(second)
    get = metrics.registry.get_sample_value
    assert get("kcc_calls_offered_total", PHONE) is None
    metrics.publish()
    assert get("kcc_calls_offered_total", PHONE) == 2
    assert get("kcc_last_event_timestamp_seconds", {"municipality": "groningen", "family": "call"}) == 7.0
    metrics.publish()
    assert get("kcc_calls_offered_total", PHONE) == 2

"""Hostile input, generated (issue 10): over 10,000 messages from Hypothesis strategies — bytes that are
not JSON, JSON that is not an object, simulated events with a field of the wrong type, an unknown field,
a field missing, an unknown municipality, queue or location, a naive or out-of-range timestamp, strings
and keys of tens of kilobytes, no key at all, valid events on another family's topic — interleaved with
a simulated day, produced into the real broker and consumed by one real worker.

Expected, per message, from the event contract (``monitor.events.parse_event`` decides what is valid):
every invalid one is in the dead-letter topic, at its own topic/partition/offset, with the contract's
reason; every valid one is counted (``kcc_events_total`` + ``kcc_events_duplicate_total``) and the report
from the stream equals the offline report of the valid lines; the worker process never restarted and
logged no traceback; every label value on ``/metrics`` is configured, ``other`` or from a closed
vocabulary, so the number of series is bounded whatever the input.

Generation is deterministic (``derandomize=True``): Hypothesis draws chunks of :data:`CHUNK` messages,
:data:`CHUNKS` times; nothing is shrunk (the test of the worker is the assertions below, not a property
Hypothesis could replay per example).
"""

from __future__ import annotations

import base64
import json
import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from monitor.config import load_config
from monitor.events import EVENT_TYPES, FAMILIES, InvalidEvent, family, parse_event
from streams.deadletter import DEAD_LETTER_REASONS
from tests.support import wait_until
from tests.plugins.faults import assert_reports_equal, cli, counted_events, read_lines

pytestmark = pytest.mark.integration

CHUNK = 100
CHUNKS = 105
"""Hypothesis examples of :data:`CHUNK` messages each: 10,500 hostile messages."""
ITEM_FIELDS = ("call_id", "callback_id", "visit_id", "letter_id", "survey_id", "transaction_id")
LABEL_FIELDS = ("queue", "line", "location", "department", "product", "channel", "visit_type", "outcome")
BAD_TIMES = ("2026-04-07T10:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
             "1999-12-31T23:59:59+00:00", "2101-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "gisteren", "")
AS_OF = "2026-09-01"


@dataclass(frozen=True)
class Message:
    family: str
    """The family whose topic it is produced to."""
    key: bytes | None
    value: bytes


SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=8)
HUGE_TEXT = st.builds(lambda char, n: char * n, st.sampled_from(["é", "x", "\u2603", "\\", '"', "\x00"]),
                      st.integers(1_000, 60_000))
"""Strings of one to sixty thousand characters (up to 180 KB as UTF-8)."""
BAD_TS = st.sampled_from(BAD_TIMES) | st.datetimes().map(lambda t: t.isoformat())
SOME_TYPE = st.sampled_from(sorted(EVENT_TYPES)) | st.text(max_size=20)


def _mutated(templates: list[dict]) -> st.SearchStrategy:
    """A simulated event with one thing wrong (or, for labels, merely unknown: still valid)."""
    field_names = sorted({name for t in templates for name in t})

    @st.composite
    def mutate(draw: Any) -> dict:
        body = dict(draw(st.sampled_from(templates)))
        what = draw(st.sampled_from(range(100)))
        if what < 2:
            body[draw(st.sampled_from([*field_names, "type", "event_id"]))] = draw(HUGE_TEXT)
        elif what < 3:
            body[draw(HUGE_TEXT)] = 1
        elif what < 20:
            body[draw(st.sampled_from(sorted(body)))] = draw(JSON_VALUES)
        elif what < 35:
            body[draw(st.text(min_size=1, max_size=20))] = draw(SCALARS)
        elif what < 45:
            del body[draw(st.sampled_from(sorted(body)))]
        elif what < 55:
            body["municipality"] = draw(st.text(max_size=20))
        elif what < 75:
            name = draw(st.sampled_from(LABEL_FIELDS))
            if name in body:
                body[name] = draw(st.text(min_size=1, max_size=30))
        elif what < 90:
            body["ts"] = draw(BAD_TS)
        else:
            body["type"] = draw(SOME_TYPE)
        return body

    return mutate()


def _messages(templates: list[dict]) -> st.SearchStrategy:
    values = st.one_of(
        st.binary(max_size=64),
        st.just(b""),
        st.text(max_size=40).map(lambda s: ("{" + s).encode()),
        JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(lambda v: json.dumps(v).encode()),
        st.tuples(_mutated(templates), st.booleans()),
        st.tuples(_mutated(templates), st.booleans()),
        st.tuples(_mutated(templates), st.booleans()),
    )
    keys = st.one_of(st.none(), st.binary(min_size=1, max_size=40),
                     st.sampled_from(range(100)).map(lambda n: b"k" * 20_000 if n == 0 else None))
    return st.builds(lambda fam, key, value: (fam, key, value), st.sampled_from(FAMILIES), keys, values)


def generate(templates: list[dict]) -> list[Message]:
    """:data:`CHUNKS` × :data:`CHUNK` messages; a mutated event gets ids of its own (``h<n>``) so it never
    joins a simulated item or repeats an event id."""
    drawn: list[tuple] = []

    @settings(max_examples=CHUNKS, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.lists(_messages(templates), min_size=CHUNK, max_size=CHUNK))
    def collect(chunk: list[tuple]) -> None:
        drawn.extend(chunk)

    collect()
    messages = []
    for n, (fam, key, value) in enumerate(drawn):
        if isinstance(value, tuple):
            body, ascii_only = value
            body = {name: (f"h{n}" if name in ("event_id", *ITEM_FIELDS) and isinstance(v, str) and len(v) < 100
                           else v) for name, v in body.items()}
            value = json.dumps(body, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
        messages.append(Message(fam, key, value))
    return messages


def expected_reason(message: Message, municipalities: frozenset[str]) -> str | None:
    """The dead-letter reason the contract gives ``message``, or None for a valid event on its own topic."""
    try:
        event = parse_event(message.value, municipalities)
    except InvalidEvent as exc:
        return exc.reason
    return None if family(event.type) == message.family else "wrong_topic"


def test_ten_thousand_generated_hostile_messages_crash_nothing_and_each_is_a_dead_letter_or_counted(
        kafka_broker, start_worker, tmp_path: Path) -> None:
    began = time.monotonic()
    laps: dict[str, float] = {}

    def lap(name: str) -> None:
        laps[name] = round(time.monotonic() - began - sum(laps.values()), 1)

    config = load_config()
    slugs = frozenset(config.slugs)
    day = tmp_path / "day.jsonl"
    cli("simulate", "--municipality", "groningen", "--start", "2026-04-07", "--days", "1", "--seed", "13",
        "--volume", "0.05", "--out", str(day))
    simulated = read_lines(day)
    templates = [json.loads(line) for line in simulated[::7]]
    hostile = generate(templates)
    assert len(hostile) >= 10_000
    lap("generate")
    reasons = [expected_reason(m, slugs) for m in hostile]
    valid_generated = [m.value for m, r in zip(hostile, reasons) if r is None]
    bad = Counter(r for r in reasons if r is not None)
    assert set(bad) >= {"invalid_json", "not_an_object", "unknown_field", "missing_field", "invalid_value",
                        "naive_timestamp", "timestamp_out_of_range", "unknown_municipality", "unknown_type",
                        "wrong_topic"}, bad
    valid_file = tmp_path / "valid.jsonl"
    valid_file.write_bytes(b"\n".join([*simulated, *valid_generated]) + b"\n")

    from streams.publish import route_line

    worker = start_worker()
    pid = worker.process.pid
    settings_ = _worker_settings(worker.env)
    stream = [Message(family(json.loads(raw)["type"]), route_line(raw, settings_).key.encode(), raw)
              for raw in simulated] + hostile
    random.Random(7).shuffle(stream)
    producer = kafka_broker.producer()
    try:
        futures = [producer.send(worker.topic(m.family), key=m.key, value=m.value) for m in stream]
        producer.flush(timeout=120)
        where = {}
        for message, future in zip(stream, futures):
            meta = future.get(timeout=30)
            where[(meta.topic, meta.partition, meta.offset)] = message
    finally:
        producer.close()
    lap("start worker and produce")

    dead_count = sum(bad.values())
    wait_until(lambda: _total(worker, "kcc_dead_letters_total") >= dead_count, timeout=300,
               what=f"{dead_count} dead letters", interval=1)
    valid_count = len(simulated) + len(valid_generated)
    wait_until(lambda: sum(counted_events(worker)) >= valid_count, timeout=120,
               what=f"{valid_count} valid events counted", interval=1)

    lap("consume")
    # 0 crashes: the same process, no traceback, no internal error.
    assert worker.process.poll() is None and worker.process.pid == pid
    assert "Traceback" not in worker.log()
    # Every bad message in the dead-letter topic, at its own place, with the contract's reason.
    records = [json.loads(r.value) for r in kafka_broker.read(worker.dead_letter_topic, dead_count, timeout=120)]
    assert len(records) == dead_count
    got = {}
    for record in records:
        origin = where[(record["topic"], record["partition"], record["offset"])]
        assert record["original_size"] == len(origin.value)
        assert origin.value.startswith(base64.b64decode(record["original_base64"]))
        assert len(record["detail"]) <= 1024
        got[(record["topic"], record["partition"], record["offset"])] = record["reason"]
    expected = {place: expected_reason(m, slugs) for place, m in where.items()}
    assert got == {place: reason for place, reason in expected.items() if reason is not None}
    assert _total(worker, "kcc_dead_letters_total") == dead_count
    # Every valid one counted once, as an event or a duplicate.
    assert sum(counted_events(worker)) == valid_count
    # Bounded series: every label value is configured, "other", or from a closed vocabulary.
    series = list(worker.samples())
    unbounded = _unbounded_labels(series, config, worker.prefix)
    assert not unbounded, unbounded[:20]
    worker.stop()
    rows = assert_reports_equal(valid_file, worker.env, ["groningen"], "2026-04", AS_OF)
    lap("check")
    print(f"{len(hostile)} hostile messages ({dict(bad)}), {valid_count} valid; {len(series)} series; "
          f"{rows} report rows equal; seconds {laps}")


def _worker_settings(env: dict[str, str]) -> Any:
    from monitor.settings import KafkaSettings, Settings

    return Settings(kafka=KafkaSettings(bootstrap_servers=env["KCC_KAFKA__BOOTSTRAP_SERVERS"]),
                    topic_prefix=env["KCC_TOPIC_PREFIX"], app_id=env["KCC_APP_ID"])


def _total(worker: Any, name: str) -> float:
    return sum(v for (sample, _), v in worker.samples().items() if sample == name)


def _unbounded_labels(series: list[tuple[str, frozenset]], config: Any, prefix: str) -> list[str]:
    """Label values outside the configured label sets, ``other`` and the closed vocabularies."""
    from monitor import metricspec
    from monitor.live import configured_label_sets

    allowed: dict[tuple[str, str], set[str]] = {}
    by_label: dict[str, set[str]] = {"queue": {"other"}}
    for spec, values in configured_label_sets(config):
        for label, value in zip(spec.labels, values):
            allowed.setdefault((spec.name, label), {"other"}).add(value)
            by_label.setdefault(label, {"other"}).add(value)
    for municipality in config.municipalities.values():  # the queue gauges name phone queues and locations
        by_label["queue"].update(municipality.queues, municipality.locations)
    slugs = set(config.slugs)
    closed = {"municipality": slugs, "type": set(EVENT_TYPES), "cause": {"source", "redelivery", "compacted"},
              "reason": set(DEAD_LETTER_REASONS), "family": set(FAMILIES), "period": {"day", "month"},
              "partition": {str(p) for p in range(64)}, "working_days": {"1", "2"}, "le": None, "quantile": None}
    names = {spec.series: spec.name for spec in metricspec.ALL} | {spec.name: spec.name for spec in metricspec.ALL}
    problems = []
    for sample, labels in series:
        base = next((names[n] for n in (sample, sample.removesuffix("_bucket"), sample.removesuffix("_count"),
                                        sample.removesuffix("_sum"), sample.removesuffix("_created")) if n in names),
                    None)
        if base is None:
            continue  # the client library's own process and platform metrics
        for label, value in labels:
            if (base, label) in allowed:
                ok = value in allowed[(base, label)]
            elif label in by_label and label != "municipality":
                ok = value in by_label[label]
            elif label == "topic":
                ok = value.startswith(f"{prefix}.")
            elif label in closed:
                ok = closed[label] is None or value in closed[label]
            else:
                ok = False
            if not ok:
                problems.append(f"{sample}{{{label}={value[:40]!r}}}")
    return problems

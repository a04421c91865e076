"""The report from the live system's durable state: hand-written changelog messages in a real broker.

The messages are what a Faust worker writes (JSON string keys, JSON values,
tombstones with value None), produced with kafka-python to a real Kafka. They
include an overwritten key, a tombstone, and a ``daily`` key whose sum is split
over two partitions (Faust writes a table key to the partition of the event that
changed it).
"""

from __future__ import annotations

import json
import time
import pytest

from monitor.aggregates import Aggregates
from monitor.indicators import contributions, is_final
from monitor.indicators.base import local_day
from monitor.periods import parse_period
from monitor.records import RecordStore
from monitor.report import build_report
from monitor.settings import Settings
from monitor.sources import StreamSource
from streams.changelog import (ChangelogUnavailable, changelog_topic, decode_key, read_tables,
                               stream_source)
from streams.topics import create_topics
from tests.events import call, event
from tests.monitor.reportkit import at, source

pytestmark = pytest.mark.integration

PARTITIONS = 3
AS_OF = at("2026-06-01T00:00:00+02:00")
FINISHED_AT = at("2026-04-29T12:00:00+02:00")
"""When the 'worker' compacted the finished items into ``daily``: the open items are the ones
not final then (a callback still open, a call without its end, a visit still waiting)."""


def _events() -> list:
    visit = {"visit_id": "b1", "location": "kreupelstraat"}
    waiting = {"visit_id": "b2", "location": "haren"}
    events = (
        call("k1", "2026-04-07T09:00:00+02:00", answered=("2026-04-07T09:00:20+02:00", 20),
             ended=("2026-04-07T09:03:00+02:00", "resolved"))
        + call("k2", "2026-04-07T10:00:00+02:00", answered=("2026-04-07T10:00:50+02:00", 50),
               ended=("2026-04-07T10:04:00+02:00", "transferred"))
        + call("k3", "2026-04-08T11:00:00+02:00", abandoned=("2026-04-08T11:00:03+02:00", 3))
        + call("k4", "2026-04-21T11:00:00+02:00", abandoned=("2026-04-21T11:01:00+02:00", 60))
        + call("k5", "2026-04-28T16:00:00+02:00", answered=("2026-04-28T16:00:10+02:00", 10))
        + call("k6", "2026-04-07T16:00:00+02:00", answered=("2026-04-07T16:00:40+02:00", 40),
               ended=("2026-04-07T16:02:00+02:00", "resolved"), queue="belastingen")
        + [event("visit.checked_in", "2026-04-07T13:58:00+02:00", visit_type="appointment",
                 appointment_at="2026-04-07T14:00:00+02:00", **visit),
           event("visit.called", "2026-04-07T14:04:30+02:00", visit_type="appointment", **visit),
           event("visit.checked_in", "2026-04-29T11:00:00+02:00", visit_type="walk_in", **waiting),
           event("visit.called", "2026-04-29T13:00:00+02:00", visit_type="walk_in", **waiting),
           event("callback.requested", "2026-04-24T15:00:00+02:00", callback_id="t1", department="afval"),
           event("callback.completed", "2026-04-28T14:00:00+02:00", callback_id="t1", department="afval"),
           event("callback.requested", "2026-04-28T15:00:00+02:00", callback_id="t2", department="afval"),
           event("callback.completed", "2026-04-30T10:00:00+02:00", callback_id="t2", department="afval"),
           event("survey.answered", "2026-04-09T12:00:00+02:00", survey_id="s1", channel="website", score=8),
           event("digital.completed", "2026-04-08T20:00:00+02:00", transaction_id="d1", product="uittreksel"),
           event("digital.completed", "2026-04-30T20:00:00+02:00", transaction_id="d2", product="uittreksel")])
    return events


# ---------------------------------------------------------------- the broker

_APPS = iter(range(1, 1000))


@pytest.fixture
def settings(kafka_broker, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings of a fresh app id on the test broker (also in the environment, for the CLI)."""
    app_id = f"kcc-test-changelog-{next(_APPS)}-{time.monotonic_ns()}"
    monkeypatch.setenv("KCC_KAFKA__BOOTSTRAP_SERVERS", kafka_broker.bootstrap)
    monkeypatch.setenv("KCC_APP_ID", app_id)
    return Settings()


def _create_topics(settings: Settings) -> None:
    create_topics(settings, [changelog_topic(settings.app_id, table) for table in ("records", "daily")],
                  partitions=PARTITIONS, configs={"cleanup.policy": "compact"})


def _produce(settings: Settings, messages: list[tuple[str, int, str, object]]) -> None:
    """``(table, partition, key, value)`` as Faust writes them: JSON key, JSON value, None = tombstone."""
    from kafka import KafkaProducer

    producer = KafkaProducer(**settings.kafka_python_kwargs())
    try:
        for table, partition, key, value in messages:
            producer.send(changelog_topic(settings.app_id, table), partition=partition,
                          key=json.dumps(key).encode(),
                          value=None if value is None else json.dumps(value).encode())
        producer.flush()
    finally:
        producer.close()


def _worker_messages(events: list, config, municipality: str = "groningen"
                     ) -> tuple[list[tuple[str, int, str, object]], dict, Aggregates]:
    """The changelog a worker would have written for ``events``: every record as it grew (so keys are
    overwritten), then finished items folded into ``daily`` and their records deleted (tombstones).
    Returns the messages, the open records and the finished items' aggregates expected back."""
    m = config[municipality]
    store = RecordStore()
    messages: list[tuple[str, int, str, object]] = []
    partition_of: dict[str, int] = {}
    for e in events:
        record = store.add(e)
        key = "|".join(record.key)
        partition_of.setdefault(key, len(partition_of) % PARTITIONS)
        messages.append(("records", partition_of[key], key, {"record": record.to_json(), "updated": 1}))
    finished = Aggregates()
    daily: dict[tuple[int, str], Aggregates] = {}
    open_records = {}
    for key_tuple, record in store.items():
        key = "|".join(key_tuple)
        if not is_final(record, m, FINISHED_AT):
            open_records[key_tuple] = record
            continue
        partition = partition_of[key]
        day = local_day(record.origin_us, m)
        cells = daily.setdefault((partition, f"{municipality}|{day.isoformat()}"), Aggregates())
        cells.add_all(contributions(record, m, FINISHED_AT))
        finished.add_all(contributions(record, m, FINISHED_AT))
        # the worker writes the growing day sum (an overwrite of the key), then deletes the record
        messages.append(("daily", partition, f"{municipality}|{day.isoformat()}", cells.to_json()))
        messages.append(("records", partition, key, None))
    return messages, open_records, finished


# ---------------------------------------------------------------- tests

def test_stream_source_holds_exactly_the_latest_records_and_the_summed_daily_aggregates(settings, config):
    events = _events()
    messages, open_records, finished = _worker_messages(events, config)
    assert sum(1 for m in messages if m[3] is None) >= 5, "the data must contain tombstones"
    daily_keys = [(p, k) for t, p, k, _ in messages if t == "daily"]
    assert len(daily_keys) > len(set(daily_keys)), "the data must overwrite a daily key"
    assert len({k for _, k in daily_keys}) < len(set(daily_keys)), "a daily key must be split over partitions"
    _create_topics(settings)
    _produce(settings, messages)

    stream = stream_source(config, settings)

    april = parse_period("2026-04", config["groningen"].tz)
    got = {r.key: r.to_json() for r in stream.records("groningen", april.first_day, april.end_day)}
    assert got == {key: r.to_json() for key, r in open_records.items()}
    assert len(got) == 4  # k5 (no end), b2 (waiting), t2 (open before its completion), d2 (after FINISHED_AT)
    assert stream.aggregates("groningen", april.first_day, april.end_day, AS_OF).cells == finished.cells
    assert stream.aggregates("amersfoort", april.first_day, april.end_day, AS_OF) is None


def test_report_from_the_stream_equals_the_report_from_the_same_events_in_a_file(settings, config):
    events = _events()
    messages, _, _ = _worker_messages(events, config)
    _create_topics(settings)
    _produce(settings, messages)
    stream = stream_source(config, settings)
    offline = source(events, config)
    tz = config["groningen"].tz
    for period in ("2026-04", "2026-04-07", "2026-W17", "2026-Q2"):
        expected = build_report(offline, "groningen", parse_period(period, tz), AS_OF)
        assert build_report(stream, "groningen", parse_period(period, tz), AS_OF) == expected, period


def test_report_command_from_stream_prints_the_same_json_as_from_the_event_file(settings, config, tmp_path,
                                                                                capsys):
    from kcc.cli import main
    from monitor.events import event_to_json

    events = _events()
    messages, _, _ = _worker_messages(events, config)
    _create_topics(settings)
    _produce(settings, messages)
    path = tmp_path / "events.jsonl"
    path.write_text("".join(event_to_json(e) + "\n" for e in events))
    args = ["--municipality", "groningen", "--period", "2026-04", "--as-of", "2026-06-01"]

    assert main(["report", "--events", str(path), *args]) == 0
    offline = json.loads(capsys.readouterr().out)
    assert main(["report", "--from-stream", *args]) == 0
    streamed = json.loads(capsys.readouterr().out)

    assert offline.pop("invalid_events") == 0
    assert streamed == offline


def test_missing_changelog_topics_are_named_in_the_error(settings, config):
    with pytest.raises(ChangelogUnavailable) as error:
        stream_source(config, settings)
    assert changelog_topic(settings.app_id, "records") in str(error.value)
    assert changelog_topic(settings.app_id, "daily") in str(error.value)
    assert "KCC_APP_ID" in str(error.value)


def test_export_command_exits_2_when_the_changelog_topics_do_not_exist(settings, tmp_path, capsys):
    from kcc.cli import main

    code = main(["export", "--from-stream", "--municipality", "groningen", "--period", "2026-04",
                 "--out", str(tmp_path / "x.csv"), "--no-progress"])
    assert code == 2
    assert changelog_topic(settings.app_id, "records") in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_messages_written_after_the_read_started_are_left_for_the_next_read(settings, config):
    """Reading stops at the end offsets taken when it starts: a busy worker cannot keep it going."""
    _create_topics(settings)
    _produce(settings, [("daily", 0, "groningen|2026-04-07", [])])
    first = read_tables(settings)
    _produce(settings, [("records", 1, "groningen|digital|d9", {"record": {
        "kind": "digital", "municipality": "groningen", "id": "d9",
        "completed": [1775800000000000, "uittreksel"]}, "updated": 2})])
    second = read_tables(settings)
    assert first["records"] == [] and len(first["daily"]) == 1
    assert [key for key, _ in second["records"]] == ["groningen|digital|d9"]


def test_keys_are_read_as_faust_json_strings_or_as_raw_text():
    assert decode_key(b'"groningen|call|k1"') == "groningen|call|k1"
    assert decode_key(b"groningen|2026-04-07") == "groningen|2026-04-07"
    assert decode_key(None) is None


def test_stream_source_skips_tombstones_and_unknown_municipalities(config):
    record = {"kind": "digital", "municipality": "atlantis", "id": "d1", "completed": [1775800000000000, "x"]}
    stream = StreamSource(config, [("atlantis|digital|d1", {"record": record}), ("groningen|digital|d2", None),
                                   ("groningen|digital|d3", b"null"), ("groningen|digital|d4", b"")],
                          [("groningen|2026-04-07", None)])
    assert stream.record_count == 0 and stream.aggregate_cells == 0 and stream.skipped == 1

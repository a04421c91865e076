"""The event file source: valid lines become records, invalid lines are listed and skipped."""

from __future__ import annotations

from datetime import date

from monitor.events import event_to_json
from monitor.sources import EventFileSource, InvalidLine, ReportSource
from tests.events import call, event

T = "2026-04-07T09:00:00+02:00"


def test_invalid_lines_are_listed_with_number_and_reason_and_do_not_stop_reading(tmp_path, config):
    good = call("k1", T, answered=("2026-04-07T09:00:40+02:00", 40))
    lines = [
        event_to_json(good[0]),
        "{not json",
        "",
        event_to_json(good[1]),
        '{"event_id":"x","type":"call.offered","ts":"2026-04-07T09:00:00","municipality":"groningen",'
        '"call_id":"k9","line":"14050","queue":"algemeen"}',
        event_to_json(event("digital.completed", T, municipality="groningen", transaction_id="d1",
                            product="uittreksel")).replace("groningen", "atlantis"),
        event_to_json(call("k2", T, municipality="nijmegen", line="14024", queue="inkomen")[0]),
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    source = EventFileSource(path, config)
    assert [(i.line, i.reason) for i in source.invalid] == [
        (2, "invalid_json"), (5, "naive_timestamp"), (6, "unknown_municipality")]
    assert str(source.invalid[0]).startswith("line 2: invalid_json: ")
    assert isinstance(source.invalid[0], InvalidLine)
    assert source.events == 3
    [record] = source.records("groningen", date(2026, 4, 1), date(2026, 5, 1))
    assert record.answered is not None
    assert len(list(source.records("nijmegen", date(2026, 4, 1), date(2026, 5, 1)))) == 1


def test_records_are_selected_by_the_local_day_of_their_originating_event(tmp_path, config):
    events = (call("late", "2026-10-31T23:30:00Z") + call("early", "2026-10-31T22:59:59Z")
              + [event("call.answered", T, call_id="orphan", line="14050", queue="algemeen", wait_seconds=3)])
    path = tmp_path / "e.jsonl"
    path.write_text("".join(event_to_json(e) + "\n" for e in events))
    source = EventFileSource(path, config)
    october = [r.item_id for r in source.records("groningen", date(2026, 10, 1), date(2026, 11, 1))]
    november = [r.item_id for r in source.records("groningen", date(2026, 11, 1), date(2026, 12, 1))]
    assert (october, november) == (["early"], ["late"])
    assert source.record_count == 3  # the orphan answer waits for its offer, in no period


def test_a_municipality_filter_keeps_only_those_records(tmp_path, config):
    events = call("k1", T) + call("k2", T, municipality="nijmegen", line="14024", queue="inkomen")
    path = tmp_path / "e.jsonl"
    path.write_text("".join(event_to_json(e) + "\n" for e in events))
    source = EventFileSource(path, config, municipalities={"nijmegen"})
    assert isinstance(source, ReportSource)
    assert source.record_count == 1 and source.events == 2
    assert source.aggregates("nijmegen", date(2026, 4, 1), date(2026, 5, 1), None) is None


def test_timestamps_outside_the_contract_years_are_named_lines_and_reading_goes_on(tmp_path, config):
    good = call("k1", T)
    bad = [event_to_json(good[0]).replace("2026-04-07T09:00:00+02:00", ts).replace('"k1"', '"k9"')
           for ts in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00")]
    assert all('"k9"' in line and "2026" not in line for line in bad)
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join([*bad, event_to_json(good[0])]) + "\n")
    source = EventFileSource(path, config)
    assert [(i.line, i.reason) for i in source.invalid] == [(1, "timestamp_out_of_range"),
                                                            (2, "timestamp_out_of_range")]
    assert "year 1 " in str(source.invalid[0]) and "year 9999 " in str(source.invalid[1])
    assert source.events == 1 and source.record_count == 1

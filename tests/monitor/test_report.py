"""The report: KPIS.md "Report rows" shape, row order, norms (seasonal, previous year, none), no data."""

from __future__ import annotations

import csv
import io
import json

from monitor.config import INDICATORS
from monitor.periods import parse_period
from monitor.report import build_report, render
from reportkit import at, call, event, source

ROW_KEYS = {"id", "scope", "unit", "value", "n", "hits", "pending", "norm", "status", "provisional"}


def _rows(report, indicator):
    return {tuple(r["scope"].items()): r for r in report["indicators"] if r["id"] == indicator}


def _report(events, config, municipality, period, as_of="2027-01-15T00:00:00+01:00"):
    return build_report(source(events, config), municipality, parse_period(period), at(as_of))


def _walk_ins(day: str, total: int, within: int) -> list:
    events = []
    for i in range(total):
        common = {"visit_id": f"w{day}-{i}", "location": "stadhuis", "municipality": "amersfoort"}
        wait = "10:10:00" if i < within else "10:10:01"
        events.append(event("visit.checked_in", f"{day}T10:00:00+02:00", visit_type="walk_in", **common))
        events.append(event("visit.called", f"{day}T{wait}+02:00", visit_type="walk_in", **common))
    return events


def test_report_has_the_kpis_json_shape_and_a_deterministic_row_order(config):
    events = (call("k1", "2026-04-07T09:00:00+02:00", answered=("2026-04-07T09:00:20+02:00", 20),
                   line="14033", queue="algemeen", municipality="amersfoort")
              + call("k2", "2026-04-07T09:00:00+02:00", abandoned=("2026-04-07T09:01:00+02:00", 60),
                     line="14033", queue="wijkteams", municipality="amersfoort"))
    report = _report(events, config, "amersfoort", "2026-04", as_of="2026-06-01T00:00:00+02:00")
    assert list(report) == ["municipality", "period", "as_of", "indicators"]
    assert report["municipality"] == "amersfoort"
    assert report["period"] == {"kind": "month", "label": "2026-04", "start": "2026-04-01T00:00:00+02:00",
                                "end": "2026-05-01T00:00:00+02:00"}
    assert report["as_of"] == "2026-06-01T00:00:00+02:00"
    assert all(set(r) == ROW_KEYS for r in report["indicators"])
    ids = [r["id"] for r in report["indicators"]]
    assert sorted(set(ids), key=INDICATORS.index) == list(dict.fromkeys(ids)) == list(INDICATORS)
    scopes = [r["scope"] for r in report["indicators"] if r["id"] == "bereikbaarheid"]
    assert scopes == [{}, {"line": "14033"}, {"queue": "algemeen"}, {"queue": "wijkteams"},
                      {"line": "14033", "queue": "algemeen"}, {"line": "14033", "queue": "wijkteams"}]
    line = _rows(report, "bereikbaarheid")[(("line", "14033"),)]
    assert (line["value"], line["n"], line["hits"], line["pending"]) == (0.5, 2, 1, 0)
    assert line["norm"]["op"] == ">=" and line["norm"]["target"] == 0.85
    assert line["status"] == "misses_norm" and line["provisional"] is False
    wait = _rows(report, "wachttijd_telefoon")[()]
    assert (wait["unit"], wait["value"], wait["n"], wait["hits"]) == ("seconds", 20, 1, None)
    contacts = _rows(report, "contacten")[(("channel", "phone"),)]
    assert (contacts["unit"], contacts["value"], contacts["n"], contacts["hits"]) == ("count", 2, 2, None)
    assert json.loads(render(report, "json")) == report
    assert _report(list(reversed(events)), config, "amersfoort", "2026-04",
                   as_of="2026-06-01T00:00:00+02:00") == report


def test_no_data_gives_one_row_per_indicator_with_null_value_and_status_no_data(config):
    report = _report([], config, "groningen", "2026-04")
    assert [r["id"] for r in report["indicators"]] == list(INDICATORS)
    for r in report["indicators"]:
        assert (r["scope"], r["value"], r["n"], r["pending"], r["status"], r["provisional"]) == (
            {}, None, 0, 0, "no_data", False)


def test_amersfoort_walk_in_norm_is_90_percent_in_may_and_93_percent_in_march(config):
    events = _walk_ins("2026-05-12", 100, 91) + _walk_ins("2026-03-10", 100, 91)
    may = _rows(_report(events, config, "amersfoort", "2026-05"), "balie_binnen_norm")
    march = _rows(_report(events, config, "amersfoort", "2026-03"), "balie_binnen_norm")
    for scope in [(("visit_type", "walk_in"),), (("visit_type", "walk_in"), ("location", "stadhuis"))]:
        assert (may[scope]["value"], may[scope]["n"], may[scope]["hits"]) == (0.91, 100, 91)
        assert (may[scope]["norm"]["target"], may[scope]["status"]) == (0.90, "meets_norm")
        assert (march[scope]["norm"]["target"], march[scope]["status"]) == (0.93, "misses_norm")
    assert may[()]["status"] == "no_norm"  # the norms name a visit type; the total has none


def test_hengelo_satisfaction_norm_compares_with_the_same_month_a_year_earlier(config):
    def answer(ts, channel, score):
        return event("survey.answered", ts, municipality="hengelo", survey_id=f"s-{ts[:10]}-{channel}",
                     channel=channel, score=score)
    events = [answer("2025-04-08T12:00:00+02:00", "phone", 7), answer("2026-04-08T12:00:00+02:00", "phone", 7.5),
              answer("2025-04-09T12:00:00+02:00", "website", 8), answer("2026-04-09T12:00:00+02:00", "website", 7)]
    rows = _rows(_report(events, config, "hengelo", "2026-04"), "klanttevredenheid")
    assert rows[(("channel", "phone"),)]["value"] == 7.5
    assert rows[(("channel", "phone"),)]["status"] == "meets_norm"
    assert rows[(("channel", "website"),)]["status"] == "misses_norm"
    assert rows[(("channel", "phone"),)]["norm"]["op"] == ">="


def test_nijmegen_has_no_norms(config):
    events = call("k1", "2026-04-07T09:00:00+02:00", answered=("2026-04-07T09:00:20+02:00", 20),
                  ended=("2026-04-07T09:03:00+02:00", "resolved"), line="14024", queue="inkomen",
                  municipality="nijmegen")
    report = _report(events, config, "nijmegen", "2026-04")
    direct = _rows(report, "direct_geholpen")[()]
    assert (direct["value"], direct["norm"], direct["status"]) == (1.0, None, "no_norm")
    assert {r["status"] for r in report["indicators"]} <= {"no_norm", "no_data"}


def test_an_open_callback_before_its_deadline_makes_the_row_provisional(config):
    events = [event("callback.requested", "2026-04-24T15:00:00+02:00", callback_id="t1", department="afval")]
    report = _report(events, config, "groningen", "2026-04", as_of="2026-04-27T12:00:00+02:00")
    row = _rows(report, "terugbellen_1_werkdag")[()]
    assert (row["value"], row["n"], row["pending"], row["provisional"], row["status"]) == (None, 0, 1, True, "no_data")


def test_an_item_at_half_past_eleven_utc_on_the_last_day_of_a_month_is_in_the_next_month(config):
    events = call("k1", "2026-10-31T23:30:00Z")
    october = _rows(_report(events, config, "groningen", "2026-10"), "contacten")[()]
    november = _rows(_report(events, config, "groningen", "2026-11"), "contacten")[()]
    assert (october["n"], november["n"]) == (0, 1)


def test_csv_and_table_renderings_carry_every_row(config):
    events = call("k1", "2026-04-07T09:00:00+02:00", answered=("2026-04-07T09:00:20+02:00", 20))
    report = _report(events, config, "groningen", "2026-04")
    parsed = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert len(parsed) == len(report["indicators"])
    first = next(r for r in parsed if r["indicator"] == "bereikbaarheid" and r["scope"] == "line=14050;queue=algemeen")
    assert (first["value"], first["n"], first["hits"], first["status"]) == ("1.0", "1", "1", "no_norm")
    table = render(report, "table")
    assert "Gemeente groningen" in table and "geen gegevens" in table and "–" in table
    body = [line for line in table.splitlines() if line.split(" ", 1)[0] in INDICATORS]
    assert len(body) == len(report["indicators"])
    assert "voorlopig" in table  # the answered call has not ended: direct_geholpen is pending

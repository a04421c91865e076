"""The report: KPIS.md "Report rows" shape, row order, norms (seasonal, previous year, none), no data."""

from __future__ import annotations

import csv
import io
import json

from monitor.indicators import REGISTRY
from monitor.periods import parse_period
from monitor.report import build_report, render
from tests.events import call, event
from tests.monitor.reportkit import at, source

ROW_KEYS = {"id", "scope", "unit", "value", "n", "hits", "pending", "norm", "status", "provisional"}


def _rows(report, indicator):
    """The JSON rows of one indicator by scope items (``report`` typed or already JSON)."""
    rows = report["indicators"] if isinstance(report, dict) else report.as_json()["indicators"]
    return {tuple(r["scope"].items()): r for r in rows if r["id"] == indicator}


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
    typed = _report(events, config, "amersfoort", "2026-04", as_of="2026-06-01T00:00:00+02:00")
    report = typed.as_json()
    assert list(report) == ["municipality", "period", "as_of", "indicators"]
    assert report["municipality"] == "amersfoort"
    assert report["period"] == {"kind": "month", "label": "2026-04", "start": "2026-04-01T00:00:00+02:00",
                                "end": "2026-05-01T00:00:00+02:00"}
    assert report["as_of"] == "2026-06-01T00:00:00+02:00"
    assert all(set(r) == ROW_KEYS for r in report["indicators"])
    ids = [r["id"] for r in report["indicators"]]
    assert sorted(set(ids), key=list(REGISTRY.ids()).index) == list(dict.fromkeys(ids)) == list(REGISTRY.ids())
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
    assert json.loads(render(typed, "json")) == report
    assert _report(list(reversed(events)), config, "amersfoort", "2026-04",
                   as_of="2026-06-01T00:00:00+02:00") == typed


def test_no_data_gives_one_row_per_indicator_with_null_value_and_status_no_data(config):
    report = _report([], config, "groningen", "2026-04")
    assert [r["id"] for r in report.as_json()["indicators"]] == list(REGISTRY.ids())
    for r in report.as_json()["indicators"]:
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
    assert {r["status"] for r in report.as_json()["indicators"]} <= {"no_norm", "no_data"}


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
    assert len(parsed) == len(report.as_json()["indicators"])
    first = next(r for r in parsed if r["indicator"] == "bereikbaarheid" and r["scope"] == "line=14050;queue=algemeen")
    assert (first["value"], first["n"], first["hits"], first["status"]) == ("1.0", "1", "1", "no_norm")
    table = render(report, "table")
    assert "Gemeente groningen" in table and "geen gegevens" in table and "–" in table
    body = [line for line in table.splitlines() if line.split(" ", 1)[0] in REGISTRY]
    assert len(body) == len(report.as_json()["indicators"])
    assert "voorlopig" in table  # the answered call has not ended: direct_geholpen is pending


def test_scoped_rows_follow_the_dimension_order_of_the_indicator(config):
    events = [event("letter.received", "2026-04-07T10:00:00+02:00", municipality="amersfoort", letter_id="l1",
                    channel="post", department="wijkteams", due_at="2026-04-20T17:00:00+02:00")]
    report = _report(events, config, "amersfoort", "2026-04")
    scopes = [r["scope"] for r in report.as_json()["indicators"] if r["id"] == "brieven_binnen_termijn"]
    assert scopes == [{}, {"channel": "post"}, {"department": "wijkteams"},
                      {"channel": "post", "department": "wijkteams"}]


def test_groningen_statuses_for_counter_waits_and_callbacks(config):
    visit = {"visit_id": "b1", "location": "kreupelstraat"}
    events = [event("visit.checked_in", "2026-04-07T13:58:00+02:00", visit_type="appointment",
                    appointment_at="2026-04-07T14:00:00+02:00", **visit),
              event("visit.called", "2026-04-07T14:04:30+02:00", visit_type="appointment", **visit)]
    for i, completed in enumerate(["2026-04-28T15:00:00+02:00", "2026-04-28T15:00:01+02:00"]):
        common = {"callback_id": f"t{i}", "department": "afval"}
        events += [event("callback.requested", "2026-04-24T15:00:00+02:00", **common),
                   event("callback.completed", completed, **common)]
    report = _report(events, config, "groningen", "2026-04", as_of="2026-05-15T00:00:00+02:00")
    wait = _rows(report, "wachttijd_balie")[(("visit_type", "appointment"),)]
    assert (wait["value"], wait["n"], wait["hits"], wait["norm"]["target"], wait["status"]) == (
        4.5, 1, None, 5, "meets_norm")
    callbacks = _rows(report, "terugbellen_1_werkdag")[()]
    assert (callbacks["value"], callbacks["n"], callbacks["hits"], callbacks["status"]) == (0.5, 2, 1, "misses_norm")
    assert _rows(report, "terugbellen_2_werkdagen")[()]["status"] == "meets_norm"


class _SplitSource:
    """A stream-like source: finished items pre-aggregated per day, open items as records."""

    def __init__(self, inner, as_of):
        from monitor.aggregates import Aggregates
        from monitor.indicators import contributions, is_final

        self.config = inner.config
        self._open, self._done = [], Aggregates()
        for record in inner.records("groningen", parse_period("2026").first_day, parse_period("2027").first_day):
            municipality = self.config["groningen"]
            if is_final(record, municipality, as_of):
                self._done.add_all(contributions(record, municipality, as_of))
            else:
                self._open.append(record)

    def records(self, municipality, first_day, end_day):
        from monitor.indicators.base import local_day
        return [r for r in self._open if first_day <= local_day(r.origin_us, self.config[municipality]) < end_day]

    def aggregates(self, municipality, first_day, end_day, as_of):
        return self._done


def test_pre_aggregated_finished_items_plus_open_records_give_the_same_report(config):
    events = (call("k1", "2026-04-07T09:00:00+02:00", answered=("2026-04-07T09:00:20+02:00", 20),
                   ended=("2026-04-07T09:03:00+02:00", "resolved"))
              + call("k2", "2026-04-07T09:00:00+02:00", answered=("2026-04-07T09:00:50+02:00", 50))
              + call("k3", "2026-04-30T23:00:00+02:00", abandoned=("2026-04-30T23:01:00+02:00", 60))
              + [event("callback.requested", "2026-04-24T15:00:00+02:00", callback_id="t1", department="afval"),
                 event("digital.completed", "2026-04-08T20:00:00+02:00", transaction_id="d1", product="uittreksel")])
    as_of = at("2026-04-27T12:00:00+02:00")
    plain = source(events, config)
    for period in ("2026-04", "2026-05", "2026"):
        expected = build_report(plain, "groningen", parse_period(period), as_of)
        assert build_report(_SplitSource(plain, as_of), "groningen", parse_period(period), as_of) == expected


def test_typed_rows_carry_the_norm_that_applied_and_the_previous_year_target(config):
    def answer(ts, score):
        return event("survey.answered", ts, municipality="hengelo", survey_id=f"s-{ts[:10]}", channel="phone",
                     score=score)
    report = _report([answer("2025-04-08T12:00:00+02:00", 7), answer("2026-04-08T12:00:00+02:00", 7.5)],
                     config, "hengelo", "2026-04")
    row = next(r for r in report.rows if r.id == "klanttevredenheid" and r.scope == (("channel", "phone"),))
    configured = next(n for n in config["hengelo"].norms if n.indicator == "klanttevredenheid")
    assert row.norm == configured  # the configuration's own Norm, not a copy of its words
    assert (row.target, row.value, row.status, row.unit) == (7.0, 7.5, "meets_norm", "grade")
    assert row.as_json()["norm"] == {"op": ">=", "target": 7.0, "compare": "previous_year",
                                     **({"label": configured.label} if configured.label else {})}


def test_seasonal_norm_applies_to_a_month_not_to_a_quarter_mixing_seasons(config):
    events = _walk_ins("2026-05-12", 10, 9)
    may = _report(events, config, "amersfoort", "2026-05")
    q2 = _report(events, config, "amersfoort", "2026-Q2")
    walk_in = (("visit_type", "walk_in"),)
    may_row = next(r for r in may.rows if r.id == "balie_binnen_norm" and r.scope == walk_in)
    q2_row = next(r for r in q2.rows if r.id == "balie_binnen_norm" and r.scope == walk_in)
    assert may_row.norm is not None and may_row.norm.months == [5, 6, 7, 8]
    assert (q2_row.norm, q2_row.target, q2_row.status) == (None, None, "no_norm")


def test_table_rendering_formats_numbers_as_the_export_does(config):
    events = call("k1", "2026-04-07T09:00:00+02:00", answered=("2026-04-07T09:00:42+02:00", 42))
    table = render(_report(events, config, "groningen", "2026-04"), "table")
    line = next(line for line in table.splitlines() if line.startswith("wachttijd_telefoon") and "totaal" in line)
    assert "42 sec" in line
    assert "voldoet" not in line and "geen norm" in line

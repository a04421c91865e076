"""``kcc-monitor export`` end to end: arguments, errors, and numbers equal to ``build_report``."""

from __future__ import annotations

import pytest

from kcc.cli import main


def _run(capsys, *argv):
    code = main(["export", *argv])
    captured = capsys.readouterr()
    return code, captured.err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--municipality", "atlantis", "--period", "2026-04"], "unknown municipality 'atlantis'"),
        (["--municipality", "groningen", "--period", "2026-W15"], "month, quarter or year, not a week"),
        (["--municipality", "groningen", "--period", "april"], "invalid period 'april'"),
        (["--municipality", "groningen", "--period", "2026-04", "--as-of", "2026-06-01T00:00"],
         "needs a UTC offset"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(capsys, tmp_path, argv, message):
    events = tmp_path / "events.jsonl"
    events.write_text("")
    code, err = _run(capsys, *argv, "--events", str(events), "--out", str(tmp_path / "out.xlsx"))
    assert code == 2
    assert message in err


def test_format_is_taken_from_the_out_suffix_or_must_be_given(capsys, tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_text("")
    code, err = _run(capsys, "--municipality", "groningen", "--period", "2026-04", "--events", str(events),
                     "--out", str(tmp_path / "out.txt"))
    assert code == 2 and "give --format xlsx|csv|md|html" in err


def test_missing_event_file_exits_2(capsys, tmp_path):
    code, err = _run(capsys, "--municipality", "groningen", "--period", "2026-04",
                     "--events", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "out.md"))
    assert code == 2 and "no such file" in err


# ---------------------------------------------------------------- end to end against build_report

import csv as _csv
import io
import json
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from monitor import nl
from monitor.periods import parse_period

AS_OF = "2027-01-01T12:00:00+01:00"
"""Noon on New Year's Day: callbacks requested on 31 December are still open (provisional rows)."""


def _year_of_events(path, municipality="amersfoort", year=2026, seed=7, *, config=None, years=None):
    """A low-volume year (or ``years``) of every event family for one municipality (deterministic)."""
    rnd = random.Random(seed)
    tz = ZoneInfo("Europe/Amsterdam")
    m = config[municipality] if config is not None else None
    line = m.lines[0] if m else "14033"
    queues = m.queues[:2] if m else ["algemeen", "burgerzaken"]
    department = m.departments[0] if m else "burgerzaken"
    location = m.locations[0] if m else "stadhuis"
    product = m.products[0] if m else "uittreksel"
    lines = []
    counter = [0]

    def emit(kind, ts, **fields):
        counter[0] += 1
        lines.append(json.dumps({"event_id": f"e{counter[0]}", "type": kind, "ts": ts.isoformat(),
                                 "municipality": municipality, **fields}))

    years = years or (year,)
    day = datetime(years[0], 1, 1, tzinfo=tz)
    while day.year <= years[-1]:
        if day.weekday() < 5:
            for _ in range(4):  # calls
                t = day.replace(hour=9) + timedelta(minutes=rnd.randint(0, 420))
                call = dict(call_id=f"c{counter[0]}", line=line, queue=rnd.choice(queues))
                emit("call.offered", t, **call)
                wait = rnd.randint(0, 240)
                if rnd.random() < 0.12:
                    emit("call.abandoned", t + timedelta(seconds=wait), **call, wait_seconds=wait)
                    continue
                emit("call.answered", t + timedelta(seconds=wait), **call, wait_seconds=wait)
                emit("call.ended", t + timedelta(seconds=wait + 180), **call, talk_seconds=180,
                     outcome=rnd.choice(["resolved", "resolved", "resolved", "transferred", "callback_requested"]))
            for _ in range(3):  # counter visits
                walk_in = rnd.random() < 0.5
                t = day.replace(hour=9 if walk_in else 13) + timedelta(minutes=rnd.randint(0, 170))
                visit = dict(visit_id=f"v{counter[0]}", location=location,
                             visit_type="walk_in" if walk_in else "appointment")
                extra = {} if walk_in else {"appointment_at": t.isoformat()}
                emit("visit.checked_in", t, **visit, **extra)
                emit("visit.called", t + timedelta(minutes=rnd.choice([1, 3, 4, 6, 9, 12])), **visit)
                emit("survey.answered", t + timedelta(minutes=30), survey_id=f"s{counter[0]}", channel="counter",
                     location=location, score=rnd.choice([5, 6, 7, 8, 9, 10]))
            callback = dict(callback_id=f"cb{counter[0]}", department=department)
            t = day.replace(hour=10)
            emit("callback.requested", t, **callback)
            if (day.year, day.month, day.day) != (years[-1], 12, 31):
                emit("callback.completed", t + timedelta(hours=rnd.choice([3, 26, 50])), **callback)
            letter = dict(letter_id=f"l{counter[0]}", channel="post", department=department)
            emit("letter.received", day.replace(hour=11), **letter)
            if day.year < years[-1] or day.month < 12 or day.day < 10:
                emit("letter.answered", day.replace(hour=11) + timedelta(days=rnd.choice([2, 9, 30])), **letter)
        emit("digital.completed", day.replace(hour=20), transaction_id=f"d{counter[0]}", product=product)
        day += timedelta(days=1)
    lines.insert(100, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def year_events(tmp_path_factory):
    return _year_of_events(tmp_path_factory.mktemp("export") / "events.jsonl")


@pytest.fixture(scope="module")
def reports(year_events, config):
    """build_report for every month of 2026 and for the year (as report JSON), from the same file at the same as_of."""
    from monitor.report import build_report
    from monitor.sources import EventFileSource

    municipality = config["amersfoort"]
    source = EventFileSource(year_events, config)
    as_of = datetime.fromisoformat(AS_OF)
    year = parse_period("2026", municipality.tz)
    result = {p.label: build_report(source, "amersfoort", p, as_of).as_json() for p in year.month_periods()}
    result["2026"] = build_report(source, "amersfoort", year, as_of).as_json()
    return result


def _export(capsys, year_events, out, *extra):
    code = main(["export", "--municipality", "amersfoort", "--period", "2026", "--events", str(year_events),
                 "--out", str(out), "--as-of", AS_OF, "--no-progress", *extra])
    err = capsys.readouterr().err
    assert code == 0, err
    return err


def _expected_rows(reports, config):
    """(label, unit) → [month values..., year value] and the year's report row, straight from build_report."""
    municipality = config["amersfoort"]
    keys = []
    for label in [*(f"2026-{m:02d}" for m in range(1, 13)), "2026"]:
        for item in reports[label]["indicators"]:
            key = (item["id"], tuple(sorted(item["scope"].items())))
            if key not in keys:
                keys.append(key)
    expected = {}
    for indicator, scope in keys:
        values = []
        for label in [*(f"2026-{m:02d}" for m in range(1, 13)), "2026"]:
            item = next((i for i in reports[label]["indicators"]
                         if i["id"] == indicator and tuple(sorted(i["scope"].items())) == scope), None)
            values.append(item)
        expected[nl.row_label(indicator, dict(scope), municipality)] = values
    assert len(expected) == len(keys)  # every row has its own name
    return expected


def test_xlsx_export_of_a_year_equals_build_report_for_each_month_and_the_year(
        capsys, tmp_path, year_events, reports, config):
    err = _export(capsys, year_events, tmp_path / "year.xlsx")
    sheet = load_workbook(tmp_path / "year.xlsx")["Indicatoren"]
    expected = _expected_rows(reports, config)
    seen = set()
    for r in range(5, sheet.max_row + 1):
        label = sheet.cell(r, 1).value
        if label not in expected:
            continue
        seen.add(label)
        for j, item in enumerate(expected[label]):
            cell = sheet.cell(r, 4 + j)
            if item is None or item["value"] is None:
                assert cell.value == "–", (label, j)
            elif item["unit"] == "count":
                assert cell.value == round(item["value"]), (label, j)
            else:  # the report's float, to the 15-16 significant digits a workbook stores
                assert cell.value == pytest.approx(item["value"], rel=1e-15, abs=1e-15), (label, j)
        year_item = expected[label][-1]
        assert sheet.cell(r, 17).value == nl.STATUS[year_item["status"]]
        assert sheet.cell(r, 18).value == year_item["n"]
    assert seen == set(expected)

    total = reports["2026"]["indicators"]
    provisional = sum(1 for i in total if i["provisional"])
    missed = sum(1 for i in total if i["status"] == "misses_norm")
    assert provisional > 0
    assert f"Export klaar: {len(expected)} rijen, {provisional} voorlopig, {missed} " in err
    assert "1 ongeldige regel(s) overgeslagen" in err


def test_csv_export_of_a_year_parses_back_to_the_report_values(capsys, tmp_path, year_events, reports, config):
    _export(capsys, year_events, tmp_path / "year.csv")
    raw = (tmp_path / "year.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(_csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    expected = _expected_rows(reports, config)
    assert len(rows) - 1 == len(expected)
    for line in rows[1:]:
        for text, item in zip(line[3:16], expected[line[0]]):
            if item is None or item["value"] is None:
                assert text == "–"
                continue
            scale = 100 if item["unit"] == "ratio" else 1
            number = float(text.rstrip("%").replace(",", "."))
            decimals = 0 if item["unit"] in ("count", "seconds") else 1
            assert abs(number - item["value"] * scale) <= 0.5 * 10 ** -decimals + 1e-9


def test_markdown_and_html_exports_have_a_row_per_report_row(capsys, tmp_path, year_events, reports, config):
    expected = _expected_rows(reports, config)
    _export(capsys, year_events, tmp_path / "year.md")
    text = (tmp_path / "year.md").read_text(encoding="utf-8")
    assert sum(1 for line in text.splitlines() if line.startswith("| ")) == 1 + len(expected)
    _export(capsys, year_events, tmp_path / "year.html")
    page = (tmp_path / "year.html").read_text(encoding="utf-8")
    assert page.count("<tr data-indicator=") == len(expected)
    assert page.count("data:image/png;base64,") >= 13  # at least every municipality-wide indicator


def test_month_export_equals_the_month_report(capsys, tmp_path, year_events, reports, config):
    code = main(["export", "--municipality", "amersfoort", "--period", "2026-06", "--events", str(year_events),
                 "--format", "xlsx", "--out", str(tmp_path / "june.xlsx"), "--as-of", AS_OF, "--no-progress"])
    assert code == 0
    sheet = load_workbook(tmp_path / "june.xlsx")["Indicatoren"]
    values = {sheet.cell(r, 1).value: sheet.cell(r, 4).value for r in range(5, sheet.max_row + 1)}
    for label, items in _expected_rows(reports, config).items():
        item = items[5]
        if item is None:
            continue
        if item["value"] is None:
            assert values[label] == "–"
        elif item["unit"] == "count":
            assert values[label] == round(item["value"])
        else:
            assert values[label] == pytest.approx(item["value"], rel=1e-15, abs=1e-15)


def test_previous_year_column_equals_the_report_of_the_same_quarter_a_year_earlier(capsys, tmp_path, config):
    """Hengelo's norms compare with the previous year: the export shows that year's value beside the norm."""
    from monitor.report import build_report
    from monitor.sources import EventFileSource

    events = _year_of_events(tmp_path / "hengelo.jsonl", "hengelo", config=config, years=(2025, 2026), seed=3)
    code = main(["export", "--municipality", "hengelo", "--period", "2026-Q1", "--events", str(events),
                 "--out", str(tmp_path / "q1.xlsx"), "--as-of", AS_OF, "--no-progress", "--no-charts"])
    assert code == 0, capsys.readouterr().err
    sheet = load_workbook(tmp_path / "q1.xlsx")["Indicatoren"]
    headers = [c.value for c in sheet[4]]
    assert headers[3:8] == ["januari", "februari", "maart", "1e kwartaal 2026", "Vorig jaar (1e kwartaal 2025)"]
    before = build_report(EventFileSource(events, config), "hengelo", parse_period("2025-Q1", "Europe/Amsterdam"),
                          datetime.fromisoformat(AS_OF)).as_json()
    by_label = {sheet.cell(r, 1).value: r for r in range(5, sheet.max_row + 1)}
    hengelo = config["hengelo"]
    for item in before["indicators"]:
        r = by_label[nl.row_label(item["id"], item["scope"], hengelo)]
        cell = sheet.cell(r, 8).value
        if item["value"] is None:
            assert cell == "–"
        elif item["unit"] == "count":
            assert cell == round(item["value"])
        else:
            assert cell == pytest.approx(item["value"], rel=1e-15, abs=1e-15)
    satisfaction = by_label["Klanttevredenheid alle kanalen"]
    assert sheet.cell(satisfaction, 2).value == "ten minste gelijk aan vorig jaar"


def test_from_stream_without_a_reachable_broker_exits_2_and_writes_nothing(capsys, tmp_path, monkeypatch):
    from tests.support import free_port

    monkeypatch.setenv("KCC_KAFKA__BOOTSTRAP_SERVERS", f"127.0.0.1:{free_port()}")
    code = main(["export", "--municipality", "amersfoort", "--period", "2026-04", "--from-stream",
                 "--out", str(tmp_path / "out.xlsx")])
    assert code == 2
    assert "cannot reach the Kafka broker" in capsys.readouterr().err
    assert not (tmp_path / "out.xlsx").exists()

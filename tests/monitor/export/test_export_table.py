"""The export table lays report rows out; it never recomputes a number."""

from __future__ import annotations

import pytest

from monitor.export.table import build_table
from monitor.config import Norm
from monitor.periods import parse_period
from monitor.report import ReportRow
from tests.monitor.export.fake_reports import fake_report, one_row_report


def test_year_has_a_column_per_month_and_the_period_total(year_table):
    titles = [c.title for c in year_table.columns]
    assert titles == ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec", "2026"]
    assert [c.kind for c in year_table.columns] == ["month"] * 12 + ["total"]


def test_quarter_columns_are_its_three_months_and_the_quarter(groningen):
    table = build_table(groningen, parse_period("2026-Q2", groningen.tz), lambda p: fake_report("groningen", p))
    assert [c.title for c in table.columns] == ["april", "mei", "juni", "2e kwartaal 2026"]


def test_month_export_has_one_value_column(month_table):
    assert [(c.kind, c.title) for c in month_table.columns] == [("total", "april 2026")]


def test_every_cell_is_the_report_value_of_its_period_unchanged(year_table):
    for column_index, column in enumerate(year_table.columns):
        report = fake_report("groningen", column.period)
        expected = {(i["id"], tuple(sorted(i["scope"].items()))): i for i in report.as_json()["indicators"]}
        for row in year_table.rows:
            cell = row.cells[column_index]
            item = expected.get((row.indicator, row.scope))
            if item is None:
                assert cell.value is None and cell.status == "no_data" and cell.text == "–"
                continue
            assert cell.value == item["value"]
            assert cell.status == item["status"]
            assert cell.provisional == item["provisional"]
            assert (cell.n, cell.pending) == (item["n"], item["pending"])


def test_total_is_the_period_report_not_the_mean_of_the_months(year_table):
    row = next(r for r in year_table.rows if r.indicator == "terugbellen_1_werkdag")
    months = [c.value for c, col in zip(row.cells, year_table.columns) if col.kind == "month"]
    assert year_table.total(row).value == 0.81
    assert sum(months) / len(months) != pytest.approx(0.81)


def test_one_row_per_indicator_and_scope_in_indicator_order(year_table):
    keys = [(r.indicator, r.scope) for r in year_table.rows]
    assert len(keys) == len(set(keys)) == 8
    assert keys[0][0] == "direct_geholpen" and keys[-1][0] == "contacten"


def test_row_missing_in_some_months_shows_a_dash_there(year_table):
    row = next(r for r in year_table.rows if r.scope == (("visit_type", "walk_in"),))
    assert [c.text for c in row.cells[:4]] == ["–", "16,0 min", "–", "16,0 min"]


def test_provisional_value_carries_an_asterisk_and_a_footnote(year_table):
    row = next(r for r in year_table.rows if r.indicator == "terugbellen_2_werkdagen")
    assert row.cells[11].text == "90,0%*" and row.cells[0].text == "90,0%"
    assert "* voorlopig: nog niet alle uitkomsten bekend" in year_table.footnotes


def test_norm_is_written_as_the_text_does(year_table):
    norms = {r.label: r.norm_label for r in year_table.rows}
    assert norms["Terugbellen binnen 1 werkdag"] == "minimaal 80%"
    assert norms["Gemiddelde wachttijd balie (op afspraak)"] == "maximaal 5 min"
    assert norms["Klanttevredenheid telefoonnummer 14 050"] == "minimaal 7,5"
    assert norms["Aantal contacten telefoon"] == ""


def test_summary_counts_rows_provisional_rows_and_missed_norms(year_table):
    assert year_table.summary("out.xlsx") == "Export klaar: 8 rijen, 1 voorlopig, 2 normen niet gehaald → out.xlsx"


def test_previous_year_column_when_a_norm_compares_with_last_year(config):
    hengelo = config["hengelo"]
    calls = []

    def report_for(period):
        calls.append(period.label)
        norm = Norm(indicator="klanttevredenheid", op=">=", compare="previous_year")
        value = 7.0 if period.label.startswith("2025") else 7.4
        return one_row_report("hengelo", period, ReportRow(
            id="klanttevredenheid", scope=(), unit="grade", value=value, n=10, hits=None, pending=0,
            norm=norm, target=None, status="no_norm", provisional=False))

    table = build_table(hengelo, parse_period("2026-Q1", hengelo.tz), report_for)
    assert calls == ["2026-01", "2026-02", "2026-03", "2026-Q1", "2025-Q1"]
    assert table.columns[-1].title == "Vorig jaar (1e kwartaal 2025)"
    row = table.rows[0]
    assert row.norm_label == "ten minste gelijk aan vorig jaar"
    assert [c.text for c in row.cells] == ["7,4", "7,4", "7,4", "7,4", "7,0"]


def test_no_previous_year_column_without_such_a_norm(year_table):
    assert all(c.kind != "previous_year" for c in year_table.columns)


@pytest.mark.parametrize("label", ["2026-04-07", "2026-W15"])
def test_day_or_week_is_not_an_export_period(groningen, label):
    with pytest.raises(ValueError, match="month, quarter or year"):
        build_table(groningen, parse_period(label, groningen.tz), lambda p: fake_report("groningen", p))


def test_report_for_another_municipality_is_refused(groningen):
    with pytest.raises(ValueError, match="amersfoort"):
        build_table(groningen, parse_period("2026-04", groningen.tz), lambda p: fake_report("amersfoort", p))

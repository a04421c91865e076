"""The XLSX holds real numbers with number formats, frozen headers, red fills for missed norms, charts."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from monitor.export.charts import charts
from monitor.export.xlsx import FIRST_DATA_ROW, HEADER_ROW, write_xlsx


def _open(table, tmp_path, with_charts=False):
    path = write_xlsx(table, tmp_path / "out.xlsx", charts(table) if with_charts else ())
    return load_workbook(path)


def _row_of(sheet, label):
    for r in range(FIRST_DATA_ROW, sheet.max_row + 1):
        if sheet.cell(r, 1).value == label:
            return r
    raise AssertionError(f"no row {label!r}")


def test_title_header_and_frozen_panes(year_table, tmp_path):
    sheet = _open(year_table, tmp_path)["Indicatoren"]
    assert sheet["A1"].value.startswith("Prestatie-indicatoren dienstverlening gemeente Groningen")
    assert sheet["A1"].font.bold
    headers = [c.value for c in sheet[HEADER_ROW]]
    assert headers[:4] == ["Indicator", "Norm", "Eenheid", "jan"]
    assert headers[-4:] == ["dec", "2026", "Status", "Aantal (n)"]
    assert sheet.freeze_panes == f"B{FIRST_DATA_ROW}"
    assert sheet.column_dimensions["A"].width >= 30


def test_values_are_numbers_with_number_formats_cell_by_cell(year_table, tmp_path):
    sheet = _open(year_table, tmp_path)["Indicatoren"]
    expected_formats = {"ratio": "0.0%", "minutes": "0.0", "grade": "0.0", "count": "#,##0"}
    for i, row in enumerate(year_table.rows):
        r = FIRST_DATA_ROW + i
        assert sheet.cell(r, 1).value == row.label
        for j, cell in enumerate(row.cells):
            xl = sheet.cell(r, 4 + j)
            if cell.value is None:
                assert xl.value == "–"
                continue
            assert isinstance(xl.value, (int, float)) and not isinstance(xl.value, bool)
            assert xl.value == (round(cell.value) if row.unit == "count" else cell.value)
            fmt = expected_formats[row.unit]
            assert xl.number_format == (f'{fmt}"*"' if cell.provisional else fmt)


def test_ratio_is_stored_as_a_fraction_not_a_percentage_text(month_table, tmp_path):
    sheet = _open(month_table, tmp_path)["Indicatoren"]
    r = _row_of(sheet, "Terugbellen binnen 1 werkdag")
    assert sheet.cell(r, 4).value == pytest.approx(0.78)
    assert sheet.cell(r, 4).number_format == "0.0%"


def test_missed_norm_has_light_red_fill_and_met_norm_has_none(year_table, tmp_path):
    sheet = _open(year_table, tmp_path)["Indicatoren"]
    phone = _row_of(sheet, "Klanttevredenheid telefoonnummer 14 050")
    total_col = 4 + 12
    assert sheet.cell(phone, total_col).fill.fgColor.rgb == "FFFFC7CE"
    assert sheet.cell(phone, total_col + 1).value == "voldoet niet"
    assert sheet.cell(phone, total_col + 1).fill.fgColor.rgb == "FFFFC7CE"
    counter = _row_of(sheet, "Klanttevredenheid publieksbalie Kreupelstraat")
    assert sheet.cell(counter, total_col).fill.fill_type is None
    assert sheet.cell(counter, total_col + 1).value == "voldoet"


def test_footnotes_follow_the_table(year_table, tmp_path):
    sheet = _open(year_table, tmp_path)["Indicatoren"]
    texts = [sheet.cell(r, 1).value for r in range(FIRST_DATA_ROW + len(year_table.rows), sheet.max_row + 1)]
    assert "* voorlopig: nog niet alle uitkomsten bekend" in texts


def test_charts_sheet_holds_one_image_per_chart(year_table, tmp_path):
    book = _open(year_table, tmp_path, with_charts=True)
    assert book.sheetnames == ["Indicatoren", "Grafieken"]
    assert len(book["Grafieken"]._images) == len(charts(year_table)) > 0

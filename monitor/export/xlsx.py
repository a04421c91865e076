"""XLSX export (openpyxl): the table with real numbers, and a sheet of charts.

Values are numbers, never text, so controllers can calculate with them: a
ratio is stored as 0.83 with number format ``0.0%``, minutes and grades as
``0.0``, seconds as ``0``, counts as ``#,##0`` (Excel shows them with the
reader's locale: 83,0% and 1.234 in Dutch Excel). A provisional value keeps its
number and gets an asterisk through the number format (``0.0%"*"``), explained
in a footnote. Missed norms have Excel's light red fill; header and indicator
column are frozen.

Sheets: "Indicatoren" (title row, header, one row per indicator and scope,
footnotes) and "Grafieken" (one chart per municipality-wide indicator and per
row with a norm).
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from monitor import nl
from monitor.export.charts import Chart
from monitor.export.table import ExportTable

NUMBER_FORMATS = {"ratio": "0.0%", "minutes": "0.0", "grade": "0.0", "seconds": "0", "count": "#,##0"}
MISSED_FILL = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
"""Excel's "light red fill" for values that miss their norm."""
MISSED_FONT = Font(color="FF9C0006", bold=True)
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9E1F2", end_color="FFD9E1F2")

TITLE_ROW = 1
SUBTITLE_ROW = 2
HEADER_ROW = 4
FIRST_DATA_ROW = 5
FIXED_COLUMNS = (nl.Export.INDICATOR_COLUMN, nl.Export.NORM_COLUMN, nl.Export.UNIT_COLUMN)
TRAILING_COLUMNS = (nl.Export.STATUS_COLUMN, nl.Export.COUNT_COLUMN)

_THIN = Side(style="thin", color="FFB0B0B0")


def number_format(unit: str, provisional: bool) -> str:
    base = NUMBER_FORMATS.get(unit, "0.00")
    return f'{base}"{nl.PROVISIONAL_MARK}"' if provisional else base


def write_xlsx(table: ExportTable, out: Path | str, charts: tuple[Chart, ...] = ()) -> Path:
    """Write the workbook to ``out``; returns the path."""
    book = Workbook()
    sheet = book.active
    sheet.title = nl.Export.SHEET
    headers = list(FIXED_COLUMNS) + [c.title for c in table.columns] + list(TRAILING_COLUMNS)
    last_col = len(headers)

    sheet.cell(TITLE_ROW, 1, table.title).font = Font(bold=True, size=14)
    sheet.cell(SUBTITLE_ROW, 1, table.subtitle).font = Font(italic=True, color="FF555555")

    for j, text in enumerate(headers, start=1):
        cell = sheet.cell(HEADER_ROW, j, text)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = Border(bottom=Side(style="medium"))
        cell.alignment = Alignment(horizontal="left" if j <= 3 else "center", vertical="bottom", wrap_text=True)

    first_value_col = len(FIXED_COLUMNS) + 1
    for i, row in enumerate(table.rows):
        r = FIRST_DATA_ROW + i
        sheet.cell(r, 1, row.label)
        sheet.cell(r, 2, row.norm_label or nl.DASH)
        sheet.cell(r, 3, nl.UNITS.get(row.unit, row.unit))
        for j, (column, cell) in enumerate(zip(table.columns, row.cells)):
            target = sheet.cell(r, first_value_col + j)
            if cell.value is None:
                target.value = nl.DASH
                target.alignment = Alignment(horizontal="right")
            else:
                target.value = round(cell.value) if row.unit == "count" else cell.value
                target.number_format = number_format(row.unit, cell.provisional)
            if cell.missed and column.kind != "previous_year":
                target.fill = MISSED_FILL
                target.font = MISSED_FONT
            if column.kind == "total":
                target.border = Border(left=_THIN, right=_THIN)
                if not cell.missed:
                    target.font = Font(bold=True)
        total = table.total(row)
        status = sheet.cell(r, last_col - 1, nl.STATUS.get(total.status, total.status))
        if total.missed:
            status.fill = MISSED_FILL
            status.font = MISSED_FONT
        sheet.cell(r, last_col, total.n).number_format = "#,##0"
        for j in range(1, last_col + 1):
            sheet.cell(r, j).border = Border(bottom=_THIN, left=sheet.cell(r, j).border.left,
                                             right=sheet.cell(r, j).border.right)

    notes_row = FIRST_DATA_ROW + len(table.rows) + 1
    for k, note in enumerate(table.footnotes):
        sheet.cell(notes_row + k, 1, note).font = Font(italic=True, size=9)

    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 2)  # header rows and indicator column stay in view
    widest = max([len(r.label) for r in table.rows] + [len(nl.Export.INDICATOR_COLUMN)])
    sheet.column_dimensions["A"].width = min(max(widest + 2, 30), 70)
    widest_norm = max([len(r.norm_label) for r in table.rows] + [len(nl.Export.NORM_COLUMN)])
    sheet.column_dimensions["B"].width = min(max(widest_norm + 2, 14), 45)
    sheet.column_dimensions["C"].width = 8
    for j, column in enumerate(table.columns):
        width = 9 if column.kind == "month" else max(12, min(len(column.title) + 2, 24))
        sheet.column_dimensions[get_column_letter(first_value_col + j)].width = width
    sheet.column_dimensions[get_column_letter(last_col - 1)].width = 14
    sheet.column_dimensions[get_column_letter(last_col)].width = 11
    sheet.row_dimensions[HEADER_ROW].height = 30
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape" if len(table.columns) > 3 else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    if charts:
        _chart_sheet(book, table, charts)
    path = Path(out)
    book.save(path)
    return path


def _chart_sheet(book: Workbook, table: ExportTable, charts: tuple[Chart, ...]) -> None:
    sheet = book.create_sheet(nl.Export.CHARTS)
    sheet.cell(1, 1, nl.Export.charts_title(table.title)).font = Font(bold=True, size=14)
    sheet.cell(2, 1, nl.Export.CHARTS_NOTE).font = Font(italic=True, size=9)
    rows_per_chart = 18  # 7 x 3.2 inch at 60% scale is about 17 rows of 20 px
    for k, chart in enumerate(charts):
        image = Image(io.BytesIO(chart.png))
        image.width, image.height = 630, 288
        column = "A" if k % 2 == 0 else "L"
        image.anchor = f"{column}{4 + (k // 2) * rows_per_chart}"
        sheet.add_image(image)

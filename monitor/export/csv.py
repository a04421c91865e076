"""CSV export, deliberately for Dutch Excel (the controllers' tool).

Decisions and why:

* **Delimiter ``;``.** Dutch Windows sets the list separator to ``;`` because
  ``,`` is the decimal separator; Excel opens a ``;`` file by double-click into
  columns, a ``,`` file into one column.
* **Decimal comma, no thousands separator.** Dutch Excel reads ``4,3`` as the
  number 4.3 (``4.3`` would become text or a date). Counts are plain digits
  (``1234``): ``1.234`` is read correctly by Dutch Excel but as 1.234 by almost
  every other tool, and a plain integer is unambiguous everywhere.
* **Percentages carry ``%``** (``83,0%``): Dutch Excel reads that as the number
  0.83 formatted as a percentage, so the cell can be calculated with and still
  shows what it is; without the sign ``83,0`` is ambiguous next to minutes and
  grades, and ``0,83`` is not what the texts print. Other units carry no suffix
  (``4,3 min`` would be text); the "Eenheid" column names them.
* **UTF-8 with BOM.** Without the BOM Excel assumes the ANSI code page and
  shows "â€“" for the dash; with it, Excel and LibreOffice both detect UTF-8.
* **One decimal**, as the texts print them (means keep full precision in the
  report; the XLSX carries the unrounded numbers).
* **"–" for no value**, as in the texts; Excel's functions skip text cells.
* **No title or footnote lines**: the first line is the header, so the file
  imports as one clean table; provisional values are flagged in the
  "Voorlopig" column instead of with an asterisk (which would make the value
  text).
"""

from __future__ import annotations

import csv
from pathlib import Path

from monitor import nl
from monitor.export.table import ExportTable

DELIMITER = ";"
ENCODING = "utf-8-sig"
HEADERS = (nl.Export.INDICATOR_COLUMN, nl.Export.NORM_COLUMN, nl.Export.UNIT_COLUMN)
TRAILING = (nl.Export.STATUS_COLUMN, nl.Export.COUNT_COLUMN, nl.Export.PROVISIONAL_COLUMN)


def csv_value(value: float | None, unit: str) -> str:
    """A value as Dutch Excel reads it as a number: ``83,0%``, ``4,3``, ``7,8``, ``42``, ``1234``, ``–``."""
    if value is None:
        return nl.DASH
    if unit == "ratio":
        return f"{nl.dutch_number(value * 100, 1).replace('.', '')}%"
    if unit == "count" or unit == "seconds":
        return nl.dutch_number(value, 0).replace(".", "")
    return nl.dutch_number(value, 1).replace(".", "")


def write_csv(table: ExportTable, out: Path | str) -> Path:
    """Write the table to ``out``; returns the path."""
    path = Path(out)
    with path.open("w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([*HEADERS, *(c.title for c in table.columns), *TRAILING])
        for row in table.rows:
            total = table.total(row)
            writer.writerow([
                row.label,
                row.norm_label or nl.DASH,
                nl.UNITS.get(row.unit, row.unit),
                *(csv_value(cell.value, row.unit) for cell in row.cells),
                nl.STATUS.get(total.status, total.status),
                str(total.n),
                nl.Export.YES if any(cell.provisional for cell in row.cells) else nl.Export.NO,
            ])
    return path

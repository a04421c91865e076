"""HTML export: one self-contained page that prints well on A4.

The charts are embedded as ``data:`` URIs, so the export is a single file that
can be mailed, archived or attached to the *jaarstukken* without losing its
pictures (a few hundred kB for a year). Print CSS: ``@page`` A4 (landscape when
the table has month columns), the header row repeats on every page, rows are
not split across pages, and the charts start on a new page two per row without
being cut. Missed norms are light red *and* bold with a marker, so they read
in grayscale too.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from monitor import nl
from monitor.export.charts import Chart
from monitor.export.table import ExportTable

MISSED_MARK = "▼"
"""Printed before a value that misses its norm (readable without colour)."""

_CSS = """
@page { size: A4 %(orientation)s; margin: 12mm 10mm 14mm 10mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 9.5pt; color: #111;
       margin: 16px; }
h1 { font-size: 15pt; margin: 0 0 2px 0; }
h2 { font-size: 12pt; margin: 18px 0 6px 0; }
p.sub { margin: 0 0 10px 0; color: #444; font-style: italic; }
table { border-collapse: collapse; width: 100%%; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #9a9a9a; padding: 3px 5px; vertical-align: top; }
th { background: #d9e1f2; text-align: center; font-weight: bold; }
th.text, td.text { text-align: left; }
td.label { min-width: 15em; }
td.norm { min-width: 7em; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.total { font-weight: bold; border-left: 2px solid #333; border-right: 2px solid #333; }
td.prev { color: #444; }
tbody tr:nth-child(even) td { background: #f5f5f5; }
tbody tr td.miss { background: #ffc7ce; color: #9c0006; font-weight: bold; }
td.status-miss { font-weight: bold; text-decoration: underline; }
p.notes { font-size: 8.5pt; color: #333; margin: 8px 0 0 0; }
section.charts { break-before: page; page-break-before: always; }
figure { display: inline-block; width: 49%%; margin: 0 0 8px 0; break-inside: avoid;
         page-break-inside: avoid; vertical-align: top; }
figure img { width: 100%%; height: auto; border: 1px solid #ddd; }
@media print {
  body { margin: 0; font-size: %(print_size)s; }
  th, td { padding: 2px 3px; }
  td.label { min-width: 13em; }
  td.norm { min-width: 6em; }
  p.sub { margin-bottom: 6px; }
}
"""


def _value_cell(text: str, classes: list[str], missed: bool) -> str:
    if missed:
        classes = classes + ["miss"]
        text = f'<span aria-label="{escape(nl.Export.MISSED)}">{MISSED_MARK}</span>&nbsp;{escape(text)}'
    else:
        text = escape(text)
    return f'<td class="{" ".join(classes)}">{text}</td>'


def render_html(table: ExportTable, charts: tuple[Chart, ...] = ()) -> str:
    orientation = "landscape" if len(table.columns) > 3 else "portrait"
    # A year (13-14 value columns) must fit 277 mm of landscape paper.
    print_size = "7.5pt" if len(table.columns) > 6 else "9pt"
    head = [f'<th class="text">{escape(nl.Export.INDICATOR_COLUMN)}</th>',
            f'<th class="text">{escape(nl.Export.NORM_COLUMN)}</th>']
    head += [f"<th>{escape(c.title)}</th>" for c in table.columns]
    head.append(f'<th class="text">{escape(nl.Export.STATUS_COLUMN)}</th>')
    body = []
    for row in table.rows:
        cells = [f'<td class="text label">{escape(row.label)}</td>',
                 f'<td class="text norm">{escape(row.norm_label or nl.DASH)}</td>']
        for column, cell in zip(table.columns, row.cells):
            classes = ["num"] + {"total": ["total"], "previous_year": ["prev"]}.get(column.kind, [])
            text = cell.short_text if column.kind == "month" else cell.text
            cells.append(_value_cell(text, classes, cell.missed and column.kind != "previous_year"))
        total = table.total(row)
        status = escape(nl.STATUS.get(total.status, total.status))
        status_class = "text status-miss" if total.missed else "text"
        cells.append(f'<td class="{status_class}">{status}</td>')
        body.append(f'<tr data-indicator="{escape(row.indicator)}">{"".join(cells)}</tr>')
    notes = "<br>".join(escape(n) for n in table.footnotes)
    notes += f"<br>{escape(nl.Export.missed_note(MISSED_MARK))}"

    parts = [
        "<!DOCTYPE html>",
        '<html lang="nl">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(table.title)}</title>",
        f"<style>{_CSS % {'orientation': orientation, 'print_size': print_size}}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(table.title)}</h1>",
        f'<p class="sub">{escape(table.subtitle)}</p>',
        f'<table><thead><tr>{"".join(head)}</tr></thead>',
        f'<tbody>{"".join(body)}</tbody></table>',
        f'<p class="notes">{notes}</p>',
    ]
    if charts:
        parts.append(f'<section class="charts"><h2>{escape(nl.Export.CHARTS)}</h2>')
        parts.append(f'<p class="sub">{escape(nl.Export.CHARTS_NOTE)}</p>')
        for chart in charts:
            data = base64.b64encode(chart.png).decode("ascii")
            parts.append(f'<figure><img alt="{escape(chart.title)}" src="data:image/png;base64,{data}"></figure>')
        parts.append("</section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def write_html(table: ExportTable, out: Path | str, charts: tuple[Chart, ...] = ()) -> Path:
    path = Path(out)
    path.write_text(render_html(table, charts), encoding="utf-8")
    return path

"""Markdown export: a heading, one table row per indicator and scope, the footnotes.

Values are the display texts ("83,0%", "4,3 min", "–", "*" for provisional);
a missed norm is shown in bold in the status column (Markdown has no colour).
"""

from __future__ import annotations

from pathlib import Path

from monitor import nl
from monitor.export.table import ExportTable


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def render_markdown(table: ExportTable) -> str:
    headers = [nl.Export.INDICATOR_COLUMN, nl.Export.NORM_COLUMN, *(c.title for c in table.columns),
               nl.Export.STATUS_COLUMN]
    lines = [f"# {table.title}", "", f"_{table.subtitle}_", "",
             "| " + " | ".join(_escape(h) for h in headers) + " |",
             "|" + "|".join([":---", ":---"] + ["---:"] * len(table.columns) + [":---"]) + "|"]
    for row in table.rows:
        total = table.total(row)
        status = nl.STATUS.get(total.status, total.status)
        if total.missed:
            status = f"**{status}**"
        cells = [_escape(row.label), _escape(row.norm_label or nl.DASH),
                 *(_escape(c.short_text if col.kind == "month" else c.text)
                   for col, c in zip(table.columns, row.cells)), status]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines += [f"{_escape(note).replace('*', chr(92) + '*')}  " for note in table.footnotes]
    return "\n".join(lines).rstrip() + "\n"


def write_markdown(table: ExportTable, out: Path | str) -> Path:
    path = Path(out)
    path.write_text(render_markdown(table), encoding="utf-8")
    return path

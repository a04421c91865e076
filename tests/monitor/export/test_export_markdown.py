"""The Markdown export: a table row per indicator and scope, with norm, values and status."""

from __future__ import annotations

from monitor.export.markdown import render_markdown


def test_markdown_has_a_row_per_indicator_and_scope(year_table):
    text = render_markdown(year_table)
    table_lines = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(table_lines) == 1 + len(year_table.rows)  # header + rows
    for row in year_table.rows:
        assert any(line.startswith(f"| {row.label} |") for line in table_lines)
    assert all(line.count(" | ") == table_lines[0].count(" | ") for line in table_lines)


def test_markdown_row_shows_norm_values_and_status(year_table):
    line = next(line for line in render_markdown(year_table).splitlines()
                if line.startswith("| Klanttevredenheid telefoonnummer 14 050 |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[1] == "minimaal 7,5"
    assert cells[2:15] == ["7,4"] * 13
    assert cells[15] == "**voldoet niet**"


def test_markdown_has_title_and_footnotes(year_table):
    text = render_markdown(year_table)
    assert text.startswith("# Prestatie-indicatoren dienstverlening gemeente Groningen — 2026\n")
    assert "\\* voorlopig: nog niet alle uitkomsten bekend" in text

"""The HTML export: self-contained, renders in headless Chromium, prints on A4.

Chromium is a required component: when it is missing these tests fail (never skip).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from monitor.export.charts import charts
from monitor.export.html import MISSED_MARK, render_html, write_html

CHROMIUM = "/usr/bin/chromium"
A4_LANDSCAPE_PX = (1123, 794)  # 297 × 210 mm at 96 dpi
A4_LANDSCAPE_PT = (841.92, 595.2)


def _chromium(*args: str, tmp_path: Path) -> None:
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}", *args],
        check=True, capture_output=True, timeout=90,
    )


def test_html_is_self_contained_with_embedded_charts(year_table):
    drawn = charts(year_table)
    text = render_html(year_table, drawn)
    assert text.count('src="data:image/png;base64,') == len(drawn) > 0
    assert not re.search(r'(src|href)="(http|//)', text)  # nothing fetched from elsewhere
    assert '<html lang="nl">' in text and '<meta charset="utf-8">' in text


def test_html_has_a_row_per_indicator_and_marks_missed_norms(year_table):
    text = render_html(year_table)
    assert text.count("<tr data-indicator=") == len(year_table.rows)
    phone = next(line for line in text.split("<tr ") if "Klanttevredenheid telefoonnummer 14 050" in line)
    assert f'class="num total miss"><span aria-label="norm niet gehaald">{MISSED_MARK}</span>' in phone
    assert 'class="text status-miss">voldoet niet' in phone


def test_print_css_sets_a4_repeats_header_and_keeps_rows_whole(year_table, month_table):
    text = render_html(year_table)
    assert "@page { size: A4 landscape;" in text
    assert "thead { display: table-header-group; }" in text
    assert "break-inside: avoid" in text and "print-color-adjust: exact" in text
    assert "@page { size: A4 portrait;" in render_html(month_table)


@pytest.mark.integration
def test_html_renders_in_headless_chromium_screenshot_not_blank(year_table, tmp_path):
    page = write_html(year_table, tmp_path / "export.html", charts(year_table))
    shot = tmp_path / "export.png"
    width, height = A4_LANDSCAPE_PX
    _chromium(f"--screenshot={shot}", f"--window-size={width},{height}", page.as_uri(), tmp_path=tmp_path)
    assert shot.exists()
    with Image.open(shot) as image:
        assert image.size == (width, height)
        gray = image.convert("L")
        assert ImageStat.Stat(gray).var[0] > 500  # text, table lines, fills: far from a blank page
        # The table's light red fill (#ffc7ce) for missed norms is on the page.
        colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}
        assert (0xFF, 0xC7, 0xCE) in colours


@pytest.mark.integration
def test_html_prints_to_a4_landscape_pages_with_charts_on_their_own_page(year_table, tmp_path):
    page = write_html(year_table, tmp_path / "export.html", charts(year_table))
    pdf = tmp_path / "export.pdf"
    _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri(), tmp_path=tmp_path)
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf.read_bytes())
    assert len(boxes) >= 2  # the table, then the charts from a new page
    for w, h in boxes:
        assert float(w) == pytest.approx(A4_LANDSCAPE_PT[0], abs=1.5)
        assert float(h) == pytest.approx(A4_LANDSCAPE_PT[1], abs=1.5)

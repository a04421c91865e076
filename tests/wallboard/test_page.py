"""The board's static page: colours readable on the dark background, no inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "wallboard" / "static"
TEMPLATES = STATIC.parent / "templates"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("colour", ["--text", "--muted", "--ok", "--near", "--bad"])
@pytest.mark.parametrize("background", ["--bg", "--tile"])
def test_text_and_status_colours_meet_wcag_aa_on_the_dark_background(colour, background):
    variables = dict(re.findall(r"(--[a-z]+):\s*(#[0-9a-f]{6})", (STATIC / "board.css").read_text()))
    assert _contrast(variables[colour], variables[background]) >= 4.5


def test_pages_carry_no_inline_script_or_style():
    for template in TEMPLATES.glob("*.html"):
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))", html), template
        assert "style=" not in html and "<style" not in html, template
        assert not re.search(r"\son[a-z]+\s*=", html), template  # no event-handler attributes

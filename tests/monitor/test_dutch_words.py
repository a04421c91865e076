"""Every Dutch word a user reads is spelled in ``monitor/nl.py``: no copy in the dashboards, report or export.

The check is a heuristic over the modules' string literals (``ast``), so it can
miss a word and is kept honest by tests of its own below. What it does:

* It reads every string literal and f-string (its fixed parts, ``{}`` for each
  value) except docstrings and bare string statements (documentation, English).
* It skips literals without whitespace that start with a lower-case letter:
  identifiers, slugs and label values (``"wachttijd_balie"``, ``"positief"``,
  ``"kcc-worker"``) look exactly like Dutch single words (``"open"``, ``"actief"``),
  so lower-case single words are *not* caught; capitalised ones (``"Balie"``) are.
* It splits the rest on whitespace, strips punctuation around each word, drops
  ``class="..."`` attributes (CSS class names are code) and words with inner
  punctuation (``td.norm``, ``e-mails``), and flags the literal when a word is in
  :data:`DUTCH` — common Dutch words that are not also English words, so English
  operator messages stay unflagged — or when the literal *starts* with "norm"
  (``"Norm: …"``, ``"norm: …"``; inside a sentence "norm" is English too).

A flagged literal belongs in ``monitor/nl.py``; a word the list lacks is added
here, never a literal excused.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from monitor import nl

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("dashboards", "monitor/report.py", "monitor/export", "monitor/rules", "kcc/commands", "wallboard")
"""Where user-facing words were (or alert texts could be) copied; ``kcc/commands`` keeps its English
operator messages, which the scan leaves alone."""

DUTCH = frozenset("""
    aandeel aantal aantallen afgelopen alle balie bellers berichten bereikbaarheid bezoekers binnen brieven
    de deze dit een eenheid gebeurtenissen gegevens geen gehaald geholpen gemeente gemeenten gemiddelde
    gesprekken grafieken het indicatoren jaar kantoor klaar kolom langste laatste lezen locatie maand minuten
    niet nu onderbouwing onderdeel ongeldige opbouwen periode rapporten regels rijen rood seconde seconden
    sinds staven tekenen telefoon terugbellen terugbelverzoeken termijn tot totaal uur vanaf vandaag verwerking
    voldoet voorlopig vorig waarde waarschuwing wachtenden wachtrij wachtrijen wachttijd wd werkdag werkdagen
""".split())
"""Dutch words that are not English words (all lower case)."""


def _texts(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, text) of every string literal and f-string that is not documentation."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            skip.add(id(node.value))
        if isinstance(node, ast.JoinedStr):
            skip.update(id(part) for part in ast.walk(node) if part is not node)
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values)
            found.append((node.lineno, text))
    return found


def looks_dutch(text: str) -> bool:
    """The heuristic of the module docstring, for one literal."""
    if not re.search(r"\s", text) and not text[:1].isupper():
        return False
    words = [w.strip(".,:;!?()[]{}'\"<>").lower() for w in re.sub(r'class="[^"]*"', " ", text).split()]
    words = [w for w in words if w.isalpha()]
    return bool(words) and (words[0] == "norm" or any(w in DUTCH for w in words))


def dutch_literals(source: str, name: str = "<source>") -> list[str]:
    return [f"{name}:{line}: {text!r}" for line, text in _texts(ast.parse(source)) if looks_dutch(text)]


def _modules() -> list[Path]:
    paths: list[Path] = []
    for entry in SCANNED:
        path = ROOT / entry
        paths += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return paths


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_spells_no_dutch_word_outside_the_vocabulary(path: Path) -> None:
    assert dutch_literals(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))) == []


def test_the_scan_flags_a_copied_title_description_header_and_norm_label() -> None:
    source = '''
def panel(m):
    title = "Wachtrijen"
    stat("Bereikbaarheid vandaag", description=f"Rood vanaf {m.limit:g} s (alarmgrens).")
    header = ("Indicator", "Onderdeel")
    return f"Norm: {m.label}.", "norm: " + m.label
'''
    flagged = dutch_literals(source)
    assert {entry.split(": ", 1)[1] for entry in flagged} == {
        "'Wachtrijen'", "'Bereikbaarheid vandaag'", "'Rood vanaf {} s (alarmgrens).'", "'Onderdeel'",
        "'Norm: {}.'", "'norm: '"}


def test_the_scan_leaves_docstrings_identifiers_css_and_english_messages_alone() -> None:
    source = '''
"""Dutch words in a docstring: de wachttijd van het gesprek."""
INDICATOR = "wachttijd_balie"
CSS = "td.norm { min-width: 7em; }"
def f(x):
    """Niet gehaald: documentation."""
    "an attribute docstring, also in Dutch: voldoet niet"
    cell = '<td class="text norm">x</td>'
    raise ValueError(f"{x}: norms of {x} mix >= and <=; the norm has no target")
'''
    assert dutch_literals(source) == []


@pytest.mark.parametrize("group", [nl.Dashboards, nl.WallboardDashboard, nl.TeamleadDashboard,
                                   nl.ProgrammeDashboard, nl.ReportTable, nl.Export],
                         ids=lambda g: g.__name__)
def test_the_scan_would_flag_every_phrase_of_the_vocabulary_copied_elsewhere(group: type) -> None:
    """The word list keeps up with the vocabulary: each multi-word phrase of a screen's words is recognised."""
    phrases = [value for name, value in vars(group).items()
               if not name.startswith("_") and isinstance(value, str) and " " in value]
    assert phrases
    assert [p for p in phrases if not looks_dutch(p)] == []

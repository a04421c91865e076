"""Dutch words and number formatting for the export, as the programme texts write them.

Controllers paste the export into the *programmabegroting* and *jaarstukken*, so
rows carry the indicator names of the seeds ("Terugbellen binnen 1 werkdag",
"Klanttevredenheid publieksbalie Kreupelstraat"), norms read like the texts
("minimaal 80%", "maximaal 5 min", "ten minste gelijk aan vorig jaar") and
numbers use the Dutch decimal comma and thousands dot ("83,0%", "4,3 min",
"7,8", "1.234"). No value is shown as "–", as the texts do.

Everything here only formats; no number is computed (values come from the
report rows of ``monitor.report``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from monitor.config import OTHER, Municipality, Norm
from monitor.periods import Period

DASH = "–"
"""Shown where there is no value (the texts' *streepje*)."""

PROVISIONAL_MARK = "*"
PROVISIONAL_NOTE = "* voorlopig: nog niet alle uitkomsten bekend"
NO_DATA_NOTE = "– geen gegevens in deze periode"

STATUS_LABELS: dict[str, str] = {
    "meets_norm": "voldoet",
    "misses_norm": "voldoet niet",
    "no_norm": "geen norm",
    "no_data": "geen gegevens",
}

UNIT_LABELS: dict[str, str] = {
    "ratio": "%",
    "minutes": "min",
    "seconds": "sec",
    "grade": "cijfer",
    "count": "aantal",
}

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli",
          "augustus", "september", "oktober", "november", "december")
MONTHS_SHORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")

_VISIT_TYPES = {"appointment": "op afspraak", "walk_in": "vrije inloop"}
_CONTACT_CHANNELS = {"phone": "telefoon", "counter": "balie", "post": "post",
                     "email": "e-mail", "digital": "digitaal"}


# ---------------------------------------------------------------- numbers

def dutch_number(value: float, decimals: int = 0) -> str:
    """``1234.5`` → ``"1.234,5"``: thousands dot, decimal comma.

    Rounds half up on the shortest decimal form of the float (7.35 → "7,4"), as
    Excel displays the same number, so the XLSX and the text exports agree.
    """
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{exact:,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0,0"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_value(value: float | None, unit: str) -> str:
    """A realised value for people: ratio 0.83 → "83,0%", minutes → "4,3 min",
    seconds → "42 sec", grade → "7,8", count → "1.234"; ``None`` → "–"."""
    if value is None:
        return DASH
    if unit == "ratio":
        return f"{dutch_number(value * 100, 1)}%"
    if unit == "minutes":
        return f"{dutch_number(value, 1)} min"
    if unit == "seconds":
        return f"{dutch_number(value, 0)} sec"
    if unit == "grade":
        return dutch_number(value, 1)
    if unit == "count":
        return dutch_number(value, 0)
    return dutch_number(value, 2)


def format_target(value: float, unit: str) -> str:
    """A norm target as the texts write it: 0.8 → "80%", 0.975 → "97,5%", 5 → "5 min", 7.5 → "7,5"."""
    if unit == "ratio":
        return f"{_trim(value * 100)}%"
    if unit == "minutes":
        return f"{_trim(value)} min"
    if unit == "seconds":
        return f"{_trim(value)} sec"
    if unit == "count":
        return dutch_number(value, 0)
    return _trim(value)


def _trim(value: float) -> str:
    """Up to two decimals, without trailing zeros: 8 → "8", 7.5 → "7,5"."""
    text = dutch_number(round(value, 2), 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


# ---------------------------------------------------------------- norms

_OP_WORDS = {">=": "minimaal", "<=": "maximaal", ">": "meer dan", "<": "minder dan"}
_PREVIOUS_YEAR_WORDS = {">=": "ten minste gelijk aan vorig jaar", ">": "hoger dan vorig jaar",
                        "<=": "niet hoger dan vorig jaar", "<": "lager dan vorig jaar"}


def norm_label(norm: Mapping[str, Any] | None, unit: str, indicator: str,
               scope: Mapping[str, str], municipality: Municipality,
               months: tuple[int, ...] = ()) -> str:
    """The norm of a report row as the programme text writes it.

    Uses the configured ``Norm.label`` of the norm the row's norm came from
    (same indicator, operator, target or comparison, scope part of the row's
    scope, months overlapping ``months``); otherwise generates the words from
    ``op``/``target``/``unit``. No norm → "".
    """
    if not norm:
        return ""
    if norm.get("label"):
        return str(norm["label"])
    configured = _configured_norm(norm, indicator, scope, municipality, months)
    if configured is not None and configured.label:
        return configured.label
    op = str(norm.get("op", ">="))
    if norm.get("compare") == "previous_year" or (configured is not None and configured.compare):
        return _PREVIOUS_YEAR_WORDS.get(op, f"{op} vorig jaar")
    target = norm.get("target")
    if target is None:
        return ""
    return f"{_OP_WORDS.get(op, op)} {format_target(float(target), unit)}"


def _configured_norm(norm: Mapping[str, Any], indicator: str, scope: Mapping[str, str],
                     municipality: Municipality, months: tuple[int, ...]) -> Norm | None:
    candidates = [
        n for n in municipality.norms
        if n.indicator == indicator and n.op == norm.get("op")
        and all(scope.get(k) == v for k, v in n.scope.items())
        and (not months or n.months is None or set(n.months) & set(months))
    ]
    target = norm.get("target")
    if norm.get("compare") == "previous_year":
        exact = [n for n in candidates if n.compare == "previous_year"]
    elif target is not None:
        exact = [n for n in candidates if n.target is not None and abs(n.target - float(target)) < 1e-9]
        if not exact:  # a previous-year norm whose target the report filled in with last year's value
            exact = [n for n in candidates if n.compare == "previous_year"]
    else:
        exact = candidates
    # The most specific norm (largest scope) is the one that applied.
    exact.sort(key=lambda n: -len(n.scope))
    return exact[0] if exact else None


def uses_previous_year(municipality: Municipality) -> bool:
    """Whether any of the municipality's norms compares with the previous year (Hengelo)."""
    return any(n.compare == "previous_year" for n in municipality.norms)


# ---------------------------------------------------------------- indicator names

def _humanize(slug: str) -> str:
    """``stedelijk-beheer`` → ``Stedelijk beheer``; the bounded label ``other`` → ``overig``."""
    if slug == OTHER:
        return "overig"
    text = slug.replace("-", " ").replace("_", " ")
    return text[:1].upper() + text[1:]


def location_name(municipality: Municipality, slug: str) -> str:
    """Display name of a location (``location_names`` from the configuration)."""
    return municipality.location_names.get(slug) or _humanize(slug)


def phone_number(line: str) -> str:
    """``14050`` → ``14 050`` (how the texts write the 14+area-code numbers)."""
    return f"{line[:2]} {line[2:]}" if len(line) == 5 and line.startswith("14") else line


def _suffix(scope: Mapping[str, str], municipality: Municipality, skip: set[str]) -> str:
    parts = []
    for dim, value in scope.items():
        if dim in skip:
            continue
        if dim == "line":
            parts.append(f"lijn {value}")
        elif dim == "queue":
            parts.append(f"wachtrij {_humanize(value)}")
        elif dim == "department":
            parts.append(f"afdeling {_humanize(value)}")
        elif dim == "location":
            parts.append(location_name(municipality, value))
        elif dim == "visit_type":
            parts.append(_VISIT_TYPES.get(value, _humanize(value)))
        elif dim == "channel":
            parts.append(_CONTACT_CHANNELS.get(value, _humanize(value)))
        else:
            parts.append(f"{dim} {value}")
    return "".join(f", {p}" for p in parts)


def indicator_label(indicator: str, scope: Mapping[str, str], municipality: Municipality) -> str:
    """The Dutch row name for an indicator and scope, as in the seeds.

    ``klanttevredenheid`` with ``{"channel": "counter", "location": "kreupelstraat"}``
    → "Klanttevredenheid publieksbalie Kreupelstraat".
    """
    scope = dict(scope)
    maker = _LABELS.get(indicator)
    if maker is None:
        return _humanize(indicator) + _suffix(scope, municipality, set())
    return maker(scope, municipality)


def _phone_label(base: str, *, line_inline: bool = False):
    def make(scope: dict[str, str], m: Municipality) -> str:
        head = base
        skip: set[str] = set()
        if line_inline and "line" in scope:
            head = f"{base} {scope['line']}"
            skip.add("line")
        return head + _suffix(scope, m, skip)
    return make


def _servicelevel(scope: dict[str, str], m: Municipality) -> str:
    seconds = _trim(m.thresholds.service_level_seconds)
    return f"% bellers binnen {seconds} seconden geholpen" + _suffix(scope, m, set())


def _callback(days: int):
    words = "1 werkdag" if days == 1 else f"{days} werkdagen"

    def make(scope: dict[str, str], m: Municipality) -> str:
        return f"Terugbellen binnen {words}" + _suffix(scope, m, set())
    return make


def _counter_wait(scope: dict[str, str], m: Municipality) -> str:
    head = "Gemiddelde wachttijd balie"
    if "location" in scope:
        head += f" {location_name(m, scope['location'])}"
    if "visit_type" in scope:
        head += f" ({_VISIT_TYPES.get(scope['visit_type'], scope['visit_type'])})"
    return head + _suffix(scope, m, {"location", "visit_type"})


def _counter_within(scope: dict[str, str], m: Municipality) -> str:
    minutes = m.thresholds.counter_wait_minutes
    visit_type = scope.get("visit_type")
    if visit_type == "appointment":
        head = f"Wachttijd: bezoekers op afspraak, geholpen binnen {_trim(minutes.appointment)} minuten"
    elif visit_type == "walk_in":
        head = f"Wachttijd: bezoekers vrije inloop, geholpen binnen {_trim(minutes.walk_in)} minuten"
    else:
        head = "Wachttijd: bezoekers geholpen binnen de norm"
    return head + _suffix(scope, m, {"visit_type"})


def _satisfaction(scope: dict[str, str], m: Municipality) -> str:
    channel = scope.get("channel")
    skip = {"channel"}
    if channel is None and "location" in scope:  # every channel's answers about a location
        head = f"Klanttevredenheid {location_name(m, scope['location'])} (alle kanalen)"
        skip.add("location")
    elif channel == "counter":
        head = "Klanttevredenheid publieksbalie"
        if "location" in scope:
            head += f" {location_name(m, scope['location'])}"
            skip.add("location")
    elif channel == "phone":
        head = f"Klanttevredenheid telefoonnummer {phone_number(m.lines[0])}" if m.lines \
            else "Klanttevredenheid telefoon"
    elif channel == "website":
        head = "Klanttevredenheid Website"
    elif channel == "email":
        head = "Klanttevredenheid e-mail"
    elif channel is None:
        head = "Klanttevredenheid alle kanalen"
    else:
        head = f"Klanttevredenheid {_humanize(channel)}"
    return head + _suffix(scope, m, skip)


def _positive(scope: dict[str, str], m: Municipality) -> str:
    channel = scope.get("channel")
    skip = {"channel"}
    where = ""
    if "location" in scope:
        where = f" {location_name(m, scope['location'])}"
        skip.add("location")
    if channel is None and where:  # every channel's answers about a location
        head = f"% klanten bij{where} dat positief is over dienstverlening (alle kanalen)"
    elif channel == "counter":
        head = f"% bezoekers van de balie{where} dat positief is over dienstverlening"
    elif channel == "phone":
        head = "% bellers met het KCC dat positief is over dienstverlening"
    elif channel == "website":
        head = "% bezoekers van de website dat positief is"
    elif channel == "email":
        head = "% e-mailers dat positief is over dienstverlening"
    elif channel is None:
        head = "% klanten dat positief is over dienstverlening"
    else:
        head = f"% klanten via {_humanize(channel)} dat positief is over dienstverlening"
    if where and channel not in (None, "counter"):
        skip.discard("location")
    return head + _suffix(scope, m, skip)


def _letters(scope: dict[str, str], m: Municipality) -> str:
    channel = scope.get("channel")
    what = {"post": "brieven (post)", "email": "e-mails", "": "brieven"}.get(channel or "", f"{channel}-berichten")
    return f"% {what} dat binnen de termijn beantwoord wordt" + _suffix(scope, m, {"channel"})


def _contacts(scope: dict[str, str], m: Municipality) -> str:
    channel = scope.get("channel")
    what = _CONTACT_CHANNELS.get(channel, _humanize(channel)) if channel else "totaal"
    return f"Aantal contacten {what}" + _suffix(scope, m, {"channel"})


_LABELS = {
    "bereikbaarheid": _phone_label("% telefonische bereikbaarheid", line_inline=True),
    "servicelevel": _servicelevel,
    "wachttijd_telefoon": _phone_label("Gemiddelde wachttijd telefoon"),
    "direct_geholpen": _phone_label("% bellers die direct zijn geholpen door KCC"),
    "terugbellen_1_werkdag": _callback(1),
    "terugbellen_2_werkdagen": _callback(2),
    "wachttijd_balie": _counter_wait,
    "balie_binnen_norm": _counter_within,
    "klanttevredenheid": _satisfaction,
    "positief": _positive,
    "brieven_binnen_termijn": _letters,
    "aandeel_digitaal": lambda scope, m: "Aandeel digitaal kanaal" + _suffix(scope, m, set()),
    "contacten": _contacts,
}


# ---------------------------------------------------------------- periods and dates

def period_title(period: Period) -> str:
    """"april 2026", "2e kwartaal 2026", "2026", "week 15 2026", "7 april 2026"."""
    first = period.first_day
    if period.kind == "month":
        return f"{MONTHS[first.month - 1]} {first.year}"
    if period.kind == "quarter":
        return f"{(first.month - 1) // 3 + 1}e kwartaal {first.year}"
    if period.kind == "year":
        return str(first.year)
    if period.kind == "week":
        return f"week {first.isocalendar().week} {first.isocalendar().year}"
    return f"{first.day} {MONTHS[first.month - 1]} {first.year}"


def month_column_title(period: Period, *, short: bool) -> str:
    """Column header of one month: "apr" in a year table, "april" in a quarter."""
    return (MONTHS_SHORT if short else MONTHS)[period.first_day.month - 1]


def format_timestamp(ts: datetime) -> str:
    """``2026-06-01T00:00+02:00`` → "1 juni 2026 00:00"."""
    return f"{ts.day} {MONTHS[ts.month - 1]} {ts.year} {ts:%H:%M}"

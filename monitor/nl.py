"""Every word a user reads, in Dutch, and how numbers are written: one vocabulary.

The report table, the export, the alert texts, the dashboards and the wallboard
take their words from here; nothing else spells a Dutch word for a status, a
unit, a month, a visit type or channel, a norm. Indicator titles are the
registry's (:func:`indicator_label`), so an indicator's name is in one place.

Public surface: :data:`STATUS`, :data:`UNITS`, :data:`OPS`, :data:`MONTHS`,
:data:`VISIT_TYPES`, :data:`CHANNELS`, :data:`WINDOWS`, :data:`DASHBOARDS`,
:func:`indicator_label` (short title), :func:`row_label` (the export's row name
per scope, as the seeds write it), :func:`dutch_number`, :func:`format_value`,
:func:`format_target`, :func:`norm_text`, the period titles, the alert
texts (:data:`ALERTS` and the ``*_alert_texts`` functions), and one namespace
of words per screen or file: :class:`Dashboards` (shared by the Grafana
dashboards), :class:`WallboardDashboard`, :class:`TeamleadDashboard`,
:class:`ProgrammeDashboard`, :class:`ReportTable` (``report --format table``)
and :class:`Export` (the export files, its progress bar and summary); the live
wallboard page (``wallboard/``) reads :data:`WALLBOARD`, :data:`BOARD_STATUS`,
:data:`BOARD_TREND`, :data:`STALE_REASONS`, :func:`board_value`, :func:`wait_clock`, :func:`norm_short`
and the state texts.
``tests/monitor/test_dutch_words.py`` fails when a Dutch literal appears in the
dashboards, the report, the export, the rules or the commands instead.

Controllers paste the export into the *programmabegroting* and *jaarstukken*,
so rows carry the indicator names of the seeds ("Terugbellen binnen 1 werkdag",
"Klanttevredenheid publieksbalie Kreupelstraat"), norms read like the texts
("minimaal 80%", "maximaal 5 min", "ten minste gelijk aan vorig jaar") and
numbers use the Dutch decimal comma and thousands dot ("83,0%", "4,3 min",
"7,8", "1.234"). No value is shown as "–", as the texts do.

Everything here only words and formats; no number is computed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from monitor.config import OTHER, Municipality, Norm
from monitor.indicators.spec import REGISTRY
from monitor.periods import Period

DASH = "–"
"""Shown where there is no value (the texts' *streepje*)."""

PROVISIONAL_MARK = "*"
PROVISIONAL_NOTE = f"{PROVISIONAL_MARK} voorlopig: nog niet alle uitkomsten bekend"
NO_DATA_NOTE = f"{DASH} geen gegevens in deze periode"

STATUS: dict[str, str] = {
    "meets_norm": "voldoet",
    "misses_norm": "voldoet niet",
    "no_norm": "geen norm",
    "no_data": "geen gegevens",
}
"""Row status (KPIS.md) → words."""

UNITS: dict[str, str] = {
    "ratio": "%",
    "minutes": "min",
    "seconds": "sec",
    "grade": "cijfer",
    "count": "aantal",
}
"""Unit → the unit word of a column."""

OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}
"""Norm operator → symbol (tables)."""
OP_WORDS = {">=": "minimaal", "<=": "maximaal", ">": "meer dan", "<": "minder dan"}
"""Norm operator → the programme texts' words."""
PREVIOUS_YEAR_WORDS = {">=": "ten minste gelijk aan vorig jaar", ">": "hoger dan vorig jaar",
                       "<=": "niet hoger dan vorig jaar", "<": "lager dan vorig jaar"}

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli",
          "augustus", "september", "oktober", "november", "december")
MONTHS_SHORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")

VISIT_TYPES = {"appointment": "op afspraak", "walk_in": "vrije inloop"}
CHANNELS = {"phone": "telefoon", "counter": "balie", "website": "website", "post": "post",
            "email": "e-mail", "digital": "digitaal"}
"""Channel slug (EVENTS.md) → word."""

WINDOWS = {"15m": "de afgelopen 15 minuten", "30m": "de afgelopen 30 minuten", "1h": "het afgelopen uur",
           "today": "vandaag", "month": "deze maand"}
"""Live window → words in a sentence."""

DASHBOARDS = {"wallboard": "Wallboard", "teamlead": "Teamleider", "programme": "Programmaverantwoording"}
"""Dashboard kind → title."""


def indicator_label(indicator: str, *, board: bool = False) -> str:
    """The indicator's short Dutch title ("Bereikbaarheid"), from the registry; ``board``: its shorter board
    title where it has one, for the wallboard's narrow queue tiles ("Direct" for "Direct geholpen")."""
    spec = REGISTRY[indicator]
    return (spec.board_title or spec.title) if board else spec.title


def scope_word(dimension: str, value: str) -> str | None:
    """The word for a visit type or channel value ("vrije inloop"), None for other dimensions' values."""
    return {"visit_type": VISIT_TYPES, "channel": CHANNELS}.get(dimension, {}).get(value)


def working_days_words(days: int) -> str:
    """1 → "1 werkdag", 2 → "2 werkdagen"."""
    return "1 werkdag" if days == 1 else f"{days} werkdagen"


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


def megabytes(count: int) -> str:
    """A byte count in megabytes (10⁶ bytes) with one decimal and a decimal comma: 12345678 → "12,3"."""
    return f"{count / 1e6:.1f}".replace(".", ",")


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


def norm_text(norm: Norm | None, unit: str) -> str:
    """A norm as the programme text writes it: its configured ``label``, else "minimaal 80%",
    "maximaal 5 min", "ten minste gelijk aan vorig jaar"; no norm → ""."""
    if norm is None:
        return ""
    if norm.label:
        return norm.label
    if norm.compare == "previous_year":
        return PREVIOUS_YEAR_WORDS.get(norm.op, f"{norm.op} vorig jaar")
    assert norm.target is not None  # a norm has a target or compares with the previous year
    return f"{OP_WORDS.get(norm.op, norm.op)} {format_target(norm.target, unit)}"


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


def department_name(slug: str) -> str:
    """Display name of a department: its slug in words (``werk-en-inkomen`` → ``Werk en inkomen``)."""
    return _humanize(slug)


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
            parts.append(f"afdeling {department_name(value)}")
        elif dim == "location":
            parts.append(location_name(municipality, value))
        elif dim == "visit_type":
            parts.append(VISIT_TYPES.get(value, _humanize(value)))
        elif dim == "channel":
            parts.append(CHANNELS.get(value, _humanize(value)))
        else:
            parts.append(f"{dim} {value}")
    return "".join(f", {p}" for p in parts)


def row_label(indicator: str, scope: Mapping[str, str], municipality: Municipality) -> str:
    """The Dutch row name for an indicator and scope, as in the seeds.

    ``klanttevredenheid`` with ``{"channel": "counter", "location": "kreupelstraat"}``
    → "Klanttevredenheid publieksbalie Kreupelstraat".
    """
    scope = dict(scope)
    maker = _LABELS.get(indicator)
    if maker is None:  # an indicator without its own wording: the registry's title
        return indicator_label(indicator) + _suffix(scope, municipality, set())
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
    words = working_days_words(days)

    def make(scope: dict[str, str], m: Municipality) -> str:
        return f"Terugbellen binnen {words}" + _suffix(scope, m, set())
    return make


def _counter_wait(scope: dict[str, str], m: Municipality) -> str:
    head = "Gemiddelde wachttijd balie"
    if "location" in scope:
        head += f" {location_name(m, scope['location'])}"
    if "visit_type" in scope:
        head += f" ({VISIT_TYPES.get(scope['visit_type'], scope['visit_type'])})"
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
    what = CHANNELS.get(channel, _humanize(channel)) if channel else "totaal"
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


# ---------------------------------------------------------------- alert texts
# Annotations are Go templates: ``{{ $labels.x }}`` and the value/gap templates are filled in by
# Prometheus when the alert fires (monitor/rules/gotemplate.py writes and renders them).

ALERTS: dict[str, tuple[str, str]] = {
    "bereikbaarheid": (
        "De bereikbaarheid",
        "Zet extra medewerkers op de telefoon (of haal ze van de backoffice), controleer of er genoeg "
        "medewerkers zijn ingelogd en zet zo nodig een wachtrijbericht met verwijzing naar de website aan."),
    "servicelevel": (
        "Het servicelevel",
        "Zet extra medewerkers op de telefoon en controleer de verdeling over de wachtrijen."),
    "wachttijd_telefoon": (
        "De gemiddelde wachttijd aan de telefoon",
        "Zet extra medewerkers op de telefoon en controleer de verdeling over de wachtrijen."),
    "direct_geholpen": (
        "Het aandeel direct geholpen bellers",
        "Controleer of de kennisbank en werkinstructies actueel zijn en welke vragen nu worden doorverbonden."),
    "terugbellen_1_werkdag": (
        "Het aandeel terugbelverzoeken dat binnen 1 werkdag is afgehandeld",
        "Vraag de afdeling de openstaande terugbelverzoeken vandaag af te handelen en spreek een vaste "
        "terugbelmedewerker af."),
    "terugbellen_2_werkdagen": (
        "Het aandeel terugbelverzoeken dat binnen 2 werkdagen is afgehandeld",
        "Vraag de afdeling de openstaande terugbelverzoeken vandaag af te handelen; escaleer naar de "
        "afdelingsmanager als het verzoeken van meer dan 2 werkdagen oud zijn."),
    "wachttijd_balie": (
        "De gemiddelde wachttijd aan de balie",
        "Open een extra balie of zet een medewerker van de backoffice in; informeer wachtende bezoekers."),
    "balie_binnen_norm": (
        "Het aandeel baliebezoekers dat binnen de norm is geholpen",
        "Open een extra balie of zet een medewerker van de backoffice in; informeer wachtende bezoekers."),
    "klanttevredenheid": (
        "Het gemiddelde klanttevredenheidscijfer",
        "Lees de toelichtingen bij de lage cijfers van vandaag en bespreek ze met het team."),
    "positief": (
        "Het aandeel positieve beoordelingen",
        "Lees de toelichtingen bij de lage cijfers van vandaag en bespreek ze met het team."),
    "brieven_binnen_termijn": (
        "Het aandeel brieven en e-mails binnen de termijn",
        "Verdeel de openstaande brieven en e-mails over de afdelingen en beantwoord eerst die bijna verlopen."),
}
"""Per indicator with norm alerts (``IndicatorSpec.alert``): (its name in a sentence, what the team lead does)."""

_ALERT_WHERE = {"line": "lijn {}", "queue": "wachtrij {}", "department": "afdeling {}", "location": "locatie {}",
                "visit_type": "{}", "channel": "kanaal {}"}


def alert_where(dimension: str, value: str | None) -> str:
    """Where a norm alert is, for one dimension: a configured value in words ("vrije inloop"), or
    ``value`` None for the alert's own label ("lijn {{ $labels.line }}")."""
    if value is None:
        return _ALERT_WHERE[dimension].format(f"{{{{ $labels.{dimension} }}}}")
    return scope_word(dimension, value) or _ALERT_WHERE[dimension].format(value)


def duration_words(seconds: float) -> str:
    """300 → "5 minuten", 90 → "90 seconden"."""
    number = f"{seconds / 60:g}" if seconds % 60 == 0 else f"{seconds:g}"
    return f"{number} minuten" if seconds % 60 == 0 else f"{number} seconden"


def norm_alert_texts(municipality: str, indicator: str, where: list[str], value: str, window: str,
                     norm: str, months: list[int] | None, gap: str) -> dict[str, str]:
    """Summary and description of a norm alert. ``value`` and ``gap`` are Go templates, ``norm`` the norm
    in words, ``where`` the scope words, ``window`` a live window ("1h")."""
    what, action = ALERTS[indicator]
    place = f" ({', '.join(where)})" if where else ""
    only = f" (deze norm geldt in maand {', '.join(map(str, months))})" if months else ""
    return {
        "summary": f"{municipality}: {what[0].lower()}{what[1:]}{place} haalt de norm niet ({value})",
        "description": (f"{what}{place} bij gemeente {municipality} is {value} over {WINDOWS[window]}; "
                        f"de norm is {norm}{only}. Verschil met de norm: {gap}. Wat te doen: {action}"),
    }


def caller_wait_alert_texts(municipality: str, limit_seconds: float) -> dict[str, str]:
    return {
        "summary": f"{municipality}: een beller wacht al {{{{ $value | humanizeDuration }}}} in wachtrij "
                   "{{ $labels.queue }}",
        "description": (
            f"In wachtrij {{{{ $labels.queue }}}} van gemeente {municipality} wacht een beller nu "
            f"{{{{ $value | humanizeDuration }}}}; de grens is {duration_words(limit_seconds)}. Wat te doen: neem "
            "direct gesprekken aan in deze wachtrij en zet extra medewerkers op de telefoon."),
    }


def silence_alert_texts(municipality: str, limit_seconds: float) -> dict[str, str]:
    return {
        "summary": f"{municipality}: al {{{{ $value | humanizeDuration }}}} geen events van bron "
                   "{{ $labels.family }}",
        "description": (
            f"De monitor heeft van gemeente {municipality} al {{{{ $value | humanizeDuration }}}} geen "
            f"{{{{ $labels.family }}}}-events ontvangen, tijdens openingstijd (grens "
            f"{duration_words(limit_seconds)}). De normmeldingen van deze gemeente zijn onderdrukt zolang dit "
            "duurt. Wat te doen: controleer de koppeling met het bronsysteem en of de worker draait."),
    }


def callbacks_alert_texts(municipality: str, working_days: int) -> dict[str, str]:
    return {
        "summary": f"{municipality}: {{{{ $value }}}} terugbelverzoek(en) van afdeling "
                   f"{{{{ $labels.department }}}} langer dan {working_days} werkdagen open",
        "description": (
            f"Afdeling {{{{ $labels.department }}}} van gemeente {municipality} heeft {{{{ $value }}}} "
            f"terugbelverzoek(en) die na {working_days} werkdagen nog niet zijn afgehandeld; de norm vraagt "
            f"afhandeling binnen {working_days} werkdagen. Wat te doen: vraag de afdeling deze burgers vandaag "
            "terug te bellen."),
    }


def pipeline_alert_texts(lag_limit: int, dead_letter_percent: str) -> dict[str, dict[str, str]]:
    """Texts of the pipeline alerts by alert name (they go to the operators)."""
    return {
        "KccWorkerDown": {
            "summary": "Worker {{ $labels.instance }} is niet bereikbaar",
            "description": "Prometheus kan worker {{ $labels.instance }} niet uitlezen. De andere workers nemen "
                           "zijn partities over; alle normmeldingen zijn onderdrukt zolang geen enkele worker "
                           "draait. Wat te doen: bekijk de logs van de worker en start hem opnieuw."},
        "KccGeenWorkers": {
            "summary": "Geen enkele worker van de KCC-monitor draait",
            "description": "Er is geen worker bereikbaar: de live cijfers staan stil en alle normmeldingen zijn "
                           "onderdrukt. Wat te doen: start de workers (kcc-monitor worker) en controleer Kafka."},
        "KccConsumerAchterstand": {
            "summary": "Workers lopen {{ $value }} berichten achter op topic {{ $labels.topic }}",
            "description": f"De workers lopen {{{{ $value }}}} berichten achter op topic {{{{ $labels.topic }}}} "
                           f"(grens {lag_limit}); de live cijfers lopen achter. Wat te doen: start "
                           "extra workers (maximaal één per partitie) of zoek de trage stap in de worker-logs."},
        "KccVeelOngeldigeBerichten": {
            "summary": "{{ $value | humanizePercentage }} van de berichten is ongeldig",
            "description": f"Over de afgelopen 15 minuten ging {{{{ $value | humanizePercentage }}}} van de "
                           f"berichten naar het dead-letter-topic (grens {dead_letter_percent}%). Wat te "
                           "doen: bekijk de reden per bericht (kcc_dead_letters_total{reason}) en neem contact op "
                           "met de leverancier van het bronsysteem."},
    }


# ---------------------------------------------------------------- screens and files
# One namespace per screen or file a user reads (never instantiated), each naming where its words
# appear. Words two screens share live in the shared namespace; an indicator's name is the
# registry's title (:func:`indicator_label`), never spelled again here.



class Dashboards:
    """What every Grafana dashboard shares (``dashboards/common.py``, ``panels.py``): the dashboard
    title, variables, legends, row titles and panels on more than one dashboard, norm descriptions."""

    MUNICIPALITY = "Gemeente"
    """Label of the hidden municipality constant."""
    LOCATION = "Locatie"
    ALL = "Alle"
    """The location picker's "all selected"."""
    TOTAL = "Totaal"
    """Legend of the whole-municipality series."""
    PHONE = "Telefoon"
    """Row title, and legend of the phone-wide live values."""
    COUNTER = "Balie"
    WAITING_PER_QUEUE = "Wachtenden per wachtrij"
    VISITORS_WAITING_PER_LOCATION = "Wachtenden balie per locatie"

    @staticmethod
    def title(municipality: str, kind: str) -> str:
        """"KCC Groningen — Wallboard"."""
        return f"KCC {municipality} — {DASHBOARDS[kind]}"

    @staticmethod
    def norm(label: str) -> str:
        """The norm behind a panel's colours, in its description: "Norm: minimaal 80%."."""
        return f"Norm: {label}."

    @staticmethod
    def field_norm(name: str, label: str) -> str:
        """The norm of one series with its own colours: "Norm Haren: maximaal 5 min."."""
        return f"Norm {name}: {label}."

    @staticmethod
    def counter_wait(visit_type: str) -> str:
        """"Wachttijd balie vrije inloop" (``visit_type`` in words)."""
        return f"{indicator_label('wachttijd_balie')} {visit_type}"

    @staticmethod
    def counter_within(minutes: float, visit_type: str) -> str:
        """"Binnen 5 min op afspraak"."""
        return f"Binnen {minutes:g} min {visit_type}"


class WallboardDashboard:
    """The Grafana wallboard (``dashboards/wallboard.py``): big tiles read from five metres, today
    since 0:00 and now."""

    QUEUES_AND_CALLBACKS = "Wachtrijen en terugbellen"
    """Row title."""
    WAITING_NOW = "Wachtenden nu"
    WAITING_NOW_HELP = "Bellers in de wachtrij volgens de laatste stand van het telefoniesysteem."
    LONGEST_WAIT_NOW = "Langste wachttijd nu"
    REACHABILITY_HELP = "Beantwoorde gesprekken ÷ (aangeboden − korte ophangers) sinds 0:00."
    REACHABILITY_PER_QUEUE = f"{indicator_label('bereikbaarheid')} per wachtrij vandaag"
    CALLBACKS_PAST_DEADLINE = "Terugbelverzoeken over termijn"
    CALLBACKS_PAST_DEADLINE_LEGEND = "> {{working_days}} werkdag"
    CALLBACKS_PAST_DEADLINE_HELP = "Open terugbelverzoeken waarvan de termijn (werkdagen) verstreken is."

    @staticmethod
    def today(what: str) -> str:
        """A tile over today: "Bereikbaarheid vandaag"."""
        return f"{what} vandaag"

    @staticmethod
    def longest_wait_help(limit_seconds: float) -> str:
        return f"Rood vanaf {limit_seconds:g} s (alarmgrens)."

    @staticmethod
    def servicelevel(seconds: float) -> str:
        """"Servicelevel vandaag (20 s)"."""
        return f"{indicator_label('servicelevel')} vandaag ({seconds:g} s)"

    @staticmethod
    def servicelevel_help(seconds: float) -> str:
        return f"Aandeel beantwoord binnen {seconds:g} seconden sinds 0:00."

    @staticmethod
    def counter_wait_help(visit_type: str) -> str:
        return f"Gemiddelde wachttijd {visit_type} sinds 0:00."

    @staticmethod
    def counter_within_help(minutes: float, visit_type: str) -> str:
        return f"Aandeel bezoekers {visit_type} binnen {minutes:g} minuten geholpen sinds 0:00."


class TeamleadDashboard:
    """The team lead's Grafana dashboard (``dashboards/teamlead.py``): trends over the last hour, callbacks
    and letters past their term, and the pipeline's health."""

    CALLBACKS_AND_LETTERS = "Terugbellen en brieven"
    """Row title."""
    PIPELINE = "Verwerking"
    """Row title."""
    PHONE_WAIT = "Gemiddelde wachttijd telefoon"
    LONGEST_WAIT_PER_QUEUE = "Langste wachttijd per wachtrij"
    CALLBACKS_OPEN = "Open terugbelverzoeken per afdeling"
    CALLBACKS_PAST_DEADLINE = "Terugbelverzoeken over termijn per afdeling"
    CALLBACKS_PAST_DEADLINE_LEGEND = "{{department}} (> {{working_days}} wd)"
    LETTERS_PAST_DUE = "Brieven en e-mails over termijn per afdeling"
    CALLBACKS_HELP = "Besliste verzoeken van vandaag: op tijd teruggebeld ÷ (op tijd + termijn verstreken)."
    EVENTS_PER_SECOND = "Events per seconde"
    DEAD_LETTERS_PER_SECOND = "Dead letters per seconde (alle gemeenten)"
    SECONDS_SINCE_EVENT = "Seconden sinds laatste event"
    CONSUMER_LAG = "Consumer lag per topic (berichten)"
    WORKERS = "Workers"
    WORKERS_HELP = "1 = Prometheus haalt de metrics van deze worker op; elke replica (docker compose --scale) apart."
    WORKER_UP = {"0": "onbereikbaar", "1": "actief"}
    """Worker scraped (``up``) → word."""
    OFFICE_OPEN = "Kantoor open"
    OFFICE = {"0": "gesloten", "1": "open"}
    """Office open (0/1) → word."""

    @staticmethod
    def last_hour(what: str) -> str:
        """A trend over a sliding hour: "Bereikbaarheid (afgelopen uur)"."""
        return f"{what} (afgelopen uur)"

    @staticmethod
    def servicelevel(seconds: float) -> str:
        """"Servicelevel 20 s"."""
        return f"{indicator_label('servicelevel')} {seconds:g} s"

    @staticmethod
    def callbacks_today(working_days: int) -> str:
        """"Terugbellen binnen 1 werkdag vandaag"."""
        return f"Terugbellen binnen {working_days_words(working_days)} vandaag"

    @staticmethod
    def silence_help(minutes: int) -> str:
        return f"Rood vanaf {minutes} minuten stilte (alarm tijdens kantooruren)."


class ProgrammeDashboard:
    """The programme dashboard (``dashboards/programme.py``): the month and the year so far against the
    norms, and the item counts behind the month."""

    MONTH_SO_FAR = "Deze maand (tot nu)"
    YEAR_SO_FAR = "Dit jaar (tot nu)"
    BASIS = "Onderbouwing"
    """Row title of the item counts."""
    ITEMS = "Aantallen deze maand"
    ITEMS_HELP = "Aantal items waarover de maandwaarde berekend is (n in de maandexport)."
    ITEMS_COLUMNS = {"indicator": "Indicator", "Value": "Aantal (maand)"}
    """Column name in the query result → column header."""


class ReportTable:
    """``kcc-monitor report --format table`` (``monitor/report.py``): a fixed-width table in Dutch."""

    HEADER = ("Indicator", "Onderdeel", "Waarde", "n", "Open", "Norm", "Status")
    WHOLE = "totaal"
    """The *Onderdeel* of a whole-municipality row."""
    PROVISIONAL = f"{PROVISIONAL_MARK} voorlopig: er zijn nog open items (kolom Open)"

    @staticmethod
    def heading(municipality: str, period: str, first_day: str, last_day: str, as_of: str) -> str:
        """"Gemeente groningen · periode 2026-04 (2026-04-01 t/m 2026-04-30) · stand 2026-05-01T00:00:00+02:00"."""
        return f"Gemeente {municipality} · periode {period} ({first_day} t/m {last_day}) · stand {as_of}"

    @staticmethod
    def invalid_lines(count: int) -> str:
        return f"Ongeldige regels overgeslagen: {count}"


class Export:
    """``kcc-monitor export`` (``monitor/export/``): title, column headers, footnotes and chart notes of the
    XLSX, CSV, Markdown and HTML files, the progress bar and the summary on stderr."""

    INDICATOR_COLUMN = "Indicator"
    NORM_COLUMN = "Norm"
    UNIT_COLUMN = "Eenheid"
    STATUS_COLUMN = "Status"
    COUNT_COLUMN = "Aantal (n)"
    PROVISIONAL_COLUMN = "Voorlopig"
    """CSV column: "ja" when a value of the row is provisional."""
    YES, NO = "ja", "nee"
    MUNICIPALITY_WIDE = "gemeente"
    """Scope shown after a row name two rows share, for the whole municipality ("[gemeente]")."""
    SHEET = "Indicatoren"
    """The XLSX table sheet."""
    CHARTS = "Grafieken"
    """The XLSX chart sheet and the HTML chart section."""
    CHARTS_NOTE = "Staven: realisatie per maand; gestreepte lijn: de norm. Gearceerde staven halen de norm niet."
    MISSED = "norm niet gehaald"
    """Read out (HTML ``aria-label``) for the marker before a missed value."""
    PREVIOUS_YEAR_NOTE = ("Vorig jaar: dezelfde periode een jaar eerder, ter vergelijking met normen "
                          "die ten opzichte van vorig jaar gelden.")
    CHART_AXES = {"ratio": "%", "minutes": "minuten", "seconds": "seconden", "grade": "cijfer (1–10)",
                  "count": "aantal"}
    """Unit → y-axis label of a chart."""
    CHART_NO_DATA = STATUS["no_data"]
    """Written across a chart without a single value."""
    CHART_NORM = "norm"
    """Legend of the norm line when the norm has no words."""
    READING_EVENTS = "Gebeurtenissen lezen"
    BUILDING_REPORTS = "Rapporten opbouwen"
    DRAWING_CHARTS = "Grafieken tekenen"
    """Progress bar steps."""

    @staticmethod
    def title(municipality: str, period: Period) -> str:
        """"Prestatie-indicatoren dienstverlening gemeente Groningen — 2e kwartaal 2026"."""
        return f"Prestatie-indicatoren dienstverlening gemeente {municipality} — {period_title(period)}"

    @staticmethod
    def subtitle(as_of: datetime) -> str:
        return f"Stand per {format_timestamp(as_of)} · KCC Monitor"

    @staticmethod
    def previous_year_column(period: Period) -> str:
        """"Vorig jaar (2e kwartaal 2025)"."""
        return f"Vorig jaar ({period_title(period)})"

    @staticmethod
    def total_note(total_column: str) -> str:
        return (f"De kolom {total_column} is berekend over alle gebeurtenissen in de periode, niet als "
                "gemiddelde van de maanden.")

    @staticmethod
    def missed_note(mark: str) -> str:
        """The HTML legend of the missed-norm marker."""
        return f"{mark} vetgedrukt op rode achtergrond: {Export.MISSED}."

    @staticmethod
    def chart_norm(label: str) -> str:
        """Legend of the norm line: "norm: minimaal 80%"."""
        return f"{Export.CHART_NORM}: {label}" if label else Export.CHART_NORM

    @staticmethod
    def charts_title(title: str) -> str:
        return f"{Export.CHARTS} — {title}"

    @staticmethod
    def summary(rows: int, provisional: int, missed: int, out: str) -> str:
        """"Export klaar: 38 rijen, 4 voorlopig, 3 normen niet gehaald → out.xlsx"."""
        norms = "norm" if missed == 1 else "normen"
        return f"Export klaar: {rows} rijen, {provisional} voorlopig, {missed} {norms} niet gehaald → {out}"

    @staticmethod
    def invalid_lines(count: int, first: object) -> str:
        return f"Waarschuwing: {count} ongeldige regel(s) overgeslagen (eerste: {first})"


# ---------------------------------------------------------------- the wallboard (kcc-monitor wallboard)
# Big numbers, few words, read from 4 m: "87,9%", "4:35 min", "–" for nothing measured.

WALLBOARD: dict[str, str] = {
    "title": "Wallboard",
    "today": "Vandaag",
    "now": "Nu",
    "last_hour": "laatste uur",
    "choose": "Kies een gemeente",
    "phone": "Telefoon",
    "line": "Lijn",
    "waiting": "wachtend",
    "longest_wait": "langste wacht",
    "queues": "Wachtrijen",
    "callbacks": "Terugbellen",
    "open": "open",
    "over_deadline": "over termijn",
    "within_1": "binnen 1 werkdag",
    "within_2": "binnen 2 werkdagen",
    "counter": "Balie",
    "visitors_waiting": "wachtend",
    "appointment_short": "afspraak",
    "walk_in_short": "inloop",
    "wait": "wacht",
    "within_norm": "op tijd",  # the share of visitors helped within the norm wait; "binnen norm" is too wide
    "letters": "Brieven",  # letters and e-mails, as the indicator "Brieven binnen termijn" says
    "letters_over": "over termijn",
    "alerts": "Meldingen",
    "no_alerts": "Geen meldingen",
    "since": "sinds",
    "norm": "norm",
    "live": "live",
    "stale": "verouderd",
    "closed": "gesloten",
    "opens": "opent",
    "connecting": "verbinden …",
    "age": "oud",
    "min": "min",
    "not_found": "Onbekende gemeente",
    "forbidden": "Geen toegang: open de link met het toegangstoken.",
    "sound_on": "geluid aan",
}
"""Every word of the wallboard page (indicator names come from :func:`indicator_label`)."""

BOARD_STATUS: dict[str, tuple[str, str]] = {
    "ok": ("✓", "voldoet"),
    "near": ("▲", "bijna"),
    "bad": ("✕", "voldoet niet"),
    "none": ("", ""),
}
"""Tile status → (symbol, word): colour is never the only signal."""

BOARD_TREND: dict[str, tuple[str, str]] = {
    "up": ("↑", "laatste uur hoger dan vandaag"),
    "down": ("↓", "laatste uur lager dan vandaag"),
    "flat": ("→", "laatste uur gelijk aan vandaag"),
}
"""The last hour against today → (arrow, words for a screen reader and the tooltip)."""

STALE_REASONS: dict[str, str] = {
    "prometheus": "geen gegevens van Prometheus",
    "alertmanager": "geen meldingen van Alertmanager",
    "workers": "geen worker bereikbaar",
    "sources": "geen events van de bronnen",
    "server": "geen verbinding met de wallboard-server",
}
"""Why the board is stale, in words."""

WEEKDAYS_SHORT = ("ma", "di", "wo", "do", "vr", "za", "zo")


def wait_clock(seconds: float | None) -> str:
    """A wait on the board: ``275`` s → ``4:35`` (minutes:seconds, rounded to the second); None → "–"."""
    if seconds is None:
        return DASH
    total = int(round(seconds))
    return f"{total // 60}:{total % 60:02d}"


def board_value(value: float | None, unit: str) -> str:
    """A live figure on the board (live units): ratio ``87,9%``, seconds ``4:35``, grade ``7,8``, count ``1.234``."""
    if value is None:
        return DASH
    if unit == "seconds":
        return wait_clock(value)
    if unit == "count":
        return dutch_number(value, 0)
    return format_value(value, unit)


def norm_short(op: str, target: float, unit: str) -> str:
    """The norm beneath a tile: ``norm ≥ 85%``, ``norm ≤ 5 min`` (target in the report unit)."""
    return f"{WALLBOARD['norm']} {OPS[op]} {format_target(target, unit)}"


def limit_short(seconds: float) -> str:
    """A live limit beneath a tile: ``norm ≤ 5:00 min``."""
    return f"{WALLBOARD['norm']} {OPS['<=']} {wait_clock(seconds)} {WALLBOARD['min']}"


def opens_at(t: datetime) -> str:
    """``gesloten — opent di 08:30`` for the next opening instant ``t`` (local)."""
    return f"{WALLBOARD['closed']} — {WALLBOARD['opens']} {WEEKDAYS_SHORT[t.weekday()]} {t:%H:%M}"


def stale_text(since: datetime | None, reason: str) -> str:
    """``⚠ verouderd sinds 10:38 — geen gegevens van Prometheus`` (``⚠ verouderd — …`` without a time)."""
    when = f" {WALLBOARD['since']} {since:%H:%M}" if since is not None else ""
    return f"⚠ {WALLBOARD['stale']}{when} — {STALE_REASONS[reason]}"


def live_text(t: datetime) -> str:
    """``● live · 10:42:07`` (local time)."""
    return f"● {WALLBOARD['live']} · {t:%H:%M:%S}"


def age_text(seconds: float) -> str:
    """Age of a kept value: ``3 min oud`` / ``40 s oud``."""
    if seconds >= 60:
        return f"{int(seconds // 60)} {WALLBOARD['min']} {WALLBOARD['age']}"
    return f"{int(seconds)} s {WALLBOARD['age']}"

"""Every Dutch word of the wallboard and the Dutch number formats, in one place.

Numbers format the Dutch way (``87,9%``, ``4:35 min``, ``7,8``) and "–" stands
for "nothing measured", never 0. The page renders strings made here; its script
holds no words apart from the ones the server sends in the snapshot.
"""

from __future__ import annotations

from datetime import datetime

NO_DATA = "–"

WEEKDAYS_SHORT = ("ma", "di", "wo", "do", "vr", "za", "zo")

W = {
    "title": "Wallboard",
    "today": "Vandaag",
    "now": "Nu",
    "last_hour": "laatste uur",
    "choose": "Kies een gemeente",
    "phone": "Telefoon",
    "line": "Lijn",
    "waiting": "wachtend",
    "longest_wait": "langste wacht",
    "bereikbaarheid": "bereikbaarheid",
    "servicelevel": "servicelevel",
    "direct_geholpen": "direct geholpen",
    "queues": "Wachtrijen",
    "callbacks": "Terugbellen",
    "over_deadline": "over termijn",
    "within_1": "binnen 1 werkdag",
    "within_2": "binnen 2 werkdagen",
    "counter": "Balie",
    "visitors_waiting": "wachtend",
    "appointment": "op afspraak",
    "walk_in": "vrije inloop",
    "appointment_short": "afspraak",
    "walk_in_short": "inloop",
    "wait": "wacht",
    "within_norm": "binnen norm",
    "letters": "Brieven en e-mails",
    "letters_over": "over termijn",
    "alerts": "Meldingen",
    "no_alerts": "Geen meldingen",
    "since": "sinds",
    "norm": "norm",
    "live": "live",
    "stale": "verouderd sinds",
    "closed": "gesloten",
    "opens": "opent",
    "connecting": "verbinden …",
    "age": "oud",
    "min": "min",
    "not_found": "Onbekende gemeente",
    "forbidden": "Geen toegang: open de link met het toegangstoken.",
    "sound_on": "geluid aan",
}

STATUS = {
    "ok": ("✓", "voldoet"),
    "near": ("▲", "bijna"),
    "bad": ("✕", "voldoet niet"),
    "none": ("", ""),
}
"""Status → (symbol, word): colour is never the only signal."""

REASONS = {
    "prometheus": "geen gegevens van Prometheus",
    "alertmanager": "geen meldingen van Alertmanager",
    "workers": "geen worker bereikbaar",
    "sources": "geen events van de bronnen",
    "server": "geen verbinding met de wallboard-server",
}
"""Why the board is stale, in words."""

VALUE_NL = {
    ("visit_type", "appointment"): "op afspraak",
    ("visit_type", "walk_in"): "vrije inloop",
}


def percent(ratio: float | None) -> str:
    """``0.879`` → ``87,9%`` (one decimal); None → "–"."""
    if ratio is None:
        return NO_DATA
    return f"{ratio * 100:.1f}".replace(".", ",") + "%"


def minutes(seconds: float | None) -> str:
    """``275`` → ``4:35`` (minutes:seconds, rounded to the second); None → "–"."""
    if seconds is None:
        return NO_DATA
    total = int(round(seconds))
    return f"{total // 60}:{total % 60:02d}"


def count(value: float | None) -> str:
    """A whole number with a Dutch thousands dot: ``1234`` → ``1.234``; None → "–"."""
    if value is None:
        return NO_DATA
    return f"{int(round(value)):,}".replace(",", ".")


def decimal(value: float | None, digits: int = 1) -> str:
    """``7.84`` → ``7,8``; None → "–"."""
    if value is None:
        return NO_DATA
    return f"{value:.{digits}f}".replace(".", ",")


def clock(t: datetime) -> str:
    """``hh:mm:ss`` of a local time."""
    return t.strftime("%H:%M:%S")


def norm_text(op: str, target: float, unit: str) -> str:
    """``norm ≥ 85%`` / ``norm ≤ 5 min`` (target in the norm's configured unit: ratio 0..1 or minutes)."""
    sign = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}[op]
    if unit == "ratio":
        shown = f"{target * 100:g}".replace(".", ",") + "%"
    elif unit == "seconds":
        shown = f"{target:g}".replace(".", ",") + " " + W["min"]
    else:
        shown = f"{target:g}".replace(".", ",")
    return f"{W['norm']} {sign} {shown}"


def opens_at(t: datetime) -> str:
    """``gesloten — opent di 08:30`` for the next opening instant ``t`` (local)."""
    return f"{W['closed']} — {W['opens']} {WEEKDAYS_SHORT[t.weekday()]} {t:%H:%M}"


def stale_text(since: datetime | None, reason: str) -> str:
    """``⚠ verouderd sinds 10:38 — geen gegevens van Prometheus``."""
    when = f" {since:%H:%M}" if since is not None else ""
    return f"⚠ {W['stale']}{when} — {REASONS[reason]}"


def live_text(t: datetime) -> str:
    return f"● {W['live']} · {clock(t)}"


def age_text(seconds: float) -> str:
    """Age of a kept value: ``3 min oud`` / ``40 s oud``."""
    if seconds >= 60:
        return f"{int(seconds // 60)} {W['min']} {W['age']}"
    return f"{int(seconds)} s {W['age']}"

"""A configuration in which the municipalities are open right now (demo and live tests).

A demo started at night or at the weekend would show closed offices and no
events. Instead of faking event times, the demo moves every municipality into
one fixed-offset time zone (``Etc/GMT±N``) in which *now* is a working day
around late morning: events keep the real current time, so "today", sliding
windows, rates and alerts all work, and the worker, the simulator, the rules
and the wallboard read the same calendar. The board's clock shows the local
time of that zone. When it is Saturday or Sunday in every zone, the moved
configuration also makes every weekday a working day, so the demo and the live
wallboard tests work whenever they are started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from monitor.calendar import calendar_for
from monitor.config import WEEKDAYS, Config, Weekday

PREFERRED = time(11, 30)
"""Local time the chosen zone is closest to: walk-in and appointment hours both running."""


def _zone(offset_hours: int) -> str:
    # POSIX sign convention: Etc/GMT-9 is UTC+9.
    return "Etc/GMT" if offset_hours == 0 else f"Etc/GMT{-offset_hours:+d}"


@dataclass(frozen=True)
class OpenShift:
    """How to move a configuration so its offices are open now: a zone, and the working weekdays."""

    zone: str
    weekdays: tuple[Weekday, ...] | None = None
    """None: as configured. At the weekend (Saturday and Sunday in every zone) every day is a working day."""


def open_shift(config: Config, now: datetime) -> OpenShift | None:
    """The fixed-offset zone in which every municipality is open at ``now`` with at least an hour left,
    closest to :data:`PREFERRED`; at the weekend the same with every weekday a working day. None only when
    a closing day (e.g. Christmas) falls in every candidate zone."""
    zone = _open_zone(config, now)
    if zone is not None:
        return OpenShift(zone)
    every_day = {slug: m.model_copy(update={"working_weekdays": list(WEEKDAYS)})
                 for slug, m in config.municipalities.items()}
    zone = _open_zone(Config(municipalities=every_day), now)
    return OpenShift(zone, WEEKDAYS) if zone is not None else None


def _open_zone(config: Config, now: datetime) -> str | None:
    best: tuple[float, str] | None = None
    for offset in range(-12, 15):
        zone = _zone(offset)
        local = now.astimezone(ZoneInfo(zone))
        fits = True
        for m in config.municipalities.values():
            shifted = m.model_copy(update={"timezone": zone})
            calendar = calendar_for(shifted)
            hours = calendar.office_hours(local.date())
            left = (hours.close.hour * 60 + hours.close.minute) - (local.hour * 60 + local.minute)
            if not calendar.is_open(now) or left < 60:
                fits = False
                break
        if fits:
            distance = abs(local.hour * 60 + local.minute - (PREFERRED.hour * 60 + PREFERRED.minute))
            if best is None or distance < best[0]:
                best = (distance, zone)
    return best[1] if best else None


def write_config(config: Config, shift: OpenShift, directory: Path) -> Path:
    """Every municipality file of ``config`` moved by ``shift``, written to ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for slug, m in config.municipalities.items():
        data = {**m.model_dump(mode="json", exclude_defaults=False), "timezone": shift.zone}
        if shift.weekdays is not None:
            data["working_weekdays"] = list(shift.weekdays)
        (directory / f"{slug}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                encoding="utf-8")
    return directory

"""Panel colours from the municipality's norms: green meets the norm, orange is close, red misses it.

Grafana colours a value by static threshold steps, and norms differ per
municipality, so every dashboard is generated per municipality and its steps are
computed here from the norms in ``config/municipalities/*.yaml``. Red means
exactly what the alerts and the programme report call ``misses_norm``; orange is
a display margin on the meeting side (:data:`RATIO_MARGIN`, :data:`WAIT_MARGIN`),
so a team sees a value drifting towards the norm before it is missed.

A norm limited to some months (Amersfoort's walk-in norm: 90% in May–August,
93% otherwise) cannot be one static step; its steps are red below the most
lenient target (missed in every month), orange between the targets (met only in
the lenient months) and green from the strictest target. A norm relative to the
previous year has no static target: such panels keep a neutral colour and name
the norm in their description.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from monitor import nl
from monitor.config import Municipality, Norm
from monitor.indicators.spec import REGISTRY, to_live
from monitor.norms import applicable_norms

GREEN, ORANGE, RED, NEUTRAL = "green", "orange", "red", "blue"

RATIO_MARGIN = 0.02
"""Orange band above a ``>=`` ratio norm, ratio (2 percentage points)."""
GRADE_MARGIN = 0.25
"""Orange band above a ``>=`` grade norm, grade points."""
WAIT_MARGIN = 0.8
"""Orange starts at this fraction of a ``<=`` wait norm (e.g. 4 of 5 minutes)."""



@dataclass(frozen=True)
class Steps:
    """Threshold steps for one field: ``(base colour, [(from value, colour), ...])`` in metric units."""

    base: str
    steps: tuple[tuple[float, str], ...] = ()
    label: str = ""
    """The norm as the programme text writes it, for panel descriptions."""

    def as_list(self) -> list[tuple[float | None, str]]:
        """Grafana's order: base (value ``None`` = -∞) first, then ascending values (rounded: clean JSON)."""
        return [(None, self.base), *((round(float(v), 6), c) for v, c in self.steps)]


NO_NORM = Steps(NEUTRAL)


def applicable(municipality: Municipality, indicator: str, scope: Mapping[str, str]) -> list[Norm]:
    """Norms of ``indicator`` that apply to ``scope`` in some month (a live panel shows every month)."""
    return applicable_norms(municipality, indicator, scope)


def norm_steps(municipality: Municipality, indicator: str, scope: Mapping[str, str]) -> Steps:
    """Steps for a panel (or field) showing ``indicator`` for exactly ``scope``; neutral without a static norm."""
    norms = [n for n in applicable(municipality, indicator, scope) if n.target is not None]
    label = "; ".join(nl.norm_text(n, REGISTRY[indicator].unit) for n in applicable(municipality, indicator, scope))
    if not norms:
        return Steps(NEUTRAL, label=label)
    ops = {n.op for n in norms}
    unit = REGISTRY[indicator].unit
    targets = sorted({to_live(n.target, unit) for n in norms if n.target is not None})
    if ops <= {">=", ">"}:
        low, high = targets[0], targets[-1]
        if low == high:
            high = low + GRADE_MARGIN if unit == "grade" else min(low + RATIO_MARGIN, 1.0)
        steps = ((low, ORANGE), (high, GREEN)) if high > low else ((low, GREEN),)
        return Steps(RED, steps, label)
    if ops <= {"<=", "<"}:
        low, high = targets[0], targets[-1]
        orange_from = low * WAIT_MARGIN if low == high else low
        return Steps(GREEN, ((orange_from, ORANGE), (high, RED)), label)
    raise ValueError(f"{municipality.slug}: norms of {indicator} mix >= and <=")


def per_value_steps(
    municipality: Municipality, indicator: str, scope: Mapping[str, str], by: str, values: list[str]
) -> dict[str, Steps]:
    """Steps per value of dimension ``by`` whose norms differ from the panel's own (Grafana field overrides)."""
    base = norm_steps(municipality, indicator, scope)
    result = {}
    for value in values:
        steps = norm_steps(municipality, indicator, {**scope, by: value})
        if steps != base:
            result[value] = steps
    return result


def upper_limit_steps(limit: float, warn_fraction: float = 0.5) -> Steps:
    """Steps for a live value with a configured upper limit (e.g. the caller-wait alert, seconds)."""
    return Steps(GREEN, ((limit * warn_fraction, ORANGE), (limit, RED)))


ANY_IS_RED = Steps(GREEN, ((1, RED),))
"""A count where every item is a miss (open callbacks past their deadline)."""

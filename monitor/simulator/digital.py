"""E-forms: every day and evening, fewer on non-working days, with a survey for some."""

from __future__ import annotations


from monitor.simulator.day import Day
from monitor.simulator.draws import grade, poissonish
from monitor.simulator.model import (
    DEFAULT_DIGITAL_PRODUCTS, DIGITAL_CURVE, DIGITAL_SURVEY_DELAY_SECONDS, NON_WORKING_DIGITAL_FACTOR,
    OTHER_PRODUCT_WEIGHT, PRODUCT_WEIGHT, WORKING_DIGITAL_FACTOR,
)


def build(day: Day) -> None:
    """Every e-form completed on ``day`` (any day) inside the window, with its survey."""
    sim, m = day.sim, day.m
    if sim.digital_per_day <= 0:
        return
    rng = day.rng("digital")
    factor = WORKING_DIGITAL_FACTOR if day.working else NON_WORKING_DIGITAL_FACTOR
    products = m.products or DEFAULT_DIGITAL_PRODUCTS
    product_weights = [PRODUCT_WEIGHT.get(p, OTHER_PRODUCT_WEIGHT) for p in products]
    for n, t in enumerate(day.times(rng, poissonish(rng, sim.digital_per_day * factor), [(0, 86400)],
                                    lambda s: DIGITAL_CURVE[s // 3600])):
        if not day.inside(t):
            continue
        transaction_id = f"{day.prefix}d{n}"
        day.emit(t, "digital.completed", event_id=transaction_id, transaction_id=transaction_id,
                 product=rng.choices(products, weights=product_weights)[0])
        if rng.random() < sim.survey_share:
            survey_id = f"{day.prefix}s-d{n}"
            day.emit(t + rng.randint(*DIGITAL_SURVEY_DELAY_SECONDS), "survey.answered", event_id=survey_id,
                     survey_id=survey_id, channel="website", score=grade(rng, "website"))

"""Satisfaction indicators of one survey answer: ``klanttevredenheid`` (mean grade) and ``positief``
(share with score ≥ ``positive_from``), scope ``channel`` and — when the answer names one —
``location``. Scores are thousandths of a grade (exact)."""

from __future__ import annotations

from monitor.config import Municipality
from monitor.indicators.base import Contribution, ScopeKey, local_day, mean, ratio, scope_value
from monitor.records import SurveyRecord, to_milli


def contributions(record: SurveyRecord, municipality: Municipality, as_of_us: int) -> list[Contribution]:
    answered = record.answered
    if answered is None or answered[0] > as_of_us:
        return []
    ts_us, channel, location, score_milli = answered
    day = local_day(ts_us, municipality)
    scope: ScopeKey = (("channel", channel),)
    if location:
        scope += (("location", scope_value(municipality, "location", location)),)
    return [
        mean("klanttevredenheid", scope, day, score_milli),
        ratio("positief", scope, day, score_milli >= to_milli(municipality.thresholds.positive_from)),
    ]


def is_final(record: SurveyRecord, municipality: Municipality, as_of_us: int) -> bool:
    return record.answered is not None and record.answered[0] <= as_of_us

"""Satisfaction: mean grade and the share of positive answers (score ≥ positive_from)."""

from __future__ import annotations

from tests.events import event
from tests.monitor.reportkit import at, row

AS_OF = at("2026-05-01T00:00:00+02:00")
T = "2026-04-07T12:00:00+02:00"


def _answers(*scores: float, channel: str = "counter", location: str | None = None) -> list:
    extra = {"location": location} if location else {}
    return [event("survey.answered", T, survey_id=f"s{i}-{channel}-{location}", channel=channel, score=s, **extra)
            for i, s in enumerate(scores)]


def test_satisfaction_is_the_mean_grade(config):
    events = _answers(8, 7.5, 5.9, 6)
    got = row(events, config, "groningen", AS_OF, "klanttevredenheid")
    assert (got.n, got.sum) == (4, 27_400)
    assert got.value("grade") == 6.85


def test_positive_counts_scores_from_the_threshold_inclusive(config):
    got = row(_answers(8, 7.5, 5.9, 6), config, "groningen", AS_OF, "positief")
    assert (got.n, got.hits) == (4, 3)


def test_survey_rows_per_channel_and_per_location_when_named(config):
    events = _answers(9, 8, channel="counter", location="haren") + _answers(7, channel="website")
    assert row(events, config, "groningen", AS_OF, "klanttevredenheid", channel="counter").n == 2
    assert row(events, config, "groningen", AS_OF, "klanttevredenheid", location="haren").n == 2
    assert row(events, config, "groningen", AS_OF, "klanttevredenheid", channel="counter", location="haren").n == 2
    website = row(events, config, "groningen", AS_OF, "klanttevredenheid", channel="website")
    assert website.value("grade") == 7
    assert row(events, config, "groningen", AS_OF, "klanttevredenheid").n == 3


def test_a_duplicated_answer_counts_once(config):
    [answer] = _answers(4)
    again = event("survey.answered", T, event_id=answer.event_id, survey_id=answer.survey_id,
                  channel="counter", score=4)
    assert row([answer, again, answer], config, "groningen", AS_OF, "klanttevredenheid").n == 1

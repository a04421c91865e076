"""Letters: post registered in the morning, e-mail through the day, answered mostly within their term.

Most are answered within the configured term, the rest late; a few carry their own
``due_at``. An answer never leaves outside office hours: it goes out at the next
opening (and still in time if the opening is before the due time).
"""

from __future__ import annotations

from typing import Any

from monitor.simulator.day import Day
from monitor.simulator.draws import grade, poissonish, weights
from monitor.simulator.model import (
    DEFAULT_DEPARTMENTS, DEFAULT_LETTER_TERM_WORKING_DAYS, EMAIL_CURVE, EMAIL_CURVE_OTHER_HOURS, EMAIL_HOURS,
    EMAIL_SURVEY_DELAY_SECONDS, LETTER_ANSWER_BETA, LETTER_ANSWER_MAX_FRACTION, LETTER_LATE_SECONDS,
    LETTER_LATE_SHARE, LETTER_MIN_ANSWER_SECONDS, LETTER_NEXT_OPENING_SECONDS, LETTER_OWN_DUE_DAYS,
    LETTER_OWN_DUE_SHARE, POST_HOURS, POST_SHARE,
)


def build(day: Day) -> None:
    """Every letter received on ``day`` (a working day) with its answer and, for e-mail, survey."""
    sim, m = day.sim, day.m
    if sim.letters_per_working_day <= 0:
        return
    rng = day.rng("letters")
    departments = m.departments or DEFAULT_DEPARTMENTS
    dep_weights = weights(departments)
    n = poissonish(rng, sim.letters_per_working_day)
    n_post = sum(1 for _ in range(n) if rng.random() < POST_SHARE)
    post = day.times(rng, n_post, [POST_HOURS], lambda s: 1.0)
    email = day.times(rng, n - n_post, [EMAIL_HOURS], lambda s: EMAIL_CURVE.get(s // 3600, EMAIL_CURVE_OTHER_HOURS))
    received = sorted([(t, "post") for t in post] + [(t, "email") for t in email])
    calendar = day.calendar
    for n_letter, (t, channel) in enumerate(received):
        if not day.inside(t):
            continue
        letter_id = f"{day.prefix}l{n_letter}"
        department = rng.choices(departments, weights=dep_weights)[0]
        base = {"letter_id": letter_id, "channel": channel, "department": department}
        arrived = day.local(t)
        extra: dict[str, Any] = {}
        if rng.random() < LETTER_OWN_DUE_SHARE:
            due = calendar.add_calendar_days(arrived, LETTER_OWN_DUE_DAYS)
            extra["due_at"] = due
        else:
            term = m.thresholds.letter_terms.get(channel)
            if term is None:
                due = calendar.deadline(arrived, DEFAULT_LETTER_TERM_WORKING_DAYS[channel])
            elif term.kind == "working":
                due = calendar.deadline(arrived, term.days)
            else:
                due = calendar.add_calendar_days(arrived, term.days)
        day.emit(t, "letter.received", event_id=f"{letter_id}.r", **base, **extra)
        clock = calendar.clock_start(arrived)
        due_s, clock_s = int(due.timestamp()), int(clock.timestamp())
        if rng.random() < LETTER_LATE_SHARE:
            answer = due_s + rng.randint(*LETTER_LATE_SECONDS)
        else:
            fraction = min(LETTER_ANSWER_MAX_FRACTION, rng.betavariate(*LETTER_ANSWER_BETA))
            answer = clock_s + int((due_s - clock_s) * fraction)
        opened = int(calendar.clock_start(day.local(answer)).timestamp())
        if opened != answer:  # outside office hours: the answer goes out at the next opening
            answer = opened + rng.randint(*LETTER_NEXT_OPENING_SECONDS)
            if answer > due_s and opened <= due_s:
                answer = due_s
        answer = max(answer, t + LETTER_MIN_ANSWER_SECONDS)
        day.emit(answer, "letter.answered", event_id=f"{letter_id}.a", **base)
        if channel == "email" and rng.random() < sim.survey_share:
            survey_id = f"{day.prefix}s-l{n_letter}"
            day.emit(answer + rng.randint(*EMAIL_SURVEY_DELAY_SECONDS), "survey.answered", event_id=survey_id,
                     survey_id=survey_id, channel="email", score=grade(rng, "email"))

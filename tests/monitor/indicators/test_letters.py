"""Letters answered within their term: the event's own due_at, or the configured working/calendar days."""

from __future__ import annotations

from monitor.config import LetterTerm

from tests.events import event
from tests.monitor.reportkit import at, row

AS_OF = at("2026-06-01T00:00:00+02:00")


def _letter(letter_id: str, received: str, answered: str | None = None, *, channel: str = "email",
            due_at: str | None = None, municipality: str = "hengelo", department: str = "burgerzaken") -> list:
    common = {"letter_id": letter_id, "channel": channel, "department": department, "municipality": municipality}
    events = [event("letter.received", received, **({"due_at": due_at} if due_at else {}), **common)]
    if answered:
        events.append(event("letter.answered", answered, **common))
    return events


def test_a_letter_with_due_at_is_in_time_when_answered_by_then(config):
    due = "2026-04-10T17:00:00+02:00"
    events = (_letter("l1", "2026-04-01T10:00:00+02:00", "2026-04-10T17:00:00+02:00", due_at=due)
              + _letter("l2", "2026-04-01T10:00:00+02:00", "2026-04-10T17:00:01+02:00", due_at=due))
    got = row(events, config, "hengelo", AS_OF, "brieven_binnen_termijn")
    assert (got.n, got.hits, got.pending) == (2, 1, 0)


def test_a_letter_without_due_at_gets_the_working_day_term_of_its_channel(config):
    # Hengelo: e-mail within 1 working day; Friday 24 April 10:00 → Tuesday 28 April 10:00 (Koningsdag).
    events = (_letter("l1", "2026-04-24T10:00:00+02:00", "2026-04-28T10:00:00+02:00")
              + _letter("l2", "2026-04-24T10:00:00+02:00", "2026-04-28T10:00:01+02:00"))
    got = row(events, config, "hengelo", AS_OF, "brieven_binnen_termijn", channel="email")
    assert (got.n, got.hits) == (2, 1)


def test_a_calendar_day_term_counts_weekends_and_holidays(config):
    base = config["hengelo"]
    terms = {"post": LetterTerm(days=3, kind="calendar"), "email": LetterTerm(days=1, kind="working")}
    municipality = base.model_copy(update={"thresholds": base.thresholds.model_copy(update={"letter_terms": terms})})
    patched = type(config)(municipalities={**config.municipalities, "hengelo": municipality})
    # Friday 24 April 10:00 + 3 calendar days = Monday 27 April 10:00 (a working-day term would say Wednesday).
    events = (_letter("l1", "2026-04-24T10:00:00+02:00", "2026-04-27T10:00:00+02:00", channel="post")
              + _letter("l2", "2026-04-24T10:00:00+02:00", "2026-04-28T09:00:00+02:00", channel="post"))
    got = row(events, patched, "hengelo", AS_OF, "brieven_binnen_termijn", channel="post")
    assert (got.n, got.hits) == (2, 1)


def test_open_letters_are_late_after_due_and_pending_before(config):
    events = _letter("l1", "2026-04-24T10:00:00+02:00")
    before = row(events, config, "hengelo", at("2026-04-28T10:00:00+02:00"), "brieven_binnen_termijn")
    after = row(events, config, "hengelo", at("2026-04-28T10:00:01+02:00"), "brieven_binnen_termijn")
    assert (before.n, before.pending) == (0, 1)
    assert (after.n, after.hits, after.pending) == (1, 0, 0)

"""Contacts per channel and the digital share of all contacts."""

from __future__ import annotations

from tests.events import call, event
from tests.monitor.reportkit import at, row, rows

AS_OF = at("2026-05-01T00:00:00+02:00")
T = "2026-04-07T10:00:00+02:00"


def _contacts() -> list:
    return (call("k1", T) + call("k2", T, abandoned=("2026-04-07T10:00:03+02:00", 3))
            + [event("visit.checked_in", T, visit_id="v1", location="haren", visit_type="walk_in"),
               event("letter.received", T, letter_id="l1", channel="post", department="burgerzaken",
                     due_at="2026-04-20T17:00:00+02:00"),
               event("letter.received", T, letter_id="l2", channel="email", department="burgerzaken",
                     due_at="2026-04-10T17:00:00+02:00"),
               event("survey.answered", T, survey_id="s1", channel="website", score=8)]
            + [event("digital.completed", T, transaction_id=f"d{i}", product="uittreksel") for i in range(3)])


def test_contacts_are_counted_per_channel(config):
    found = rows(_contacts(), config, "groningen", AS_OF)
    counts = {dict(scope).get("channel", "totaal"): agg.n for (ind, scope), agg in found.items() if ind == "contacten"}
    assert counts == {"totaal": 8, "phone": 2, "counter": 1, "post": 1, "email": 1, "digital": 3}
    assert found[("contacten", ())].value("count") == 8


def test_digital_share_is_digital_over_all_contacts_without_scope(config):
    got = row(_contacts(), config, "groningen", AS_OF, "aandeel_digitaal")
    assert (got.n, got.hits, got.pending) == (8, 3, 0)
    assert got.value("ratio") == 3 / 8
    assert [key for (ind, key) in rows(_contacts(), config, "groningen", AS_OF) if ind == "aandeel_digitaal"] == [()]


def test_a_short_abandoned_call_is_still_a_contact(config):
    events = call("k2", T, abandoned=("2026-04-07T10:00:03+02:00", 3))
    assert row(events, config, "groningen", AS_OF, "contacten", channel="phone").n == 1

"""Demo scenarios: valid events (EVENTS.md) that make the intended norm slip."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from monitor.events import parse_event
from monitor.scenarios import COUNTER_WAIT_MINUTES, SCENARIOS, scenario_events

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_event_is_valid_and_unique_per_batch(config, name):
    first = scenario_events(name, config["groningen"], NOW, 0)
    second = scenario_events(name, config["groningen"], NOW, 1)
    for event in first + second:
        parse_event(json.dumps(event).encode(), config.slugs)
    ids = [e["event_id"] for e in first + second]
    assert len(ids) == len(set(ids))


def test_counter_understaffed_visitors_wait_beyond_the_walk_in_norm(config):
    m = config["groningen"]
    events = scenario_events("counter-understaffed", m, NOW, 0)
    checked_in = next(e for e in events if e["type"] == "visit.checked_in")
    called = next(e for e in events if e["type"] == "visit.called" and e["visit_id"] == checked_in["visit_id"])
    wait = datetime.fromisoformat(called["ts"]) - datetime.fromisoformat(checked_in["ts"])
    norm = next(n.target for n in m.norms if n.indicator == "wachttijd_balie" and n.scope == {"visit_type": "walk_in"})
    assert wait.total_seconds() / 60 == COUNTER_WAIT_MINUTES > norm
    assert checked_in["location"] == m.locations[0] and checked_in["visit_type"] == "walk_in"


def test_callback_backlog_requests_are_never_completed(config):
    events = scenario_events("callback-backlog", config["groningen"], NOW, 0)
    assert {e["type"] for e in events} == {"callback.requested"}


def test_an_unknown_scenario_is_refused(config):
    with pytest.raises(ValueError, match="unknown scenario"):
        scenario_events("fire-drill", config["groningen"], NOW, 0)

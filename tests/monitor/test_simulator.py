"""The simulator: deterministic, valid, ordered, and as busy as the seeds say.

A few simulated days only (one shared working week of Amersfoort and Nijmegen);
the monthly volume and speed are measured with the command, not here.
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitor.config import Config
from monitor.events import event_to_json, parse_event
from monitor.simulator import simulate, write_jsonl

AMS = ZoneInfo("Europe/Amsterdam")
WEEK_START = datetime(2026, 3, 9, tzinfo=AMS)  # Monday 9 .. Friday 13 March 2026: five working days, no peak
WEEK_END = WEEK_START + timedelta(days=5)


@pytest.fixture(scope="module")
def week(config: Config) -> list:
    return list(simulate(config, ["amersfoort", "nijmegen"], WEEK_START, WEEK_END, seed=1))


def _per_day(events: list, municipality: str, *types: str) -> float:
    return sum(1 for e in events if e.municipality == municipality and e.type in types) / 5


def _jsonl(config: Config, municipalities: list[str], start: datetime, days: float, seed: int) -> bytes:
    out = io.StringIO()
    write_jsonl(simulate(config, municipalities, start, start + timedelta(days=days), seed), out)
    return out.getvalue().encode()


def test_same_seed_gives_identical_bytes_and_another_seed_differs(config):
    start = datetime(2026, 4, 14, 8, tzinfo=AMS)
    first = _jsonl(config, ["hengelo"], start, 0.5, seed=5)
    assert first and first == _jsonl(config, ["hengelo"], start, 0.5, seed=5)
    assert first != _jsonl(config, ["hengelo"], start, 0.5, seed=6)


def test_a_seed_gives_the_same_bytes_as_the_model_it_was_calibrated_with(config):
    # Tuesday 7 April 2026, every municipality, seed 1: 32,583 events. The digest changes only
    # when the model changes on purpose (monitor/simulator/model.py); then update it and say why.
    day = _jsonl(config, sorted(config.slugs), datetime(2026, 4, 7, tzinfo=AMS), 1, seed=1)
    assert len(day.splitlines()) == 32_583
    assert hashlib.sha256(day).hexdigest() == "d4721ab498b7c67c04aa1c150256dfb12f474d31f17592064201d52fd2ae93a6"


def test_a_day_is_the_same_whatever_window_it_is_generated_in(config):
    day = datetime(2026, 3, 10, tzinfo=AMS)
    alone = _jsonl(config, ["hengelo"], day, 1, seed=1)
    with_neighbour = _jsonl(config, ["hengelo"], day - timedelta(days=1), 2, seed=1)
    # Items are named by the day they start on: "-260310-".
    started_that_day = [line for line in with_neighbour.splitlines(keepends=True) if b'-260310-' in line]
    assert alone.splitlines(keepends=True) == started_that_day


def test_every_event_of_every_municipality_is_valid_and_round_trips(config):
    # A Thursday (Amersfoort's evening opening) and a Saturday (e-forms only).
    for start in (datetime(2026, 3, 12, tzinfo=AMS), datetime(2026, 3, 14, tzinfo=AMS)):
        events = list(simulate(config, None, start, start + timedelta(days=1), seed=3))
        assert {e.municipality for e in events} == set(config.slugs)
        for event in events:
            assert parse_event(event_to_json(event), config.slugs) == event


def test_events_come_in_event_time_order_with_unique_ids(week):
    assert all(a.ts <= b.ts for a, b in zip(week, week[1:]))
    ids = Counter(e.event_id for e in week)
    assert ids.most_common(1)[0][1] == 1


def test_amersfoort_handles_about_740_calls_and_500_visitors_per_working_day(week):
    assert _per_day(week, "amersfoort", "call.offered") == pytest.approx(740, rel=0.15)
    assert _per_day(week, "amersfoort", "visit.checked_in", "visit.no_show") == pytest.approx(500, rel=0.15)


def test_nijmegen_handles_a_working_days_share_of_215000_calls_and_166000_visits_all_by_appointment(week):
    assert _per_day(week, "nijmegen", "call.offered") == pytest.approx(215_000 / 253, rel=0.15)
    assert _per_day(week, "nijmegen", "visit.checked_in", "visit.no_show") == pytest.approx(166_000 / 253, rel=0.15)
    assert {e.visit_type for e in week if e.municipality == "nijmegen" and e.type == "visit.checked_in"} \
        == {"appointment"}


def test_monday_is_the_busiest_day_on_the_phone(week):
    calls = Counter(e.ts.astimezone(AMS).weekday() for e in week if e.type == "call.offered")
    assert calls[0] == max(calls.values())
    assert calls[4] == min(calls.values())


def test_phone_peaks_mid_morning_and_is_quieter_after_lunch(week):
    hours = Counter(e.ts.astimezone(AMS).hour for e in week
                    if e.type == "call.offered" and e.municipality == "nijmegen")
    assert hours[10] > hours[14] > hours[16]
    assert hours[10] > hours[9]


def test_amersfoort_walk_ins_check_in_only_between_9_and_12(week):
    walk_ins = [e.ts.astimezone(AMS).time() for e in week
                if e.municipality == "amersfoort" and e.type == "visit.checked_in" and e.visit_type == "walk_in"]
    assert len(walk_ins) > 500
    assert all(time(9) <= t < time(12) for t in walk_ins)


def test_amersfoort_appointments_are_in_the_afternoon_and_on_thursday_evening(week):
    slots = [e.appointment_at.astimezone(AMS) for e in week
             if e.municipality == "amersfoort" and e.type == "visit.checked_in" and e.visit_type == "appointment"]
    assert all(time(13) <= s.time() < time(16, 30) or (s.weekday() == 3 and time(17) <= s.time() < time(20))
               for s in slots)
    assert any(s.weekday() == 3 and s.hour >= 17 for s in slots)


def test_calls_are_offered_within_office_hours(config, week):
    for e in week:
        if e.type == "call.offered":
            local = e.ts.astimezone(AMS)
            hours = config[e.municipality].office_hours.on(local.weekday())
            assert hours.open <= local.time() < hours.close


def test_no_calls_counter_visits_or_letters_on_sunday_or_koningsdag_but_e_forms_go_on(config):
    # Saturday 25 .. Monday 27 April 2026 (Koningsdag), then Tuesday 28 April.
    start = datetime(2026, 4, 25, tzinfo=AMS)
    events = list(simulate(config, None, start, start + timedelta(days=4), seed=1))
    closed_days = {datetime(2026, 4, d).date() for d in (25, 26, 27)}
    originating = {"call.offered", "visit.checked_in", "visit.no_show", "letter.received", "queue.snapshot"}
    on_closed = Counter(e.type for e in events if e.ts.astimezone(AMS).date() in closed_days)
    assert not originating & set(on_closed)
    assert on_closed["digital.completed"] > 1000
    assert any(e.type == "call.offered" and e.ts.astimezone(AMS).day == 28 for e in events)


def test_phone_outcomes_give_direct_geholpen_between_55_and_80_percent_near_the_profile(config, week):
    for slug in ("amersfoort", "nijmegen"):
        ended = [e.outcome for e in week if e.municipality == slug and e.type == "call.ended"]
        resolved = ended.count("resolved") / len(ended)
        assert 0.55 <= resolved <= 0.80
        assert resolved == pytest.approx(config[slug].simulation.resolved_share, abs=0.03)
        assert set(ended) == {"resolved", "transferred", "callback_requested", "other"}


def test_calls_wait_some_abandon_and_a_few_abandon_within_5_seconds(week):
    calls = defaultdict(dict)
    for e in week:
        if e.type.startswith("call."):
            calls[e.call_id][e.type] = e
    for parts in calls.values():
        assert "call.offered" in parts
        assert ("call.answered" in parts) != ("call.abandoned" in parts)
        assert ("call.ended" in parts) == ("call.answered" in parts)
        if "call.answered" in parts:
            assert parts["call.answered"].wait_seconds == (parts["call.answered"].ts - parts["call.offered"].ts
                                                           ).total_seconds()
    abandoned = [p["call.abandoned"].wait_seconds for p in calls.values() if "call.abandoned" in p]
    assert 0.03 < len(abandoned) / len(calls) < 0.3
    assert 0 < sum(w < 5 for w in abandoned) < len(abandoned) / 2


def test_every_callback_follows_a_call_that_asked_for_it_and_ends_completed_or_cancelled(config, week):
    asked = sum(1 for e in week if e.type == "call.ended" and e.outcome == "callback_requested")
    requests = {e.callback_id: e for e in week if e.type == "callback.requested"}
    assert len(requests) == asked
    ends = {e.callback_id: e for e in week if e.type in ("callback.completed", "callback.cancelled")}
    assert set(ends) == set(requests)
    assert all(ends[i].ts > requests[i].ts and ends[i].department == requests[i].department for i in requests)
    for e in requests.values():
        assert e.department in config[e.municipality].departments
    cancelled = sum(1 for e in ends.values() if e.type == "callback.cancelled")
    assert 0 < cancelled < len(ends) * 0.1


def test_visits_are_called_after_check_in_and_completed_after_being_called(week):
    visits = defaultdict(dict)
    for e in week:
        if e.type.startswith("visit."):
            visits[e.visit_id][e.type] = e
    no_shows = 0
    for parts in visits.values():
        if "visit.no_show" in parts:
            no_shows += 1
            assert len(parts) == 1
            continue
        assert parts["visit.checked_in"].ts <= parts["visit.called"].ts < parts["visit.completed"].ts
    assert 0 < no_shows < len(visits) * 0.1


def test_counter_waits_mostly_within_norm_appointments_shorter_than_walk_ins(week):
    waits = defaultdict(list)
    checked_in = {}
    for e in week:
        if e.municipality != "amersfoort":
            continue
        if e.type == "visit.checked_in":
            checked_in[e.visit_id] = max(e.ts, e.appointment_at) if e.appointment_at else e.ts
        elif e.type == "visit.called":
            waits[e.visit_type].append((e.ts - checked_in[e.visit_id]).total_seconds())
    share = {k: sum(max(0, w) <= limit for w in v) / len(v)
             for (k, v), limit in zip(sorted(waits.items()), (300, 600))}
    assert share["appointment"] > 0.9
    assert share["walk_in"] > 0.7
    assert sum(waits["appointment"]) / len(waits["appointment"]) < sum(waits["walk_in"]) / len(waits["walk_in"])


def test_groningen_walk_in_waits_grow_in_the_travel_document_peak(config):
    groningen = config["groningen"]
    quiet = groningen.model_copy(update={"simulation": groningen.simulation.model_copy(update={
        "calls_per_working_day": 0, "letters_per_working_day": 0, "digital_per_day": 0})})
    counter_only = Config({"groningen": quiet})

    def mean_walk_in_wait(start: datetime) -> float:
        arrived, waits = {}, []
        for e in simulate(counter_only, None, start, start + timedelta(days=5), seed=1):
            if e.type == "visit.checked_in" and e.visit_type == "walk_in":
                arrived[e.visit_id] = e.ts
            elif e.type == "visit.called" and e.visit_type == "walk_in":
                waits.append((e.ts - arrived[e.visit_id]).total_seconds())
        return sum(waits) / len(waits)

    assert mean_walk_in_wait(datetime(2026, 5, 18, tzinfo=AMS)) > 1.3 * mean_walk_in_wait(
        datetime(2026, 2, 9, tzinfo=AMS))


def test_groningen_has_all_four_counter_locations_with_snapshots_every_minute(config):
    start = datetime(2026, 3, 10, tzinfo=AMS)
    events = list(simulate(config, ["groningen"], start, start + timedelta(days=1), seed=1))
    snapshots = Counter((e.channel, e.queue) for e in events if e.type == "queue.snapshot")
    locations = {"harm-buiterplein", "kreupelstraat", "haren", "ten-boer"}
    assert {q for c, q in snapshots if c == "counter"} == locations
    assert {q for c, q in snapshots if c == "phone"} == set(config["groningen"].queues)
    assert set(snapshots.values()) == {8 * 60}  # 09:00-17:00, one a minute
    visited = {e.location for e in events if e.type == "visit.checked_in"}
    assert visited == locations


def test_surveys_grade_1_to_10_on_every_channel_and_counter_answers_name_their_location(week):
    surveys = [e for e in week if e.type == "survey.answered"]
    assert {s.channel for s in surveys} == {"counter", "phone", "website", "email"}
    assert all(1 <= s.score <= 10 for s in surveys)
    assert all((s.location is not None) == (s.channel == "counter") for s in surveys)
    counter = [s.score for s in surveys if s.channel == "counter"]
    website = [s.score for s in surveys if s.channel == "website"]
    assert sum(counter) / len(counter) > sum(website) / len(website)


def test_letters_are_answered_mostly_in_time_and_a_few_carry_their_own_due_date(week):
    received = {e.letter_id: e for e in week if e.type == "letter.received"}
    answered = {e.letter_id: e for e in week if e.type == "letter.answered"}
    assert set(received) == set(answered)
    assert {e.channel for e in received.values()} == {"post", "email"}
    assert all(answered[i].ts > received[i].ts for i in received)
    assert 0 < sum(e.due_at is not None for e in received.values()) < len(received) * 0.15


def test_e_forms_arrive_in_the_evening_and_at_night_too(week):
    hours = {e.ts.astimezone(AMS).hour for e in week if e.type == "digital.completed"}
    assert {20, 21, 23} <= hours


def test_a_window_starting_mid_morning_has_no_earlier_events_and_only_whole_items(config):
    start = datetime(2026, 3, 10, 10, 30, tzinfo=AMS)
    events = list(simulate(config, ["amersfoort"], start, start + timedelta(hours=2), seed=1))
    assert min(e.ts for e in events) >= start
    offered = {e.call_id for e in events if e.type == "call.offered"}
    assert offered and all(e.call_id in offered for e in events if e.type.startswith("call."))


def test_ids_are_opaque_and_event_ids_are_unique_across_municipalities(config):
    start = datetime(2026, 3, 10, 9, tzinfo=AMS)
    events = list(simulate(config, None, start, start + timedelta(hours=1), seed=1))
    assert len({e.event_id for e in events}) == len(events)
    assert not any(e.municipality in e.event_id for e in events)


def test_naive_start_and_unknown_municipality_are_refused(config):
    with pytest.raises(ValueError):
        next(simulate(config, None, datetime(2026, 3, 10), datetime(2026, 3, 11, tzinfo=AMS), seed=1))
    with pytest.raises(ValueError, match="unknown"):
        next(simulate(config, ["atlantis"], WEEK_START, WEEK_END, seed=1))


def test_write_jsonl_writes_one_parseable_event_per_line(config, tmp_path):
    start = datetime(2026, 3, 10, 9, tzinfo=AMS)
    path = tmp_path / "events.jsonl"
    count = write_jsonl(simulate(config, ["hengelo"], start, start + timedelta(hours=1), seed=1), path)
    lines = path.read_bytes().splitlines()
    assert count == len(lines) > 100
    assert all(parse_event(line, config.slugs) for line in lines)

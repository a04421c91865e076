"""Snapshot building without any server: Prometheus and Alertmanager JSON → tiles with status."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from monitor import promql as q
from monitor.config import Config
from wallboard import snapshot as s
from monitor import nl

# Wednesday 2 December 2026, 10:42:07 in Amsterdam (a working day, offices open 09:00–17:00).
OPEN = datetime(2026, 12, 2, 9, 42, 7, tzinfo=timezone.utc)
HEALTHY = s.Health(prometheus_ok=True, alertmanager_ok=True, last_ok=OPEN)


def answer(*rows: tuple[str, dict[str, str], float | str]) -> dict:
    """A Prometheus instant-query answer (vector) as the HTTP API returns it."""
    return {"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {"__name__": name, **labels}, "value": [OPEN.timestamp(), str(value)]} for name, labels, value in rows
    ]}}


def alive(slug: str) -> list[tuple[str, dict[str, str], float]]:
    """Series of a healthy pipeline: a worker up, a source heard from 10 s ago."""
    return [("up", {"job": "kcc-worker", "instance": "w:6066"}, 1),
            (q.SECONDS_SINCE_LAST_EVENT_RECORD, {"municipality": slug, "family": "call"}, 10)]


def board(config: Config, *rows, slug: str = "amersfoort", alerts: list[dict] | None = None,
          now: datetime = OPEN, health: s.Health = HEALTHY) -> dict:
    samples = s.parse_samples(answer(*alive(slug), *rows))
    return s.build(config, samples, alerts or [], now, health)[slug]


def find(snap: dict, band: str, tile: str, label: str) -> dict:
    b = next(b for b in snap["bands"] if b["id"] == band)
    t = next(t for t in b["tiles"] if t["title"] == tile)
    return next(c for c in t["cells"] if c["label"] == label)


def bereikbaarheid_today(value: float) -> tuple[str, dict[str, str], float]:
    return (q.record_name("bereikbaarheid", ("municipality", "line"), "today"),
            {"municipality": "amersfoort", "line": "14033"}, value)


@pytest.mark.parametrize(("value", "status", "text", "word"), [
    (0.879, "near", "87,9%", "bijna"),     # norm ≥ 85%, within the 5-point margin
    (0.95, "ok", "95,0%", "voldoet"),
    (0.85, "near", "85,0%", "bijna"),      # exactly at the norm meets it, as the alert rule does not fire
    (0.849, "bad", "84,9%", "voldoet niet"),
])
def test_a_percentage_is_judged_against_the_municipality_norm_with_symbol_and_word(config, value, status, text, word):
    c = find(board(config, bereikbaarheid_today(value)), "phone", "Lijn 14033", "Bereikbaarheid")
    assert (c["status"], c["value"], c["word"]) == (status, text, word)
    assert c["symbol"] == nl.BOARD_STATUS[status][0]
    assert c["norm"] == "norm ≥ 85%"
    assert c["query"] == 'municipality_line:kcc_bereikbaarheid:ratio_today{line="14033",municipality="amersfoort"}'


def test_the_red_threshold_is_the_alert_threshold_of_the_generated_rule(config):
    from monitor import rules

    rule = next(c for c in rules.alert_cases(config) if c.rule["alert"] == "KccBereikbaarheidOnderNorm"
                and c.rule["labels"]["municipality"] == "amersfoort")
    assert rule.op == "<"
    below = find(board(config, bereikbaarheid_today(rule.threshold - 1e-9)), "phone", "Lijn 14033", "Bereikbaarheid")
    at = find(board(config, bereikbaarheid_today(rule.threshold)), "phone", "Lijn 14033", "Bereikbaarheid")
    assert below["status"] == "bad" and at["status"] != "bad"


def test_no_measurement_shows_a_dash_never_zero(config):
    snap = board(config)
    c = find(snap, "phone", "Lijn 14033", "Bereikbaarheid")
    assert (c["value"], c["status"], c["raw"]) == ("–", "none", None)
    assert find(snap, "phone", "Lijn 14033", "wachtend")["value"] == "–"


def test_nan_from_prometheus_counts_as_no_data(config):
    c = find(board(config, bereikbaarheid_today("NaN")), "phone", "Lijn 14033", "Bereikbaarheid")
    assert c["value"] == "–"


def test_counter_wait_in_seconds_is_shown_as_minutes_and_judged_against_a_norm_in_minutes(config):
    name = q.record_name("wachttijd_balie", s.level("wachttijd_balie", ("location", "visit_type")), "today")
    labels = {"municipality": "groningen", "location": "haren", "visit_type": "walk_in"}
    snap = board(config, (name, labels, 16 * 60 + 5), slug="groningen")
    c = find(snap, "counter", "Haren", "inloop")
    assert (c["value"], c["unit"], c["status"], c["norm"]) == ("16:05", "min", "bad", "norm ≤ 15 min")
    ok = find(board(config, (name, labels, 275), slug="groningen"), "counter", "Haren", "inloop")
    assert (ok["value"], ok["status"]) == ("4:35", "ok")


def test_a_caller_waiting_longer_than_the_alert_limit_turns_the_longest_wait_red(config):
    limit = config["groningen"].thresholds.caller_wait_alert_seconds
    labels = {"municipality": "groningen", "queue": "afval"}
    red = board(config, (q.LONGEST_CALL_WAIT_RECORD, labels, limit + 1), slug="groningen")
    assert find(red, "phone", "afval", "langste wacht")["status"] == "bad"
    fine = board(config, (q.LONGEST_CALL_WAIT_RECORD, labels, 20), slug="groningen")
    assert find(fine, "phone", "afval", "langste wacht")["status"] == "ok"


def test_callbacks_over_their_deadline_add_up_per_department(config):
    name = q.CALLBACKS_PAST_DEADLINE_RECORD
    snap = board(config, (name, {"municipality": "groningen", "department": "afval", "working_days": "2"}, 3),
                 (name, {"municipality": "groningen", "department": "wijkteams", "working_days": "2"}, 2),
                 (name, {"municipality": "groningen", "department": "afval", "working_days": "1"}, 9),
                 slug="groningen")
    total = find(snap, "callbacks", "Vandaag", "over termijn")
    assert (total["value"], total["status"]) == ("5", "bad")
    assert total["query"] == f'sum({name}{{municipality="groningen",working_days="2"}})'
    department = find(snap, "callbacks", "open · over termijn", "Afval")
    assert department["sub"][0]["value"] == "3" and department["sub"][0]["status"] == "bad"


def test_open_callback_requests_are_shown_in_total_and_per_department_next_to_over_deadline(config):
    name = q.CALLBACKS_OPEN_RECORD
    snap = board(config, (name, {"municipality": "groningen", "department": "afval"}, 4),
                 (name, {"municipality": "groningen", "department": "wijkteams"}, 7),
                 (name, {"municipality": "groningen", "department": "other"}, 1),
                 slug="groningen")
    total = find(snap, "callbacks", "Vandaag", "open")
    assert (total["value"], total["query"]) == ("12", f'sum({name}{{municipality="groningen"}})')
    afval = find(snap, "callbacks", "open · over termijn", "Afval")
    assert (afval["value"], afval["query"]) == ("4", f'{name}{{department="afval",municipality="groningen"}}')
    assert (afval["sub"][0]["label"], afval["sub"][0]["value"]) == ("over termijn", "–")
    assert find(snap, "callbacks", "open · over termijn", "Belastingen")["value"] == "–"


def test_departments_read_as_words_not_configuration_slugs(config):
    snap = board(config, (q.CALLBACKS_OPEN_RECORD, {"municipality": "groningen", "department": "sociale-zaken"}, 2),
                 slug="groningen")
    assert find(snap, "callbacks", "open · over termijn", "Sociale zaken")["value"] == "2"


def test_direct_geholpen_is_shown_per_line_and_per_queue_against_its_norm(config):
    line = (q.record_name("direct_geholpen", ("municipality", "line"), "today"),
            {"municipality": "groningen", "line": "14050"}, 0.7)
    queue = (q.record_name("direct_geholpen", ("municipality", "queue"), "today"),
             {"municipality": "groningen", "queue": "afval"}, 0.9)
    snap = board(config, line, queue, slug="groningen")
    on_line = find(snap, "phone", "Lijn 14050", "Direct geholpen")
    on_queue = find(snap, "phone", "afval", "Direct")  # the registry's board title: a queue tile is narrow
    assert (on_line["value"], on_line["status"]) == ("70,0%", "bad")
    assert (on_queue["value"], on_queue["status"]) == ("90,0%", "ok")
    assert on_queue["query"] == f'{queue[0]}{{municipality="groningen",queue="afval"}}'
    assert find(snap, "phone", "burgerzaken", "Direct")["value"] == "–"


def test_a_queue_tile_takes_the_board_title_of_an_indicator_and_a_line_tile_its_full_title(config):
    snap = board(config, slug="groningen")
    phone = next(b for b in snap["bands"] if b["id"] == "phone")
    line, queue = phone["tiles"][0], phone["tiles"][1]
    indicators = ("bereikbaarheid", "servicelevel", "direct_geholpen")
    assert [c["label"] for c in line["cells"][2:]] == [nl.indicator_label(i) for i in indicators]
    assert [c["label"] for c in queue["cells"][2:]] == [nl.indicator_label(i, board=True) for i in indicators]
    assert [c["label"] for c in queue["cells"][2:]] == ["Bereikbaarheid", "Servicelevel", "Direct"]


@pytest.mark.parametrize(("today", "hour", "direction", "symbol"), [
    (0.80, 0.90, "up", "↑"), (0.90, 0.80, "down", "↓"), (0.85, 0.855, "flat", "→"), (0.85, 0.86, "flat", "→")])
def test_the_last_hour_carries_a_trend_arrow_against_today_with_words(config, today, hour, direction, symbol):
    rows = [(q.record_name(ind, ("municipality", "line"), window), {"municipality": "amersfoort", "line": "14033"},
             value) for ind in ("bereikbaarheid", "servicelevel") for window, value in (("today", today), ("1h", hour))]
    snap = board(config, *rows)
    for label in ("Bereikbaarheid", "Servicelevel"):
        trend = find(snap, "phone", "Lijn 14033", label)["sub"][0]["trend"]
        assert (trend["direction"], trend["symbol"]) == (direction, symbol)
        assert trend["text"] == nl.BOARD_TREND[direction][1] and "laatste uur" in trend["text"]


def test_no_trend_arrow_without_both_values(config):
    snap = board(config, bereikbaarheid_today(0.9))
    assert find(snap, "phone", "Lijn 14033", "Bereikbaarheid")["sub"][0]["trend"] is None


def test_groningen_has_a_tile_per_queue_and_per_counter_location(config):
    snap = board(config, slug="groningen")
    phone = next(b for b in snap["bands"] if b["id"] == "phone")
    counter = next(b for b in snap["bands"] if b["id"] == "counter")
    assert [t["title"] for t in phone["tiles"] if t["size"] == "small"] == config["groningen"].queues
    assert [t["title"] for t in counter["tiles"]] == ["Harm Buiterplein", "Kreupelstraat", "Haren", "Ten Boer"]


def test_alerts_of_the_municipality_only_newest_first_with_dutch_summary(config):
    def alert(name: str, municipality: str, started: str) -> dict:
        return {"labels": {"alertname": name, "municipality": municipality, "severity": "warning"},
                "annotations": {"summary": f"{name} samenvatting"}, "startsAt": started,
                "fingerprint": name, "status": {"state": "active"}}

    alerts = [alert("Oud", "amersfoort", "2026-12-02T08:10:00Z"), alert("Nieuw", "amersfoort", "2026-12-02T09:30:00Z"),
              alert("Elders", "groningen", "2026-12-02T09:40:00Z")]
    shown = board(config, alerts=alerts)["alerts"]
    assert [a["summary"] for a in shown] == ["Nieuw samenvatting", "Oud samenvatting"]
    assert shown[0]["since"] == "sinds 10:30"


def test_live_state_names_the_local_time(config):
    assert board(config)["state"] == {"kind": "live", "text": "● live · 10:42:07", "stale": False}


def test_stale_when_prometheus_does_not_answer_says_why_and_since_when(config):
    since = datetime(2026, 12, 2, 9, 38, tzinfo=timezone.utc)
    snap = s.build(config, [], [], OPEN, s.Health(False, True, since))["amersfoort"]
    assert snap["state"]["kind"] == "stale"
    assert snap["state"]["text"] == "⚠ verouderd sinds 10:38 — geen gegevens van Prometheus"


def test_stale_when_no_worker_is_up(config):
    samples = s.parse_samples(answer(("up", {"job": "kcc-worker", "instance": "w"}, 0)))
    snap = s.build(config, samples, [], OPEN, HEALTHY)["amersfoort"]
    assert snap["state"]["reason"] == "workers"
    assert snap["state"]["text"] == "⚠ verouderd — geen worker bereikbaar"


def test_a_board_whose_worker_stopped_keeps_the_last_live_values_stale_since_then(config):
    good = board(config, bereikbaarheid_today(0.9))
    later = datetime.fromtimestamp(OPEN.timestamp() + 125, timezone.utc)
    down = s.parse_samples(answer(("up", {"job": "kcc-worker", "instance": "w"}, 0)))
    fresh_state = s.build(config, down, [], later, HEALTHY)["amersfoort"]["state"]
    kept = s.keep_stale(good, fresh_state, later)
    assert find(kept, "phone", "Lijn 14033", "Bereikbaarheid")["value"] == "90,0%"
    assert kept["state"]["text"] == "⚠ verouderd sinds 10:42 — geen worker bereikbaar"
    assert kept["state"]["age"] == "2 min oud"


def test_stale_when_the_sources_are_silent_during_office_hours(config):
    limit = config["amersfoort"].thresholds.silence_alert_minutes * 60
    samples = s.parse_samples(answer(("up", {"job": "kcc-worker", "instance": "w"}, 1),
                                     (q.SECONDS_SINCE_LAST_EVENT_RECORD,
                                      {"municipality": "amersfoort", "family": "call"}, limit + 1)))
    snap = s.build(config, samples, [], OPEN, HEALTHY)["amersfoort"]
    assert snap["state"]["text"].endswith("geen events van de bronnen")


def test_closed_outside_office_hours_names_the_next_opening(config):
    saturday_night = datetime(2026, 12, 5, 22, 0, tzinfo=timezone.utc)
    snap = board(config, now=saturday_night)
    assert snap["state"] == {"kind": "closed", "text": "gesloten — opent ma 09:00", "stale": False}


def test_a_stale_snapshot_keeps_the_last_values_and_says_their_age(config):
    good = board(config, bereikbaarheid_today(0.9))
    later = datetime.fromtimestamp(OPEN.timestamp() + 185, timezone.utc)
    fresh_state = s.build(config, [], [], later, s.Health(False, True, OPEN))["amersfoort"]["state"]
    kept = s.keep_stale(good, fresh_state, later)
    assert find(kept, "phone", "Lijn 14033", "Bereikbaarheid")["value"] == "90,0%"
    assert kept["state"]["stale"] and kept["state"]["age"] == "3 min oud"


@pytest.mark.parametrize(("fn", "value", "text"), [
    ("ratio", 0.879, "87,9%"), ("seconds", 275, "4:35"), ("grade", 7.84, "7,8"),
    ("count", 1234, "1.234"), ("ratio", None, "–"), ("seconds", None, "–"),
])
def test_numbers_format_the_dutch_way(fn, value, text):
    assert nl.board_value(value, fn) == text


def test_one_query_asks_for_every_board_series():
    query = s.board_query()
    for name in s.record_names():
        assert name in query
    assert query.startswith('{__name__=~"') and query.count("{") == 1


def test_every_series_the_board_reads_is_a_committed_recording_rule_or_a_scraped_series():
    import yaml

    from monitor import rules

    recorded = {rule["record"] for group in yaml.safe_load(
        (rules.PROMETHEUS_DIR / rules.RECORDING_FILE).read_text())["groups"] for rule in group["rules"]}
    assert set(s.record_names()) - recorded == {"up"}

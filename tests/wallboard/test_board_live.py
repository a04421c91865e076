"""The wallboard in a real browser on the real stack: Kafka, a worker fed by the simulator,
Prometheus with the generated rules, Alertmanager, the wallboard server, headless Chromium.

The municipalities are moved into a time zone in which they are open now
(``monitor/open_clock.py``), so the tests see a working day whenever they run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests

from monitor import nl
from monitor import promql as q
from monitor import rules
from monitor.calendar import calendar_for
from monitor.config import Config, load_config
from monitor.periods import parse_period
from monitor.report import build_report
from monitor.sources import EventFileSource
from tests.support import free_port, wait_until
from tests.wallboard.conftest import cli, screen, state_of, stop, todays_events
from wallboard import snapshot

pytestmark = pytest.mark.integration

SLUG = "groningen"


def _rule_files(config: Config, directory: Path) -> list[Path]:
    """Recording rules as committed; alert rules of the test variant (for: 0s, no office gate, no minimum)."""
    alert_file = directory / "alert_rules_test_variant.yml"
    alert_file.write_text(rules.alert_rules_variant(config, rules.AlertOptions.for_test()))
    return [rules.PROMETHEUS_DIR / rules.RECORDING_FILE, alert_file]


def _format(kind: str, value: float | None) -> str:
    return nl.board_value(value, kind)


def _figures(driver) -> list[tuple[str, str, str]]:
    """(query, shown text, kind) of every figure on the page."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('.number[data-query]'))"
        ".map(function (n) { return [n.dataset.query, n.textContent, n.dataset.kind]; });")


def _mismatches(driver, prometheus) -> list[str]:
    out = []
    for query, shown, kind in _figures(driver):
        result = prometheus.query(query)
        expected = _format(kind, float(result[0]["value"][1]) if result else None)
        if shown != expected:
            out.append(f"{query}: page {shown!r}, Prometheus {expected!r}")
    return out


def _feed(worker, events: Path) -> int:
    cli("replay", str(events), "--speed", "max", env=worker.env)
    return sum(1 for _ in events.open())


def _queue_snapshot(worker, directory: Path, longest: float) -> None:
    """A queue-system snapshot of Groningen's queue 'afval' now, via Kafka into the worker."""
    path = directory / f"snapshot-{time.time_ns()}.jsonl"
    path.write_text(json.dumps({
        "event_id": f"wb-test-{path.stem}", "type": "queue.snapshot",
        "ts": datetime.now(timezone.utc).isoformat(timespec="seconds"), "municipality": SLUG, "channel": "phone",
        "queue": "afval", "waiting": 2, "longest_wait_seconds": longest}) + "\n")
    _feed(worker, path)


def _console_errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_board_shows_prometheus_figures_that_equal_the_offline_report_and_fits_tv_and_phone(
        open_config, config, tmp_path, start_worker, prometheus_server, alertmanager_server, wallboard_server,
        browser):
    events = todays_events(open_config, tmp_path, municipality=SLUG)
    # most of the day before Prometheus scrapes, the rest after: the last hour has figures (and a trend)
    lines = events.read_text().splitlines(keepends=True)
    earlier, later = tmp_path / "earlier.jsonl", tmp_path / "later.jsonl"
    earlier.write_text("".join(lines[:len(lines) * 3 // 4]))
    later.write_text("".join(lines[len(lines) * 3 // 4:]))
    worker = start_worker(KCC_CONFIG_DIR=str(open_config))
    first = _feed(worker, earlier)
    prometheus = prometheus_server(targets=[f"127.0.0.1:{worker.port}"], rule_files=_rule_files(config, tmp_path),
                                   alertmanager_url=alertmanager_server.url)
    wait_until(lambda: prometheus.query(f'sum(kcc_events_total{{municipality="{SLUG}"}}) == {first}'), 90,
               f"the worker to count the first {first} events in Prometheus")
    time.sleep(2)
    count = first + _feed(worker, later)
    wait_until(lambda: prometheus.query(f'sum(kcc_events_total{{municipality="{SLUG}"}}) == {count}'), 90,
               f"the worker to count all {count} events in Prometheus")
    wait_until(lambda: prometheus.query(f'municipality_line:kcc_bereikbaarheid:ratio_today{{municipality="{SLUG}"}}'),
               60, "the recording rules")
    source = EventFileSource(events, load_config(open_config))
    m = load_config(open_config)[SLUG]
    now = datetime.now(timezone.utc)
    report = build_report(source, SLUG, parse_period(now.astimezone(m.tz).date().isoformat(), m.tz), now).as_json()
    settled = [row for row in report["indicators"] if not row["scope"] and not row["pending"]
               and row["id"] in ("bereikbaarheid", "servicelevel", "balie_binnen_norm")]

    def recorded(indicator: str, part: str) -> float | None:
        record = (q.items_record if part == "n" else q.numerator_record)(indicator, ("municipality",), "today")
        result = prometheus.query(q.selector(record, {"municipality": SLUG}))
        return float(result[0]["value"][1]) if result else None

    # The today records follow the scraped counters one rule evaluation later: wait until they hold every event.
    wait_until(lambda: all(recorded(row["id"], part) == row[part] for row in settled for part in ("n", "hits")),
               60, "the today recording rules to hold every event of the report")
    board = wallboard_server(prometheus=prometheus.url, alertmanager=alertmanager_server.url, config=open_config)

    screen(browser, 1920, 1080)
    browser.get(f"{board.url}/{SLUG}?tv")
    wait_until(lambda: state_of(browser)[0] == "live", 30, "the board to be live")
    assert state_of(browser)[1].startswith("● live · ")

    # 1. every figure on the page is Prometheus' answer to the query behind it
    figures = _figures(browser)
    assert len(figures) > 40 and any(text not in ("–", "0") for _, text, _ in figures)
    last: list[str] = []

    def equal() -> bool:
        last[:] = _mismatches(browser, prometheus)
        return not last

    wait_until(equal, 60, lambda: f"page figures to equal Prometheus: {last}")

    # 2. today's figures equal the offline report of the same events (windows match: today)
    shown_levels = {("bereikbaarheid", ("line",)), ("bereikbaarheid", ("queue",)), ("servicelevel", ("line",)),
                    ("servicelevel", ("queue",)), ("direct_geholpen", ()),
                    ("balie_binnen_norm", ("location", "visit_type")), ("wachttijd_balie", ("location", "visit_type"))}
    differences: list[str] = []
    compared: list[int] = [0]

    def equal_to_report() -> bool:
        """Every shown today figure equals the report; the page follows each rule group's evaluation."""
        shown = {query: text for query, text, _ in _figures(browser)}
        differences.clear()
        compared[0] = 0
        for row in report["indicators"]:
            scope = row["scope"]
            query = None
            if (row["id"], tuple(sorted(scope))) in shown_levels:
                name = q.record_name(row["id"], snapshot.level(row["id"], tuple(scope)), "today")
                query = q.selector(name, {"municipality": SLUG, **scope})
            if query is None or query not in shown or row["pending"]:
                continue  # a pending item (a caller still waiting) is offered live, not yet in the report's n
            value = row["value"] * 60 if row["unit"] == "minutes" and row["value"] is not None else row["value"]
            if shown[query] != _format("seconds" if row["unit"] == "minutes" else row["unit"], value):
                differences.append(f"{query}: page {shown[query]!r}, report {row}")
            compared[0] += 1
        return not differences

    wait_until(equal_to_report, 60, lambda: f"today's figures on the page to equal the offline report: {differences}")
    assert compared[0] >= 12, f"only {compared[0]} figures compared with the report"

    # 3. the last hour's figures carry a trend arrow against today, with words for a screen reader
    trends = browser.execute_script(
        "return Array.from(document.querySelectorAll('.band-phone .tile-big .sub')).map(function (s) {"
        " var t = s.querySelector('.trend'), w = s.querySelector('.sr-only');"
        " return [s.querySelector('.number').textContent, t ? t.textContent.trim() : null, w ? w.textContent : null];"
        "});")
    assert len(trends) == 2 * len(config[SLUG].lines), trends
    for hour, arrow, words in trends:
        assert hour != "–" and arrow in ("↑", "↓", "→") and words.startswith("laatste uur "), trends

    # 4. TV: no scrollbars at 1920×1080 with Groningen, cursor hidden, no console errors
    size = browser.execute_script("var d = document.documentElement; return [d.scrollWidth, innerWidth, "
                                  "d.scrollHeight, innerHeight, getComputedStyle(document.body).cursor];")
    assert size[0] <= size[1] and size[2] <= size[3] and size[4] == "none", size
    browser.save_screenshot(str(tmp_path / "wallboard-1920x1080.png"))
    assert not _console_errors(browser)

    # 5. phone: one column, no horizontal overflow
    screen(browser, 390, 844)
    browser.get(f"{board.url}/{SLUG}")
    wait_until(lambda: state_of(browser)[0] == "live", 30, "the phone board to be live")
    width = browser.execute_script("return [document.documentElement.scrollWidth, innerWidth];")
    assert width[0] <= width[1], width
    browser.save_screenshot(str(tmp_path / "wallboard-390x844.png"))
    assert not _console_errors(browser)

    # 6. N screens cost one query per interval: Prometheus' own request counter while 10 more listen
    def queries() -> float:
        from prometheus_client.parser import text_string_to_metric_families

        text = requests.get(f"{prometheus.url}/metrics", timeout=5).text
        return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
                   if sample.name == "prometheus_http_requests_total"
                   and sample.labels.get("handler") == "/api/v1/query")

    received = [0] * 10
    stop = threading.Event()

    def listen(i: int) -> None:
        try:
            with requests.get(f"{board.url}/{SLUG}/events", stream=True, timeout=30) as response:
                for line in response.iter_lines():
                    if line.startswith(b"data: "):
                        received[i] += 1
                    if stop.is_set():
                        return
        except requests.RequestException:
            pass  # the server stopped at teardown

    threads = [threading.Thread(target=listen, args=(i,), daemon=True) for i in range(10)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    before, began = queries(), time.monotonic()
    time.sleep(8)
    after, elapsed = queries(), time.monotonic() - began
    stop.set()
    made = after - before
    assert 1 <= made <= elapsed / 1.0 + 1, f"{made} Prometheus queries in {elapsed:.1f} s for 11 screens"
    print(f"{made:.0f} Prometheus queries in {elapsed:.1f} s with 11 screens; snapshots per screen {received}")
    assert min(received) >= 5, f"snapshots per screen: {received}"


def test_norm_slip_turns_the_tile_red_and_shows_the_alert_then_both_clear_with_one_sound_only_with_sound_on(
        open_config, config, tmp_path, start_worker, prometheus_server, alertmanager_server, wallboard_server,
        browser, browsers):
    worker = start_worker(KCC_CONFIG_DIR=str(open_config))
    prometheus = prometheus_server(targets=[f"127.0.0.1:{worker.port}"], rule_files=_rule_files(config, tmp_path),
                                   alertmanager_url=alertmanager_server.url)
    limit = config[SLUG].thresholds.caller_wait_alert_seconds
    _queue_snapshot(worker, tmp_path, 20)
    board = wallboard_server(prometheus=prometheus.url, alertmanager=alertmanager_server.url, config=open_config,
                             interval=2)
    screen(browser, 1920, 1080)
    browser.get(f"{board.url}/{SLUG}?tv&sound")
    quiet = browsers()  # the same board without ?sound
    quiet.get(f"{board.url}/{SLUG}?tv")
    longest = (f'.number[data-query=\'municipality_queue:kcc_longest_call_wait_seconds:max'
               f'{{municipality="{SLUG}",queue="afval"}}\']')

    def tile() -> tuple[str, str, str]:
        """(figure, cell classes, cell text), read in one script: the board re-renders every interval."""
        return tuple(browser.execute_script(
            "var n = document.querySelector(arguments[0]); var c = n.closest('.cell');"
            "return [n.textContent, c.className, c.innerText];", longest))

    def alert_shown(driver=browser) -> bool:
        return bool(driver.find_elements("css selector", "#alerts li[data-alertname='KccBellerWachtTeLang']"))

    def sounds(driver=browser) -> int:
        """Tones the page played (it counts each in body[data-sounds])."""
        return int(driver.execute_script("return document.body.dataset.sounds || '0';"))

    wait_until(lambda: state_of(browser)[0] == "live" and tile()[0] == "0:20", 60, "the board with the first snapshot")
    assert "status-ok" in tile()[1] and "✓" in tile()[2] and not alert_shown()

    _queue_snapshot(worker, tmp_path, limit + 120)  # a caller waits 2 minutes beyond the alert limit
    wait_until(lambda: "status-bad" in tile()[1], 60, "the longest-wait tile to turn red")
    assert tile()[0] == nl.wait_clock(limit + 120) and "✕" in tile()[2]
    wait_until(alert_shown, 90, "the firing alert on the board")
    classes, text = browser.execute_script(
        "var li = document.querySelector(\"#alerts li[data-alertname='KccBellerWachtTeLang']\");"
        "return [li.className, li.innerText];")
    assert "severity-critical" in classes and "wacht al" in text and "sinds" in text
    wait_until(lambda: sounds() == 1, 10, "one tone for the new critical alert with ?sound")
    wait_until(lambda: alert_shown(quiet), 30, "the alert on the board without ?sound")
    time.sleep(3)  # more snapshots with the same alert firing
    assert sounds() == 1, "the same alert sounds once, not on every snapshot"
    assert sounds(quiet) == 0, "without ?sound the board stays silent"

    _queue_snapshot(worker, tmp_path, 15)  # recovered
    wait_until(lambda: "status-ok" in tile()[1], 60, "the tile to turn green again")
    wait_until(lambda: not alert_shown(), 120, "the resolved alert to leave the board")
    assert sounds() == 1 and sounds(quiet) == 0

    # Prometheus stopped → stale within 2 intervals (the reason in words); started again → live, no reload
    generated = browser.execute_script("return document.body.dataset.generated;")
    prometheus.managed.stop()
    stopped = time.monotonic()
    wait_until(lambda: state_of(browser)[0] == "stale", 10, "the stale state")
    assert time.monotonic() - stopped <= 2 * 2 + 0.5
    assert "geen gegevens van Prometheus" in state_of(browser)[1]
    assert "is-stale" in browser.find_element("tag name", "body").get_attribute("class")
    assert tile()[0] == "0:15", "a stale board keeps the last values"
    prometheus.managed.start()  # same port, same TSDB
    wait_until(lambda: state_of(browser)[0] == "live", 60, "live again after Prometheus restarted")
    assert browser.execute_script("return document.body.dataset.generated;") != generated

    # the wallboard server itself restarts: the page reconnects by itself
    board.restart()
    restarted = datetime.now(timezone.utc)
    wait_until(lambda: datetime.fromisoformat(browser.execute_script("return document.body.dataset.generated;"))
               > restarted, 30, "a snapshot from the restarted server without a reload")
    assert state_of(browser)[0] == "live"
    assert not _console_errors(browser) or all("events" in e["message"] for e in _console_errors(browser))


def test_board_turns_stale_with_the_reason_when_the_sources_fall_silent_and_when_the_worker_dies(
        open_config, config, tmp_path, start_worker, prometheus_server, wallboard_server, browser):
    import yaml

    # Groningen calls its sources silent after 1 minute without events (the smallest configurable silence)
    quiet = tmp_path / "quiet-config"
    quiet.mkdir()
    for path in open_config.glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        if data["slug"] == SLUG:
            data["thresholds"]["silence_alert_minutes"] = 1
        (quiet / path.name).write_text(yaml.safe_dump(data, allow_unicode=True))
    worker = start_worker(KCC_CONFIG_DIR=str(quiet))
    prometheus = prometheus_server(targets=[f"127.0.0.1:{worker.port}"], rule_files=_rule_files(config, tmp_path))
    fed = time.monotonic()
    _queue_snapshot(worker, tmp_path, 20)
    board = wallboard_server(prometheus=prometheus.url, config=quiet)
    screen(browser, 1920, 1080)
    browser.get(f"{board.url}/{SLUG}?tv")
    longest = (f'.number[data-query=\'{q.LONGEST_CALL_WAIT_RECORD}{{municipality="{SLUG}",queue="afval"}}\']')

    def looks() -> tuple[str, str, bool, str, int]:
        """(state kind, state text, every band greyed, the longest wait shown, tiles with an age), in one script."""
        return tuple(browser.execute_script(
            "var s = document.getElementById('state'), n = document.querySelector(arguments[0]);"
            "return [s.className.replace('state state-', ''), s.textContent,"
            " Array.from(document.querySelectorAll('.band')).every(function (b) {"
            "   return getComputedStyle(b).filter.indexOf('grayscale') >= 0; }),"
            " n ? n.textContent : '', document.querySelectorAll('.tile .age').length];", longest))

    wait_until(lambda: looks()[0] == "live" and looks()[3] == "0:20", 60, "the live board")
    assert not looks()[2] and looks()[4] == 0

    # 1. the sources fall silent for longer than the configured silence: stale, greyed, the reason in Dutch
    wait_until(lambda: looks()[0] == "stale", 120, "the stale state after a minute without events")
    kind, text, greyed, shown, aged = looks()
    assert time.monotonic() - fed >= 58, "stale only after the configured silence"
    assert text.startswith("⚠ verouderd sinds ") and f" — {nl.STALE_REASONS['sources']} (" in text, text
    assert greyed and shown == "0:20" and aged > 0, "greyed tiles keep the last values with their age"
    _queue_snapshot(worker, tmp_path, 25)
    wait_until(lambda: looks()[0] == "live" and looks()[3] == "0:25", 60, "live again on the next event")
    assert not looks()[2] and looks()[4] == 0

    # 2. the worker dies: no worker answers Prometheus' scrape (up == 0), the board says so
    worker.managed.process.kill()
    wait_until(lambda: looks()[0] == "stale", 30, "the stale state after the worker died")
    kind, text, greyed, shown, aged = looks()
    assert f" — {nl.STALE_REASONS['workers']}" in text and "geen worker bereikbaar" in text, text
    assert greyed and shown == "0:25" and aged > 0
    assert prometheus.query('up{job="kcc-worker"} == 0'), "Prometheus sees the worker down"


def test_screens_receive_snapshots_at_most_5_s_apart_with_the_default_interval(
        config, prometheus_server, wallboard_server, browser):
    prometheus = prometheus_server(targets=[f"127.0.0.1:{free_port()}"],
                                   rule_files=[rules.PROMETHEUS_DIR / rules.RECORDING_FILE])
    board = wallboard_server(prometheus=prometheus.url, interval=None)
    browser.get(f"{board.url}/{SLUG}")
    wait_until(lambda: state_of(browser)[0] != "connecting", 30, "the first snapshot")
    # a second listener in the same page notes when each snapshot arrives (browser clock, ms)
    browser.execute_script("window.arrivals = []; new EventSource(arguments[0]).onmessage = function () {"
                           " window.arrivals.push(performance.now()); };", f"/{SLUG}/events")
    time.sleep(23)
    arrivals = browser.execute_script("return window.arrivals;")
    gaps = [(later - earlier) / 1000 for earlier, later in zip(arrivals, arrivals[1:])]
    print(f"gaps between snapshots in the browser (s): {[round(g, 2) for g in gaps]}")
    assert len(gaps) >= 4, arrivals
    assert max(gaps) <= 5.0, gaps


def test_board_says_closed_with_the_next_opening_outside_office_hours(
        open_config, tmp_path, start_worker, prometheus_server, wallboard_server, browser):
    import yaml

    # today is a closing day of every municipality in this configuration
    closed = tmp_path / "closed-config"
    closed.mkdir()
    for path in open_config.glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        today = datetime.now(timezone.utc).astimezone(load_config(open_config)[data["slug"]].tz).date()
        data["closing_days"] = {**data.get("closing_days", {}), "extra": [today.isoformat()]}
        (closed / path.name).write_text(yaml.safe_dump(data))
    m = load_config(closed)[SLUG]
    worker = start_worker(KCC_CONFIG_DIR=str(closed))
    prometheus = prometheus_server(targets=[f"127.0.0.1:{worker.port}"])
    board = wallboard_server(prometheus=prometheus.url, config=closed)
    screen(browser, 1920, 1080)
    browser.get(f"{board.url}/{SLUG}?tv")
    wait_until(lambda: state_of(browser)[0] == "closed", 60, "the closed state")
    expected = nl.opens_at(calendar_for(m).clock_start(datetime.now(timezone.utc)).astimezone(m.tz))
    assert state_of(browser)[1] == expected
    assert expected.startswith("gesloten — opent ")


def test_a_token_protected_board_refuses_requests_without_the_token_and_sends_security_headers(wallboard_server):
    board = wallboard_server(prometheus="http://127.0.0.1:9", token="s3cret-for-the-tv")
    for path in ("/", f"/{SLUG}", f"/{SLUG}/events", "/static/board.js"):
        assert requests.get(f"{board.url}{path}", timeout=5).status_code == 401, path
    assert requests.get(f"{board.url}/{SLUG}?token=wrong", timeout=5).status_code == 403
    session = requests.Session()
    first = session.get(f"{board.url}/{SLUG}?tv&token=s3cret-for-the-tv", timeout=5, allow_redirects=False)
    assert first.status_code == 303 and "token" not in first.headers["Location"]
    assert "HttpOnly" in first.headers["Set-Cookie"]
    page = session.get(f"{board.url}/{SLUG}?tv", timeout=5)
    assert page.status_code == 200 and "Groningen" in page.text
    headers = page.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert session.post(f"{board.url}/{SLUG}", timeout=5).status_code == 405


def test_the_board_listens_on_localhost_by_default():
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "kcc.cli",
                                "wallboard", "--prometheus", "http://127.0.0.1:9", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        line = process.stdout.readline().decode()
        assert line.strip() == f"wallboard: http://127.0.0.1:{port}/"
        import psutil

        def bound() -> list:
            return [c.laddr for c in psutil.Process(process.pid).net_connections(kind="tcp")
                    if c.status == psutil.CONN_LISTEN]

        addresses = wait_until(bound, 20, "the wallboard to listen")
        assert {a.ip for a in addresses} == {"127.0.0.1"}
    finally:
        stop(process)


def test_tv_rotation_moves_to_the_next_municipality_by_itself(wallboard_server, browser):
    board = wallboard_server(prometheus="http://127.0.0.1:9")
    screen(browser, 1920, 1080)
    browser.get(f"{board.url}/?tv&rotate=3&m=nijmegen,groningen")
    assert browser.current_url.split("?")[0].endswith("/nijmegen")
    wait_until(lambda: browser.current_url.split("?")[0].endswith("/groningen"), 10, "rotation to Groningen")
    assert "rotate=3" in browser.current_url and "tv" in browser.current_url
    assert browser.find_element("id", "name").text == "Groningen"
    wait_until(lambda: browser.current_url.split("?")[0].endswith("/nijmegen"), 10, "rotation back to Nijmegen")
    assert not _console_errors(browser)

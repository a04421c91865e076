"""Fixtures of the wallboard tests: the wallboard server as a real process, headless Chromium,
a configuration in which the municipalities are open now, and the events of today so far."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from monitor.config import Config, load_config
from monitor.open_clock import open_shift, write_config
from tests.support import free_port, http_server

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``kcc-monitor`` with this Python; fail the test with its stderr when it fails."""
    done = subprocess.run([sys.executable, "-m", "kcc.cli", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"kcc-monitor {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done


@dataclass
class WallboardProcess:
    url: str
    argv: list[str]
    log: Path
    process: subprocess.Popen

    def restart(self) -> None:
        """Stop and start again on the same port (screens must reconnect by themselves)."""
        stop(self.process)
        self.process = subprocess.Popen(self.argv, cwd=REPO, stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        _wait_answering(self)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_answering(server: WallboardProcess, timeout: float = 30) -> None:
    """Wait until the server answers HTTP at all (a token-protected one answers 401)."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"wallboard exited with {server.process.returncode}:\n{server.log.read_text()[-3000:]}")
        try:
            requests.get(f"{server.url}/", timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    pytest.fail(f"wallboard not answering after {timeout}s:\n{server.log.read_text()[-3000:]}")


@pytest.fixture
def wallboard_server(tmp_path: Path) -> Iterator[Callable[..., WallboardProcess]]:
    """Factory: ``wallboard_server(prometheus=URL, alertmanager=URL, config=DIR, token=…, interval=1)``."""
    started: list[WallboardProcess] = []

    def start(*, prometheus: str, alertmanager: str | None = None, config: Path | None = None,
              token: str | None = None, interval: float | None = 1.0) -> WallboardProcess:
        """``interval=None``: the command's default."""
        port = free_port()
        argv = [sys.executable, "-m", "kcc.cli", "wallboard", "--prometheus", prometheus,
                "--alertmanager", alertmanager or "", "--port", str(port)]
        if interval is not None:
            argv += ["--interval", str(interval)]
        if config is not None:
            argv += ["--config", str(config)]
        if token is not None:
            argv += ["--token", token]
        log = tmp_path / f"wallboard-{port}.log"
        process = subprocess.Popen(argv, cwd=REPO, stdout=log.open("wb"), stderr=subprocess.STDOUT)
        server = WallboardProcess(f"http://127.0.0.1:{port}", argv, log, process)
        started.append(server)
        _wait_answering(server)
        return server

    yield start
    for server in started:
        stop(server.process)
        print(f"---- wallboard log ----\n{server.log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def browsers() -> Iterator[Callable[[], Any]]:
    """Factory of headless Chromiums through the Debian chromedriver; browser console logged
    (``get_log('browser')``); audio may start without a click, as on a TV set up for ``?sound``."""
    from selenium import webdriver

    drivers: list[Any] = []

    def start() -> Any:
        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    "--autoplay-policy=no-user-gesture-required"):
            options.add_argument(arg)
        options.binary_location = "/usr/bin/chromium"
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(options=options,
                                  service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))
        drivers.append(driver)
        return driver

    yield start
    for driver in drivers:
        driver.quit()


@pytest.fixture
def browser(browsers: Callable[[], Any]) -> Any:
    """One headless Chromium (see :func:`browsers`)."""
    return browsers()


def screen(driver: Any, width: int, height: int) -> None:
    """Make the page's viewport exactly ``width`` × ``height`` CSS pixels (a phone below 600 px)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def state_of(driver: Any) -> tuple[str, str]:
    """(kind, text) of the board's state strip: live, stale, closed or connecting."""
    node = driver.find_element("id", "state")
    return node.get_attribute("class").replace("state state-", ""), node.text


@pytest.fixture
def open_config(config: Config, tmp_path: Path) -> Path:
    """The repository's municipalities moved into a time zone in which they are all open now."""
    shift = open_shift(config, datetime.now(timezone.utc))
    if shift is None:
        pytest.fail("no time zone in which the municipalities are open now (a closing day in every zone)")
    return write_config(config, shift, tmp_path / "open-config")


def todays_events(config_dir: Path, directory: Path, *, municipality: str, volume: float = 0.3,
                  seed: int = 11) -> Path:
    """Simulated events of ``municipality`` from today's opening until now (no later follow-ups), a JSONL file."""
    m = load_config(config_dir)[municipality]
    now = datetime.now(timezone.utc)
    local = now.astimezone(m.tz)
    opening = m.office_hours.on(local.weekday()).open
    start = local.replace(hour=opening.hour, minute=opening.minute, second=0, microsecond=0)
    everything = directory / "simulated.jsonl"
    cli("simulate", "--config", str(config_dir), "--municipality", municipality, "--start", start.isoformat(),
        "--days", f"{(now - start).total_seconds() / 86400:.6f}", "--seed", str(seed), "--volume", str(volume),
        "--out", str(everything))
    past = directory / "today.jsonl"
    with everything.open() as source, past.open("w") as out:
        for line in source:
            if datetime.fromisoformat(json.loads(line)["ts"]) <= now:
                out.write(line)
    return past


# ---------------------------------------------------------------- a board with fixed figures: no Kafka, no worker


def fullest_samples(m: Any) -> list[tuple[str, dict[str, str], float]]:
    """Every series the board reads for municipality ``m``, each with a value (no "–"), the figures as wide as
    they get on a busy day (three-digit counts, ``100,0%``, waits over ten minutes), a mix of ✓ ▲ ✕ and a
    trend on every last-hour figure; a source heard from 10 s ago, so the board is live (``up`` of the worker's
    job is Prometheus' own, from scraping :func:`static_exporter`)."""
    from monitor import promql as q
    from wallboard import snapshot as s

    def rec(indicator: str, dims: tuple[str, ...], window: str) -> str:
        return q.record_name(indicator, s.level(indicator, dims), window)

    ms = {"municipality": m.slug}
    rows: list[tuple[str, dict[str, str], float]] = [
        (q.SECONDS_SINCE_LAST_EVENT_RECORD, {**ms, "family": "call"}, 10),
        (q.OFFICE_OPEN_RECORD, ms, 1),
        (s.WAITING_TOTAL, ms, 128), (s.LONGEST_TOTAL, ms, 1234),
    ]
    ratios = (1.0, 0.879, 0.614, 0.955, 0.802)
    for line in m.lines:
        scope = {**ms, "line": line}
        rows += [(rec("bereikbaarheid", s.PHONE_LINE, "today"), scope, 0.879),
                 (rec("bereikbaarheid", s.PHONE_LINE, "1h"), scope, 0.614),
                 (rec("servicelevel", s.PHONE_LINE, "today"), scope, 1.0),
                 (rec("servicelevel", s.PHONE_LINE, "1h"), scope, 0.955),
                 (rec("direct_geholpen", s.PHONE_LINE, "today"), scope, 0.802)]
    for i, queue in enumerate(m.queues):
        scope = {**ms, "queue": queue}
        rows += [(s.WAITING_QUEUE, scope, 48 + i), (q.LONGEST_CALL_WAIT_RECORD, scope, 754 - 100 * i),
                 (rec("bereikbaarheid", s.PHONE_QUEUE, "today"), scope, ratios[i % 5]),
                 (rec("bereikbaarheid", s.PHONE_QUEUE, "1h"), scope, ratios[(i + 1) % 5]),
                 (rec("servicelevel", s.PHONE_QUEUE, "today"), scope, ratios[(i + 2) % 5]),
                 (rec("servicelevel", s.PHONE_QUEUE, "1h"), scope, ratios[(i + 3) % 5]),
                 (rec("direct_geholpen", s.PHONE_QUEUE, "today"), scope, ratios[(i + 4) % 5])]
    for i, department in enumerate(m.departments):
        scope = {**ms, "department": department}
        rows += [(q.CALLBACKS_OPEN_RECORD, scope, 188 - 20 * i)]
        rows += [(q.CALLBACKS_PAST_DEADLINE_RECORD, {**scope, "working_days": wd}, 12 + i) for wd in ("1", "2")]
        rows += [(s.LETTERS_PAST_DUE, {**scope, "channel": "letter"}, 104 + i)]
    rows += [(rec("terugbellen_1_werkdag", s.MUNI, "today"), ms, 0.614),
             (rec("terugbellen_2_werkdagen", s.MUNI, "today"), ms, 1.0)]
    for i, location in enumerate(m.locations):
        rows += [(s.VISITORS_WAITING, {**ms, "location": location}, 27 + i)]
        for visit_type, wait in (("appointment", 754), ("walk_in", 1234)):
            scope = {**ms, "location": location, "visit_type": visit_type}
            rows += [(rec("wachttijd_balie", s.LOCATION_VISIT, "today"), scope, wait - 60 * i),
                     (rec("balie_binnen_norm", s.LOCATION_VISIT, "today"), scope, ratios[i % 5])]
    return rows


def firing_alerts(m: Any) -> list[dict]:
    """Three alerts of ``m`` as Prometheus posts them to Alertmanager (``/api/v2/alerts``), one critical,
    started 1, 2 and 3 minutes ago and ending in an hour."""
    now = datetime.now(timezone.utc)

    def alert(name: str, severity: str, summary: str, minutes: int) -> dict:
        return {"labels": {"alertname": name, "municipality": m.slug, "severity": severity},
                "annotations": {"summary": f"{m.name}: {summary}"},
                "startsAt": (now - timedelta(minutes=minutes)).isoformat(),
                "endsAt": (now + timedelta(hours=1)).isoformat()}
    queue = m.queues[-1]
    return [alert("KccBellerWachtTeLang", "critical", f"een beller wacht al 12m 34s in wachtrij {queue}", 3),
            alert("KccBereikbaarheidOnderNorm", "warning",
                  f"bereikbaarheid (lijn {m.lines[0]}) haalt de norm niet (61,4%)", 2),
            alert("KccTerugbelverzoekenOverTermijn", "warning",
                  f"17 terugbelverzoek(en) van afdeling {m.departments[-1]} langer dan 2 werkdagen open", 1)]


def exposition(samples: list[tuple[str, dict[str, str], float]]) -> bytes:
    """``samples`` in Prometheus' text format, each name's series together."""
    lines = []
    for name, labels, value in sorted(samples, key=lambda sample: sample[0]):
        pairs = ",".join(f'{key}="{label}"' for key, label in labels.items())
        lines.append(f"{name}{{{pairs}}} {value!r}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def static_exporter() -> Iterator[Callable[[list[tuple[str, dict[str, str], float]]], str]]:
    """Factory: ``static_exporter(samples)`` serves ``samples`` on ``/metrics`` (a real HTTP server for a real
    Prometheus to scrape, in place of a worker) and returns its ``host:port``."""
    with ExitStack() as servers:
        def serve(samples: list[tuple[str, dict[str, str], float]]) -> str:
            body = exposition(samples)

            class Handler(BaseHTTPRequestHandler):
                def do_GET(self) -> None:  # noqa: N802 (http.server API)
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain; version=0.0.4")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

                def log_message(self, *args: Any) -> None:
                    pass

            return servers.enter_context(http_server(Handler)).split("://", 1)[1]

        yield serve

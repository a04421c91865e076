"""Fixtures of the wallboard tests: the wallboard server as a real process, headless Chromium,
a configuration in which the municipalities are open now, and the events of today so far."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from monitor.config import Config, load_config
from monitor.open_clock import open_shift, write_config
from tests.support import free_port

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

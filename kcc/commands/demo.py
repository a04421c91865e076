"""``kcc-monitor demo``: the whole live stack on one machine, with its wallboard, stopped with Ctrl-C.

Starts the project's local Kafka (``scripts/kafka``) unless a broker is
configured, one worker, Prometheus with the generated rules, Alertmanager, the
wallboard and the simulator, each as its own process — the same processes an
operator runs — prints the wallboard URL first and then a short status line.
Every process writes its own log under ``.cache/demo/`` (Faust's logging too).

Whenever it is started, the demo shows a working day: without ``--start`` the
municipalities are moved into a time zone in which they are open now
(``monitor/open_clock.py``; events carry the real current time), the
simulator first fills today from opening time until now, then runs in real
time. ``--scenario`` adds events that make a norm slip on purpose
(``monitor/scenarios.py``); the demo's alert rules wait ``for: 1m`` instead of
the production durations, so an alert fires within a few minutes.

On Ctrl-C (or SIGTERM) it stops the simulator, the wallboard, Alertmanager,
Prometheus, the worker, then the broker if it started it, each cleanly.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import yaml

from kcc import stack
from monitor.config import load_config
from monitor.events import FAMILIES
from monitor.settings import Settings

DEMO_DIR = stack.REPO / ".cache" / "demo"
DEMO_ALERT_FOR = "1m"
"""``for:`` of every demo alert rule (production: 1–30 minutes), so a scenario's alert fires within minutes."""
STATUS_SECONDS = 5.0
"""Seconds between two status lines."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--speed", default="1", help="simulator speed: real time × N, or 'max' (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="simulator seed (default 1)")
    parser.add_argument("--municipality", action="append", help="simulate only these (repeatable; default all)")
    parser.add_argument("--start", default=None,
                        help="simulated start instant (default: now, in a time zone where the offices are open); "
                             "e.g. 2026-04-07T09:00 for a busy morning")
    parser.add_argument("--duration", type=float, default=None,
                        help="stop by itself after this many seconds (default: run until Ctrl-C)")
    parser.add_argument("--scenario", choices=_scenarios(), default=None,
                        help="make a norm slip on purpose so an alert fires and a tile turns red within minutes")
    parser.add_argument("--port", type=int, default=8080, help="wallboard port (default 8080, or a free one)")
    parser.add_argument("--config", type=Path, metavar="DIR", help="municipality configuration folder")


def _scenarios() -> tuple[str, ...]:
    from monitor.scenarios import SCENARIOS

    return SCENARIOS


def run(args: argparse.Namespace) -> int:
    settings = Settings()
    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    wallboard_port = args.port if _free(args.port) else stack.free_port()
    source_config = args.config or settings.config_dir
    slugs = _board_first(load_config(source_config), args.municipality)
    wallboard_url = f"http://127.0.0.1:{wallboard_port}/{slugs[0]}"
    _say(f"wallboard:  {wallboard_url}   (TV: {wallboard_url}?tv)")

    if settings.kafka.bootstrap_servers is None:
        _say("starting the local Kafka broker (scripts/kafka start) …")
        broker = stack.Broker.local()
    else:
        broker = stack.Broker.existing(settings.kafka.bootstrap_servers)
    bootstrap = broker.start()
    config_dir = _config_dir(source_config, args)
    env = {"KCC_KAFKA__BOOTSTRAP_SERVERS": bootstrap}
    logs = {name: DEMO_DIR / f"{name}.log" for name in ("worker", "simulator", "prometheus", "alertmanager",
                                                          "wallboard")}
    parts: list[stack.Managed] = []
    scenario_stop = threading.Event()
    scenario: threading.Thread | None = None
    try:
        worker = stack.worker(env, settings.worker_port, config=config_dir, log=logs["worker"])
        parts.append(worker)
        worker.start(timeout=90, stopping=lambda: stopping)  # a worker that dies raises StackError
        am_port, prom_port = stack.free_port(), stack.free_port()
        am_url, prom_url = f"http://127.0.0.1:{am_port}", f"http://127.0.0.1:{prom_port}"
        parts.append(stack.alertmanager(_alertmanager_config(), DEMO_DIR / "alertmanager" / "data", am_port,
                                        log=logs["alertmanager"]))
        parts[-1].start(stopping=lambda: stopping)
        parts.append(stack.prometheus(_prometheus_config(settings.worker_port, am_port, config_dir),
                                      DEMO_DIR / "prometheus" / "data", prom_port, log=logs["prometheus"]))
        parts[-1].start(stopping=lambda: stopping)
        parts.append(stack.Managed(
            "wallboard", stack.kcc_monitor("wallboard", "--prometheus", prom_url, "--alertmanager", am_url,
                                           "--port", str(wallboard_port), "--config", str(config_dir)),
            env=worker.env, log=logs["wallboard"], ready_url=wallboard_url))
        parts[-1].start(stopping=lambda: stopping)
        simulate = ["simulate", "--seed", str(args.seed), "--config", str(config_dir)]
        for slug in args.municipality or []:
            simulate += ["--municipality", slug]
        if args.start:
            simulate += ["--start", args.start, "--speed", str(args.speed)]
        elif not stopping:
            _catch_up(simulate, worker.env, logs["simulator"], config_dir, slugs)
            simulate += ["--speed", str(args.speed)]
        parts.append(stack.Managed("simulator", stack.kcc_monitor(*simulate), env=worker.env, log=logs["simulator"]))
        parts[-1].start()
        if args.scenario:
            scenario = threading.Thread(target=_run_scenario, daemon=True,
                                        args=(args.scenario, config_dir, slugs[0], bootstrap, scenario_stop))
            scenario.start()
        _say(f"wallboard:  {wallboard_url}")
        _say(f"prometheus: {prom_url}   alertmanager: {am_url}")
        _say(f"broker:     {bootstrap}{' (local, scripts/kafka)' if broker.started_here else ''}")
        _say(f"topics:     {', '.join(settings.event_topic(f) for f in FAMILIES)}, {settings.dead_letter_topic}")
        _say(f"metrics:    {worker.ready_url}")
        _say("simulator:  real time" if str(args.speed) == "1" else f"simulator:  speed {args.speed}")
        if args.scenario:
            _say(f"scenario:   {args.scenario} (alerts wait {DEMO_ALERT_FOR} in the demo)")
        _say(f"logs:       {DEMO_DIR}/*.log")
        _say("Ctrl-C stops everything.")
        deadline = time.monotonic() + args.duration if args.duration else None
        next_status = time.monotonic() + STATUS_SECONDS
        while not stopping and all(p.running for p in parts):
            if deadline is not None and time.monotonic() > deadline:
                break
            if time.monotonic() >= next_status:
                _status_line(_status(prom_url, am_url))
                next_status += STATUS_SECONDS
            time.sleep(0.2)
        for part in parts:
            if not part.running and not stopping:
                _say(f"{part.name} exited with status {part.process.returncode}; see {part.log}")
    finally:
        scenario_stop.set()
        if scenario is not None:
            scenario.join(timeout=10)
        for part in reversed(parts):
            if part.running:
                _say(f"stopping the {part.name} …")
            part.stop()
        if broker.started_here:
            _say("stopping the local Kafka broker …")
        broker.stop()
    _say("stopped.")
    return 0


def _board_first(config, chosen: list[str] | None) -> list[str]:
    """The simulated municipalities, the one shown first (and hit by a scenario) first: the first chosen,
    else the largest (most queues and counter locations)."""
    slugs = chosen or sorted(config.slugs, key=lambda s: (-len(config[s].queues) - len(config[s].locations), s))
    return list(slugs)


def _config_dir(source: Path, args: argparse.Namespace) -> Path:
    """The configuration the whole demo reads: ``source`` moved into a zone where the offices are open now,
    unless --start."""
    from monitor.open_clock import open_shift, write_config

    if args.start:
        return source
    config = load_config(source)
    now = datetime.now(timezone.utc)
    shift = open_shift(config, now)
    if shift is None:
        _say("clock:      a closing day in every time zone now: the municipalities stay closed")
        return source
    directory = DEMO_DIR / "config"
    shutil.rmtree(directory, ignore_errors=True)
    write_config(config, shift, directory)
    local = now.astimezone(load_config(directory)[sorted(config.slugs)[0]].tz)
    weekend = "; every day a working day (weekend)" if shift.weekdays else ""
    _say(f"clock:      municipalities moved to time zone {shift.zone} (open: {local:%a %H:%M} there{weekend}); "
         "events carry the real time")
    return directory


def _catch_up(simulate: list[str], env: dict[str, str], log: Path, config_dir: Path, slugs: list[str]) -> None:
    """Today's events from opening time until now, as fast as the broker takes them."""
    m = load_config(config_dir)[slugs[0]]
    now = datetime.now(timezone.utc)
    local = now.astimezone(m.tz)
    opening = m.office_hours.on(local.weekday()).open
    start = local.replace(hour=opening.hour, minute=opening.minute, second=0, microsecond=0)
    if start >= local:
        return
    _say(f"simulator:  filling today from {start:%H:%M} until now …")
    days = (now - start).total_seconds() / 86400
    with log.open("ab") as out:
        subprocess.run(stack.kcc_monitor(*simulate, "--start", start.isoformat(), "--days", f"{days:.6f}",
                                         "--speed", "max"),
                       env=env, stdout=out, stderr=subprocess.STDOUT, check=False, cwd=stack.REPO)


def _run_scenario(name: str, config_dir: Path, slug: str, bootstrap: str, stop: threading.Event) -> None:
    from monitor.events import family
    from monitor.scenarios import TICK_SECONDS, scenario_events
    from streams.publish import Publisher

    municipality = load_config(config_dir)[slug]
    settings = Settings(kafka={"bootstrap_servers": bootstrap})
    tick = 0
    with Publisher(settings, client_id="kcc-demo-scenario") as publisher:
        while not stop.is_set():
            for event in scenario_events(name, municipality, datetime.now(timezone.utc), tick):
                key = event.get("visit_id") or event.get("callback_id")
                publisher.send(settings.event_topic(family(event["type"])), key, json.dumps(event).encode())
            publisher.flush()
            tick += 1
            stop.wait(TICK_SECONDS)


def _prometheus_config(worker_port: int, am_port: int, config_dir: Path) -> Path:
    """Prometheus scraping the worker every 5 s, with the committed recording rules and the demo alert rules."""
    from monitor import rules

    directory = DEMO_DIR / "prometheus"
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(rules.PROMETHEUS_DIR / rules.RECORDING_FILE, directory / rules.RECORDING_FILE)
    (directory / rules.ALERT_FILE).write_text(
        rules.alert_rules_variant(load_config(config_dir), rules.AlertOptions(for_override=DEMO_ALERT_FOR)))
    config = {
        "global": {"scrape_interval": "5s", "evaluation_interval": "5s"},
        "rule_files": [rules.RECORDING_FILE, rules.ALERT_FILE],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{am_port}"]}]}]},
        "scrape_configs": [{"job_name": "kcc-worker", "static_configs": [{"targets": [f"127.0.0.1:{worker_port}"]}]}],
    }
    (directory / "prometheus.yml").write_text(yaml.safe_dump(config))
    return directory / "prometheus.yml"


def _alertmanager_config() -> Path:
    """Alertmanager without receivers: the wallboard reads its active alerts (the demo sends no mail)."""
    directory = DEMO_DIR / "alertmanager"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "alertmanager.yml"
    path.write_text(yaml.safe_dump(
        {"route": {"receiver": "demo", "group_by": ["alertname", "municipality"]}, "receivers": [{"name": "demo"}]}))
    return path


def _status(prom_url: str, am_url: str) -> str:
    """``12,3 events/s · lag 0 · 1 melding actief`` from Prometheus and Alertmanager (``?`` when unknown)."""
    rate = _query(prom_url, "sum(rate(kcc_events_total[1m]))")
    lag = _query(prom_url, "sum(kcc_consumer_lag_messages)")
    try:
        with urllib.request.urlopen(f"{am_url}/api/v2/alerts?active=true&silenced=false&inhibited=false",
                                    timeout=2) as response:
            alerts = str(len(json.load(response)))
    except (OSError, ValueError):
        alerts = "?"
    events = "?" if rate is None else f"{rate:.1f}"
    return f"status:     {events} events/s · lag {'?' if lag is None else f'{lag:.0f}'} · {alerts} alert(s) firing"


def _query(prom_url: str, expr: str) -> float | None:
    try:
        url = f"{prom_url}/api/v1/query?{urllib.parse.urlencode({'query': expr})}"
        with urllib.request.urlopen(url, timeout=2) as response:
            result = json.load(response)["data"]["result"]
        return float(result[0]["value"][1]) if result else 0.0
    except (OSError, ValueError, KeyError, IndexError):
        return None


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _status_line(message: str) -> None:
    """On a terminal one line rewritten in place; in a log one line each time."""
    if sys.stdout.isatty():
        print(f"\r[demo] {message}\033[K", end="", flush=True)
    else:
        _say(message)


def _say(message: str) -> None:
    if sys.stdout.isatty():
        print("\r\033[K", end="")
    print(f"[demo] {message}", flush=True)

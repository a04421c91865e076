"""Fixtures and helpers of the fault tests (``tests/integration/test_faults.py``): kill a worker with
SIGKILL and start it again, run a second worker of the same app, restart the broker on its port and data
dir, feed a file into Kafka at a steady pace while faults happen, wait until everything is consumed and
compacted, and compare the report from the stream with the offline one row by row.

Everything here drives real processes (``scripts/kafka``, ``kcc-monitor worker``); a component that does
not come back fails the test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kcc import stack
from tests.plugins.kafka import KafkaBroker
from tests.plugins.worker import WorkerProcess
from tests.support import free_port, wait_until

REPO = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------- processes

def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """``kcc-monitor ARGS`` in a subprocess; fails the test on a non-zero exit."""
    done = subprocess.run([sys.executable, "-m", "kcc.cli", *args], cwd=REPO, env=env, capture_output=True,
                          timeout=timeout)
    assert done.returncode == 0, f"kcc-monitor {' '.join(args)} exited {done.returncode}:\n{done.stderr.decode()}"
    return done


def kill9(worker: WorkerProcess) -> None:
    """SIGKILL: no shutdown, no offset commit, no producer flush, as a crash or an OOM kill."""
    assert worker.process is not None and worker.process.poll() is None, "the worker is not running"
    worker.process.send_signal(signal.SIGKILL)
    worker.process.wait(timeout=30)
    worker.stop()  # the process is gone already: this only closes its log


def peer(worker: WorkerProcess, tmp_path: Path, name: str) -> WorkerProcess:
    """A second worker of ``worker``'s app (same app id, topics and consumer group), with its own web
    port, data dir and log; not started yet."""
    env = {**worker.env, "KCC_DATA_DIR": str(tmp_path / f"data-{worker.app_id}-{name}")}
    port = free_port()
    return WorkerProcess(stack.worker(env, port, log=tmp_path / f"worker-{worker.app_id}-{name}.log",
                                      loglevel="info", cwd=stack.REPO), port)


@pytest.fixture
def peers(tmp_path: Path) -> Iterator[Any]:
    """Factory ``peers(worker, name)`` → :func:`peer`, stopped (and its log printed) at teardown."""
    made: list[WorkerProcess] = []

    def make(worker: WorkerProcess, name: str) -> WorkerProcess:
        made.append(peer(worker, tmp_path, name))
        return made[-1]

    yield make
    for worker in made:
        worker.stop()
        print(f"---- worker {worker.app_id} ({worker.log_path.name}) log (tail) ----\n{worker.log()[-6000:]}")


def restart_broker(broker: KafkaBroker, down_seconds: float) -> float:
    """Stop the test broker (``scripts/kafka stop``), wait ``down_seconds``, start it again on the same
    port and data dir; returns the seconds it was unreachable. An external broker (``KCC_TEST_BOOTSTRAP``)
    cannot be restarted: the test fails."""
    if broker.directory is None:
        pytest.fail("a broker restart needs the test's own broker (unset KCC_TEST_BOOTSTRAP)")
    env = {**os.environ, "KCC_KAFKA_PORT": broker.bootstrap.rsplit(":", 1)[1], "KCC_KAFKA_DIR": str(broker.directory)}
    env.pop("KCC_KAFKA_CONTROLLER_PORT", None)  # remembered in the data dir
    script = str(stack.KAFKA_SCRIPT)
    began = time.monotonic()
    stopped = subprocess.run([script, "stop"], env=env, capture_output=True, text=True, timeout=120)
    assert stopped.returncode == 0, stopped.stderr
    time.sleep(down_seconds)
    started = subprocess.run([script, "start"], env=env, capture_output=True, text=True, timeout=300)
    if started.returncode != 0:
        pytest.fail(f"scripts/kafka start after the stop failed ({started.returncode}):\n{started.stderr[-3000:]}")
    return time.monotonic() - began


# ---------------------------------------------------------------- feeding Kafka

class Feeder(threading.Thread):
    """Sends the lines of an event file (routed and keyed like ``kcc-monitor replay``) in the background at
    ``per_second`` lines per second, so faults hit a stream that is still flowing. The producer retries
    through a broker outage (``retries``, long delivery timeout)."""

    def __init__(self, lines: Iterable[bytes], env: dict[str, str], per_second: float) -> None:
        super().__init__(daemon=True, name="feeder")
        self.lines = list(lines)
        self.env = env
        self.per_second = per_second
        self.sent = 0
        self.failed: list[BaseException] = []
        """Sends the producer gave up on."""
        self.error: BaseException | None = None

    def run(self) -> None:
        from kafka import KafkaProducer

        from streams.publish import Publisher, route_line

        try:
            settings = _settings(self.env)
            Publisher(settings, client_id="kcc-fault-feeder").close()  # creates the event topics
            producer = KafkaProducer(**settings.kafka_python_kwargs(), acks="all", linger_ms=5, retries=1_000_000,
                                     retry_backoff_ms=200, delivery_timeout_ms=300_000, request_timeout_ms=10_000,
                                     max_in_flight_requests_per_connection=1, enable_idempotence=False)
            began = time.monotonic()
            for n, raw in enumerate(self.lines):
                due = began + n / self.per_second
                if (delay := due - time.monotonic()) > 0:
                    time.sleep(delay)
                routed = route_line(raw, settings)
                future = producer.send(routed.topic, key=None if routed.key is None else routed.key.encode(),
                                       value=raw)
                future.add_errback(self.failed.append)
                self.sent += 1
            producer.flush(timeout=300)
            producer.close(timeout=30)
        except BaseException as exc:  # noqa: BLE001 (reported by finish())
            self.error = exc

    def finish(self, timeout: float = 330) -> None:
        """Wait until every line is sent and acknowledged; fail the test otherwise."""
        self.join(timeout)
        if self.is_alive():
            pytest.fail(f"feeder still sending after {timeout}s ({self.sent} of {len(self.lines)} sent)")
        if self.error is not None:
            raise AssertionError(f"feeder failed after {self.sent} of {len(self.lines)} lines") from self.error
        assert not self.failed, f"{len(self.failed)} lines not delivered, first: {self.failed[0]!r}"


def read_lines(path: Path) -> list[bytes]:
    from streams.publish import read_lines as lines

    return list(lines(str(path)))


# ---------------------------------------------------------------- waiting for the worker

def _settings(env: dict[str, str]) -> Any:
    from monitor.settings import KafkaSettings, Settings

    return Settings(kafka=KafkaSettings(bootstrap_servers=env["KCC_KAFKA__BOOTSTRAP_SERVERS"]),
                    topic_prefix=env["KCC_TOPIC_PREFIX"], app_id=env["KCC_APP_ID"])


def settle(env: dict[str, str], timeout: float = 180) -> None:
    """Wait until the app's consumer group has committed every message of its topics and no compaction
    command was added for two seconds."""
    from tests.integration.test_stream_equals_report import _compaction_settled

    wait_until(lambda: _compaction_settled(env), timeout=timeout, what="the workers to consume and compact "
               "everything", interval=1)


# ---------------------------------------------------------------- comparing reports

@dataclass(frozen=True)
class Reports:
    offline: dict
    streamed: dict


def reports(events: Path, env: dict[str, str], municipality: str, period: str, as_of: str) -> Reports:
    """``report --events FILE`` and ``report --from-stream`` (no worker may be running) as JSON."""
    args = ["--municipality", municipality, "--period", period, "--as-of", as_of]
    offline = json.loads(cli("report", "--events", str(events), *args, env=env).stdout)
    streamed = json.loads(cli("report", "--from-stream", *args, env=env).stdout)
    return Reports(offline, streamed)


def row_differences(offline: dict, streamed: dict) -> list[str]:
    """Readable differences between two reports, row by row: ``id [scope]: field offline → stream``."""
    def rows(report: dict) -> dict[str, dict]:
        return {f"{r.get('id')} {json.dumps(r.get('scope'), sort_keys=True)}": r for r in report.get("indicators", [])}

    ours, theirs = rows(offline), rows(streamed)
    lines = [f"{key}: only in the offline report" for key in ours.keys() - theirs.keys()]
    lines += [f"{key}: only in the report from the stream" for key in theirs.keys() - ours.keys()]
    for key in sorted(ours.keys() & theirs.keys()):
        a, b = ours[key], theirs[key]
        for name in sorted(a.keys() | b.keys()):
            if a.get(name) != b.get(name):
                lines.append(f"{key}: {name} {a.get(name)!r} (events) → {b.get(name)!r} (stream)")
    for name in sorted((offline.keys() | streamed.keys()) - {"indicators", "invalid_events"}):
        if offline.get(name) != streamed.get(name):
            lines.append(f"report {name}: {offline.get(name)!r} (events) → {streamed.get(name)!r} (stream)")
    return lines


def assert_reports_equal(events: Path, env: dict[str, str], municipalities: Iterable[str], period: str,
                         as_of: str, *, min_rows: int = 20) -> int:
    """Every row of the report from the stream equals the offline report of ``events``, for every
    municipality; fails with the differing rows listed. Returns the number of rows compared."""
    compared = 0
    problems: list[str] = []
    for slug in municipalities:
        both = reports(events, env, slug, period, as_of)
        assert both.offline["invalid_events"] == 0, f"{events} holds invalid lines"
        differences = row_differences(both.offline, both.streamed)
        problems += [f"{slug} {line}" for line in differences]
        assert len(both.offline["indicators"]) >= min_rows, f"{slug}: only {len(both.offline['indicators'])} rows"
        compared += len(both.offline["indicators"])
    assert not problems, f"{len(problems)} differences (report --events vs --from-stream):\n" + "\n".join(problems[:60])
    return compared


def counted_events(worker: WorkerProcess) -> tuple[float, float]:
    """(``kcc_events_total``, ``kcc_events_duplicate_total``) summed over every label set."""
    samples = worker.samples()
    return (sum(v for (name, _), v in samples.items() if name == "kcc_events_total"),
            sum(v for (name, _), v in samples.items() if name == "kcc_events_duplicate_total"))



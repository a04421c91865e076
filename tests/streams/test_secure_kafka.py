"""The whole system against a secured broker: SASL_SSL with SCRAM-SHA-512 and a CA made for the test.

``scripts/kafka start --secure`` runs the broker; worker, replay and ``report --from-stream``
connect with ``KCC_KAFKA__*`` settings only; so does ``deadletters``. A wrong password and a certificate the
configured CA does not trust end each command within seconds with one line saying which.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import free_port, wait_until

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
TS = "2026-04-07T09:{minute:02d}:00+02:00"
CALLS = 12
"""Calls offered, answered and ended in the replayed file."""


@pytest.fixture
def kafka_broker(secure_kafka_broker):
    """The workers of these tests (``start_worker``) use the secured broker."""
    return secure_kafka_broker


def events_file(path: Path) -> Path:
    lines = []
    for n in range(CALLS):
        base = {"municipality": "groningen", "call_id": f"s{n}", "line": "14050", "queue": "algemeen"}
        lines += [{"event_id": f"s{n}o", "type": "call.offered", "ts": TS.format(minute=n), **base},
                  {"event_id": f"s{n}a", "type": "call.answered", "ts": TS.format(minute=n + 1),
                   "wait_seconds": 10 + n, **base},
                  {"event_id": f"s{n}e", "type": "call.ended", "ts": TS.format(minute=n + 3), "talk_seconds": 120,
                   "outcome": "resolved", **base}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def total(worker, name: str) -> float:
    return sum(value for (sample, _), value in worker.samples().items() if sample == name)


def kcc(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kcc.cli", *args], env={**os.environ, **env}, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


def test_worker_counts_events_replayed_over_sasl_ssl_and_report_from_stream_reads_them(
        secure_kafka_broker, start_worker, tmp_path: Path) -> None:
    worker = start_worker(**secure_kafka_broker.client_env)
    env = {key: value for key, value in worker.env.items() if key.startswith("KCC_")}
    source = events_file(tmp_path / "calls.jsonl")
    replay = kcc("replay", str(source), env=env)
    assert replay.returncode == 0, replay.stderr
    wait_until(lambda: total(worker, "kcc_events_total") == 3 * CALLS, 90, f"{3 * CALLS} events counted")
    offline = kcc("report", "--events", str(source), "--municipality", "groningen", "--period", "2026-04-07",
                  "--as-of", "2026-04-08", env=env)
    assert offline.returncode == 0, offline.stderr

    def same_report() -> bool:
        live = kcc("report", "--from-stream", "--municipality", "groningen", "--period", "2026-04-07",
                   "--as-of", "2026-04-08", env=env)
        assert live.returncode == 0, live.stderr
        return json.loads(live.stdout)["indicators"] == json.loads(offline.stdout)["indicators"]

    wait_until(same_report, 60, "report --from-stream over SASL_SSL equal to the offline report")

    simulated = tmp_path / "hengelo.jsonl"
    day = ("--start", "2026-04-07", "--days", "1", "-m", "hengelo", "--seed", "3")
    assert kcc("simulate", *day, "--out", str(simulated), env=env).returncode == 0
    sent = kcc("simulate", *day, "--speed", "max", env=env)
    assert sent.returncode == 0, sent.stderr
    lines = len(simulated.read_text().splitlines())
    wait_until(lambda: total(worker, "kcc_events_total") + total(worker, "kcc_events_duplicate_total")
               == 3 * CALLS + lines, 90, f"the {lines} simulated events counted")
    assert total(worker, "kcc_dead_letters_total") == 0
    listed = kcc("deadletters", "list", "--format", "json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["total"] == 0


def untrusted_ca(directory: Path) -> Path:
    """A CA of its own: it did not sign the broker's certificate."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Other CA",
                    "-keyout", str(directory / "other.key"), "-out", str(directory / "other.pem")],
                   check=True, capture_output=True)
    return directory / "other.pem"


COMMANDS = {
    "worker": ("worker", "--port", "{port}"),
    "replay": ("replay", "{file}"),
    "report --from-stream": ("report", "--from-stream", "--municipality", "groningen", "--period", "2026-04-07"),
    "deadletters list": ("deadletters", "list"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("fault, words", [
    ("wrong password", "refused the credentials of user 'kcc' (SCRAM-SHA-512)"),
    ("untrusted CA", "is not trusted by"),
])
def test_wrong_password_or_untrusted_certificate_is_one_clear_line_within_seconds(
        secure_kafka_broker, tmp_path: Path, command: str, fault: str, words: str) -> None:
    # The broker's refusal ends the check at once; the connect timeout only bounds a check that heard nothing,
    # which on a loaded machine (a C1-only broker JVM doing TLS and SCRAM) can outlast the default 10 s.
    env = {**secure_kafka_broker.client_env, "KCC_APP_ID": "wrong", "KCC_TOPIC_PREFIX": "wrong",
           "KCC_DATA_DIR": str(tmp_path / "data"), "KCC_KAFKA__CONNECT_TIMEOUT_SECONDS": "30"}
    if fault == "wrong password":
        env["KCC_KAFKA__SASL_PASSWORD"] = "not-" + env["KCC_KAFKA__SASL_PASSWORD"]
    else:
        env["KCC_KAFKA__SSL_CAFILE"] = str(untrusted_ca(tmp_path))
    args = [arg.format(file=events_file(tmp_path / "calls.jsonl"), port=free_port()) for arg in COMMANDS[command]]
    began = time.monotonic()
    result = kcc(*args, env=env, timeout=60)
    elapsed = time.monotonic() - began
    output = (result.stdout + result.stderr).strip().splitlines()
    assert result.returncode == 2, output
    assert len(output) == 1 and output[0].startswith("kcc-monitor"), output
    assert words in output[0] and secure_kafka_broker.bootstrap in output[0]
    assert elapsed < 15, f"{command}: {elapsed:.1f} s"

"""A broken municipality file or an unreachable broker ends a command with one line, not a traceback.

Real processes (``python -m kcc.cli …``); the unreachable broker is a free port nobody listens on.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import free_port

REPO = Path(__file__).resolve().parents[3]
EVENT = ('{"event_id":"e1","type":"call.offered","ts":"2026-04-07T09:00:00+02:00","municipality":"groningen",'
         '"call_id":"k1","line":"14050","queue":"algemeen"}\n')


def kcc(*args: str, env: dict[str, str]) -> tuple[int, list[str], float]:
    began = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "kcc.cli", *args], env={**os.environ, **env}, cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    return result.returncode, (result.stdout + result.stderr).strip().splitlines(), time.monotonic() - began


@pytest.fixture
def broken_config(tmp_path: Path) -> Path:
    """The repository's municipalities with one time zone that does not exist."""
    folder = tmp_path / "municipalities"
    shutil.copytree(REPO / "config" / "municipalities", folder)
    path = folder / "hengelo.yaml"
    path.write_text(path.read_text().replace("timezone: Europe/Amsterdam", "timezone: Europe/Hengelo"))
    return folder


@pytest.mark.parametrize("args", [("worker", "--port", "{port}"), ("simulate", "--days", "1", "--out", "{out}", "--config", "{config}")],
                         ids=["worker", "simulate"])
def test_a_broken_municipality_file_is_one_line_with_file_key_and_problem(broken_config: Path, tmp_path: Path,
                                                                         args: tuple[str, ...]) -> None:
    env = {"KCC_CONFIG_DIR": str(broken_config), "KCC_KAFKA__BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}",
           "KCC_DATA_DIR": str(tmp_path / "data")}
    code, output, _ = kcc(*(a.format(port=free_port(), out=tmp_path / "x.jsonl", config=broken_config) for a in args),
                         env=env)
    assert code == 2
    assert len(output) == 1, output
    assert output[0].startswith(f"kcc-monitor: {broken_config / 'hengelo.yaml'}: timezone: ")
    assert "Europe/Hengelo" in output[0]


COMMANDS = {
    "worker": ("worker", "--port", "{port}"),
    "simulate": ("simulate", "--speed", "max", "--days", "1", "--start", "2026-04-07", "-m", "hengelo"),
    "replay": ("replay", "{file}"),
    "report --from-stream": ("report", "--from-stream", "--municipality", "groningen", "--period", "2026-04"),
    "export --from-stream": ("export", "--from-stream", "--municipality", "groningen", "--period", "2026-04",
                             "--out", "{out}", "--no-progress"),
    "deadletters list": ("deadletters", "list"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_an_unreachable_broker_is_one_line_naming_the_bootstrap_servers_within_seconds(
        tmp_path: Path, command: str) -> None:
    nowhere = f"127.0.0.1:{free_port()}"
    env = {"KCC_KAFKA__BOOTSTRAP_SERVERS": nowhere, "KCC_KAFKA__CONNECT_TIMEOUT_SECONDS": "3",
           "KCC_DATA_DIR": str(tmp_path / "data")}
    (tmp_path / "events.jsonl").write_text(EVENT)
    args = [a.format(port=free_port(), file=tmp_path / "events.jsonl", out=tmp_path / "x.csv") for a in COMMANDS[command]]
    code, output, elapsed = kcc(*args, env=env)
    assert code == 2, output
    assert len(output) == 1, output
    assert output[0].startswith("kcc-monitor") and f"cannot reach the Kafka broker at {nowhere}" in output[0]
    assert elapsed < 15
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("command", [("worker",), ("deadletters", "list"), ("replay", "{file}")],
                         ids=["worker", "deadletters", "replay"])
def test_a_bad_setting_is_one_line_naming_the_variable(tmp_path: Path, command: tuple[str, ...]) -> None:
    env = {"KCC_KAFKA__SSL_CAFILE": str(tmp_path / "missing-ca.pem"), "KCC_DATA_DIR": str(tmp_path / "data")}
    (tmp_path / "events.jsonl").write_text(EVENT)
    code, output, _ = kcc(*(a.format(file=tmp_path / "events.jsonl") for a in command), env=env)
    assert code == 2
    assert output == ["kcc-monitor: KCC_KAFKA__SSL_CAFILE: Path does not point to a file"]

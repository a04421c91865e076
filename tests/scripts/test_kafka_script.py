"""scripts/kafka refuses clearly when Java is missing (the broker itself is exercised by tests/streams)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "kafka"


@pytest.fixture
def path_without_java(tmp_path: Path) -> str:
    """A PATH holding every command of /usr/bin and /bin except java."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for folder in (Path("/usr/local/bin"), Path("/usr/bin"), Path("/bin")):
        for program in folder.iterdir():
            target = bin_dir / program.name
            if program.name != "java" and not target.exists() and os.access(program, os.X_OK):
                target.symlink_to(program)
    return str(bin_dir)


def test_kafka_start_says_java_is_missing(tmp_path: Path, path_without_java: str) -> None:
    env = {**os.environ, "PATH": path_without_java, "KCC_KAFKA_DIR": str(tmp_path / "run")}
    result = subprocess.run([str(SCRIPT), "start"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "java is missing" in result.stderr
    assert not (tmp_path / "run" / "kafka.pid").exists()


def test_kafka_fetch_on_a_fresh_checkout_says_java_is_missing(tmp_path: Path, path_without_java: str) -> None:
    """A copy of the script in an empty checkout has nothing downloaded: it must refuse before Maven runs."""
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    copy = checkout / "scripts" / "kafka"
    copy.write_bytes(SCRIPT.read_bytes())
    copy.chmod(0o755)
    env = {**os.environ, "PATH": path_without_java}
    result = subprocess.run([str(copy), "fetch"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "java is missing" in result.stderr
    assert not (checkout / ".cache" / "kafka" / "pom.xml").exists()


def test_kafka_script_without_command_prints_usage() -> None:
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "usage: scripts/kafka fetch|start [--secure]|stop|status" in result.stderr

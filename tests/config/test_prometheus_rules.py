"""The committed Prometheus files: up to date with the norms, accepted by promtool, unit tests pass.

promtool (Debian's 2.42 at /usr/bin/promtool) runs the generated alert-rule tests
(every alert fires, and stays silent exactly at its norm and where it is gated)
and the hand-written recording-rule tests.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kcc.cli import main
from monitor import rules
from monitor.config import Config

PROMETHEUS_DIR = rules.PROMETHEUS_DIR


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is not installed (scripts/setup installs the Debian package)"
    return subprocess.run([promtool, *args], cwd=PROMETHEUS_DIR, capture_output=True, text=True, timeout=300)


def test_committed_rule_files_equal_what_the_configuration_generates(config: Config) -> None:
    assert rules.differences(rules.generate(config)) == []


def test_rules_check_command_fails_on_a_stale_file_and_passes_on_fresh_ones(tmp_path: Path) -> None:
    assert main(["rules", "--out", str(tmp_path)]) == 0
    assert main(["rules", "--out", str(tmp_path), "--check"]) == 0
    alert_file = tmp_path / rules.ALERT_FILE
    alert_file.write_text(alert_file.read_text().replace("< 0.85", "< 0.8"))
    assert main(["rules", "--out", str(tmp_path), "--check"]) == 1


@pytest.mark.integration
def test_promtool_accepts_the_rule_files() -> None:
    result = _promtool("check", "rules", rules.RECORDING_FILE, rules.ALERT_FILE)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.integration
def test_promtool_accepts_the_full_stack_prometheus_config() -> None:
    result = _promtool("check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.integration
def test_every_alert_fires_and_is_silent_at_its_norm_in_promtool() -> None:
    result = _promtool("test", "rules", rules.ALERT_TEST_FILE)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.integration
def test_recording_rules_compute_the_indicators_in_promtool() -> None:
    result = _promtool("test", "rules", "tests/recording_rules_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr

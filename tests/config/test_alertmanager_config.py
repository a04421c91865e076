"""config/alertmanager/alertmanager.yml: valid for amtool, routes and inhibits as documented."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ALERTMANAGER_DIR = Path(__file__).resolve().parents[2] / "config" / "alertmanager"


def _amtool(*args: str) -> str:
    amtool = shutil.which("amtool")
    assert amtool, "amtool is not installed (scripts/setup installs the Debian package)"
    result = subprocess.run([amtool, *args], cwd=ALERTMANAGER_DIR, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


@pytest.mark.integration
def test_amtool_accepts_the_config_and_its_templates() -> None:
    assert "SUCCESS" in _amtool("check-config", "alertmanager.yml")


@pytest.mark.integration
@pytest.mark.parametrize(("labels", "receivers"), [
    (["municipality=groningen", "severity=critical", "alertname=KccBellerWachtTeLang", "kind=live"],
     "kcc-teamleads-mail,kcc-webhook"),
    (["municipality=amersfoort", "severity=warning", "alertname=KccBereikbaarheidOnderNorm", "kind=norm"],
     "kcc-webhook"),
    (["severity=critical", "alertname=KccGeenWorkers", "kind=pipeline"], "kcc-operations"),
])
def test_alerts_route_by_kind_municipality_and_severity(labels: list[str], receivers: str) -> None:
    assert _amtool("config", "routes", "test", "--config.file=alertmanager.yml", *labels) == receivers


def test_a_silent_source_inhibits_the_norm_alerts_of_its_own_municipality_only() -> None:
    config = yaml.safe_load((ALERTMANAGER_DIR / "alertmanager.yml").read_text())
    rule = next(r for r in config["inhibit_rules"] if r["source_matchers"] == ['alertname="KccGeenEvents"'])
    assert rule["target_matchers"] == ['kind="norm"']
    assert rule["equal"] == ["municipality"]


def test_no_secrets_are_committed() -> None:
    text = (ALERTMANAGER_DIR / "alertmanager.yml").read_text()
    assert "auth_password:" not in text and "api_url:" not in text

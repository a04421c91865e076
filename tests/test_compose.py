"""docker-compose.yml: valid for docker-compose (1.29, the Debian package) and wired as documented.

No Docker engine runs here, so the stack is checked as configuration: the file
renders, a worker can be scaled, Prometheus gets the generated rules, Grafana
the generated dashboards and the datasource uid they reference.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from dashboards.panels import DATASOURCE_UID

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"


def _compose(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("docker-compose")
    assert exe, "docker-compose is not installed (scripts/setup test installs the Debian package)"
    return subprocess.run([exe, "-f", str(COMPOSE), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)})


@pytest.fixture(scope="module")
def stack() -> dict:
    """The compose file as docker-compose resolves it (anchors merged, paths absolute), all profiles."""
    result = _compose("--profile", "simulator", "config")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def _mounts(service: dict) -> dict[str, str]:
    """Container path → host path of the bind mounts."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source", ""), volume["target"]
        mounts[target] = source
    return mounts


@pytest.mark.integration
def test_compose_file_is_valid_with_and_without_the_simulator_profile():
    for args in (("config", "-q"), ("--profile", "simulator", "config", "-q")):
        result = _compose(*args)
        assert result.returncode == 0, result.stderr


@pytest.mark.integration
def test_worker_can_be_scaled_no_fixed_name_or_host_port(stack):
    worker = stack["services"]["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker
    assert "6066" in [str(p) for p in worker["expose"]]
    env = worker["environment"]
    assert env["KCC_KAFKA__BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert int(env["KCC_KAFKA__TOPIC_PARTITIONS"]) >= 1
    assert worker["depends_on"]["kafka"]["condition"] == "service_healthy"


@pytest.mark.integration
def test_simulator_runs_only_under_its_profile(stack):
    simulator = stack["services"]["simulator"]
    assert simulator["profiles"] == ["simulator"]
    assert simulator["depends_on"]["worker"]["condition"] == "service_healthy"
    assert "simulator" not in {name for name, s in stack["services"].items() if not s.get("profiles")}


@pytest.mark.integration
def test_kafka_is_a_single_kraft_node_reachable_in_the_network(stack):
    kafka = stack["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:3.9.")
    env = {k: str(v) for k, v in kafka["environment"].items()}
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "INTERNAL://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"


@pytest.mark.integration
def test_prometheus_mounts_the_generated_rules_and_scrapes_every_worker_replica(stack):
    prometheus = stack["services"]["prometheus"]
    host = Path(_mounts(prometheus)["/etc/prometheus"])
    assert host == ROOT / "config" / "prometheus"
    main = yaml.safe_load((host / "prometheus.yml").read_text())
    for rule_file in main["rule_files"]:
        assert (host / Path(rule_file).name).is_file(), rule_file
    workers = [job for job in main["scrape_configs"] if job["job_name"] == "kcc-worker"]
    assert workers, "no kcc-worker scrape job"
    names = [n for sd in workers[0].get("dns_sd_configs", []) for n in sd["names"]]
    assert "worker" in names, "scaled workers are found through the service's DNS name"
    targets = [t for am in main["alerting"]["alertmanagers"] for sc in am["static_configs"] for t in sc["targets"]]
    assert "alertmanager:9093" in targets


@pytest.mark.integration
def test_alertmanager_mounts_its_configuration(stack):
    host = Path(_mounts(stack["services"]["alertmanager"])["/etc/alertmanager"])
    assert (host / "alertmanager.yml").is_file()


@pytest.mark.integration
def test_grafana_provisions_the_datasource_the_dashboards_reference_and_the_generated_dashboards(stack):
    grafana = stack["services"]["grafana"]
    major = int(grafana["image"].split(":")[1].split(".")[0])
    assert major in (11, 12)
    mounts = _mounts(grafana)
    provisioning = Path(mounts["/etc/grafana/provisioning"])
    datasources = yaml.safe_load((provisioning / "datasources" / "kcc.yml").read_text())["datasources"]
    prometheus = next(d for d in datasources if d["type"] == "prometheus")
    assert prometheus["uid"] == DATASOURCE_UID
    assert prometheus["url"] == "http://prometheus:9090"
    provider = yaml.safe_load((provisioning / "dashboards" / "kcc.yml").read_text())["providers"][0]
    dashboards_host = Path(mounts[provider["options"]["path"]])
    assert dashboards_host == ROOT / "config" / "grafana" / "dashboards"
    assert sorted(p.name for p in dashboards_host.glob("groningen/*.json")) == [
        "programme.json", "teamlead.json", "wallboard.json"]


@pytest.mark.integration
def test_every_long_running_service_has_a_healthcheck_and_waits_for_healthy_dependencies(stack):
    for name, service in stack["services"].items():
        if name != "simulator":
            assert "healthcheck" in service, name
        for dependency, condition in service.get("depends_on", {}).items():
            assert condition["condition"] == "service_healthy", (name, dependency)


def test_image_is_python_311_slim_non_root_with_the_cli_as_entrypoint():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert lines[0] == "FROM python:3.11-slim"
    user = [line for line in lines if line.startswith("USER ")]
    assert user and user[-1].split()[1].split(":")[0] not in ("root", "0")
    assert lines[-2:] == ['ENTRYPOINT ["kcc-monitor"]', 'CMD ["worker"]']
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", ".cache", ".env", "tests"} <= set(ignored)
    # what the Dockerfile copies exists and is not ignored
    for line in lines:
        if line.startswith("COPY ") and "--from" not in line:
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
                assert source.split("/")[0] not in ignored, source


def test_wallboard_service_reads_prometheus_and_alertmanager_and_is_published_on_localhost(stack):
    wallboard = stack["services"]["wallboard"]
    command = wallboard["command"]
    assert command[0] == "wallboard"
    assert command[command.index("--prometheus") + 1] == "http://prometheus:9090"
    assert command[command.index("--alertmanager") + 1] == "http://alertmanager:9093"
    assert wallboard["ports"] == ["127.0.0.1:8080:8080/tcp"]
    assert set(wallboard["depends_on"]) == {"prometheus", "alertmanager"}
    assert "KCC_WALLBOARD_TOKEN" in wallboard["environment"]

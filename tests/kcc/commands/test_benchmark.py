"""``kcc-monitor benchmark``: what it refuses before it starts a broker, and what its runs measure."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from kcc.commands import benchmark
from monitor.errors import ServiceError


def test_profile_without_py_spy_says_how_to_install_it_before_starting_anything(tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(benchmark, "_PY_SPY", tmp_path / "py-spy")
    parser = argparse.ArgumentParser()
    benchmark.add_arguments(parser)
    args = parser.parse_args(["--profile", str(tmp_path / "profile.json")])
    with pytest.raises(ServiceError, match=r"--profile needs py-spy .*pip install -e '\.\[profile\]'"):
        benchmark.run(args)
    assert not (tmp_path / "profile.json").exists()


@pytest.mark.integration
def test_an_unpaced_run_counts_its_whole_backlog_without_a_delay_figure_and_a_paced_run_gives_its_latency(
        kafka_broker, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KCC_KAFKA__BOOTSTRAP_SERVERS", kafka_broker.bootstrap)
    parser = argparse.ArgumentParser()
    benchmark.add_arguments(parser)
    args = parser.parse_args(["--events", "400", "--latency-rate", "100", "--no-ceilings", "--json",
                              "--timeout", "120"])
    assert benchmark.run(args) == 0
    unpaced, paced = json.loads(capsys.readouterr().out)["runs"]
    assert unpaced["paced_events_per_second"] is None and unpaced["events"] == 400
    assert unpaced["backlog_messages_max"] == 400  # the whole backlog, behind the group at the first sample
    assert unpaced["delay_seconds_p50"] is None  # a backlog's wait is not the pipeline's latency
    assert unpaced["worker_cpu_seconds"] > 0
    assert paced["paced_events_per_second"] == 100 and paced["events"] == 400
    assert 0 < paced["delay_seconds_p50"] <= paced["delay_seconds_p99"] < 5

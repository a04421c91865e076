"""``kcc-monitor benchmark`` refuses what it cannot do before it starts a broker."""

from __future__ import annotations

import argparse
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

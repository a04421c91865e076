"""``kcc-monitor``: every command takes ``--config``, and a user error ends in one line and exit status 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcc.cli import main

NEEDS_CONFIG = ("simulate", "report", "export", "rules", "dashboards")


@pytest.mark.parametrize("name", NEEDS_CONFIG)
def test_a_command_reading_the_configuration_names_an_unusable_config_folder_in_one_line(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    required = {"report": ["--events", str(tmp_path / "e.jsonl"), "--municipality", "groningen",
                           "--period", "2026-04"],
                "export": ["--events", str(tmp_path / "e.jsonl"), "--municipality", "groningen",
                           "--period", "2026-04", "--out", str(tmp_path / "x.csv")],
                "simulate": ["--start", "2026-04-07", "--out", str(tmp_path / "e.jsonl")],
                "rules": ["--out", str(tmp_path)], "dashboards": ["--out", str(tmp_path)]}[name]
    status = main([name, *required, "--config", str(tmp_path / "missing")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.splitlines() == [f"kcc-monitor: {tmp_path / 'missing'}: no municipality files (*.yaml)"]



def test_every_command_reading_the_configuration_takes_config_and_none_config_dir() -> None:
    import argparse
    import importlib

    from kcc.cli import _COMMANDS

    for name, (module_name, _) in _COMMANDS.items():
        parser = argparse.ArgumentParser()
        importlib.import_module(module_name).add_arguments(parser)
        options = {option for action in parser._actions for option in action.option_strings}
        assert "--config-dir" not in options, name
        # replay sends lines unread; deadletters shows and re-sends messages as they are
        assert ("--config" in options) == (name not in ("replay", "deadletters")), name

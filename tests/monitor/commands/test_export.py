"""``kcc-monitor export`` end to end: arguments, errors, and numbers equal to ``build_report``."""

from __future__ import annotations

import pytest

from monitor.cli import main


def _run(capsys, *argv):
    code = main(["export", *argv])
    captured = capsys.readouterr()
    return code, captured.err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--municipality", "atlantis", "--period", "2026-04"], "unknown municipality 'atlantis'"),
        (["--municipality", "groningen", "--period", "2026-W15"], "month, quarter or year, not a week"),
        (["--municipality", "groningen", "--period", "april"], "invalid period 'april'"),
        (["--municipality", "groningen", "--period", "2026-04", "--as-of", "2026-06-01T00:00"],
         "needs a UTC offset"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(capsys, tmp_path, argv, message):
    events = tmp_path / "events.jsonl"
    events.write_text("")
    code, err = _run(capsys, *argv, "--events", str(events), "--out", str(tmp_path / "out.xlsx"))
    assert code == 2
    assert message in err


def test_format_is_taken_from_the_out_suffix_or_must_be_given(capsys, tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_text("")
    code, err = _run(capsys, "--municipality", "groningen", "--period", "2026-04", "--events", str(events),
                     "--out", str(tmp_path / "out.txt"))
    assert code == 2 and "give --format xlsx|csv|md|html" in err


def test_missing_event_file_exits_2(capsys, tmp_path):
    code, err = _run(capsys, "--municipality", "groningen", "--period", "2026-04",
                     "--events", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "out.md"))
    assert code == 2 and "no such file" in err

"""``kcc-monitor simulate --out`` and the pure parts of ``replay`` (ordering, duplicates, arguments)."""

from __future__ import annotations

import io
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kcc.cli import main
from kcc.commands.replay import arrange
from kcc.commands.simulate import parse_speed, parse_start
from monitor.events import parse_event
from monitor.simulator import simulate, write_jsonl

AMS = ZoneInfo("Europe/Amsterdam")


def test_simulate_writes_the_same_json_lines_as_the_simulator(config, tmp_path, capsys):
    out = tmp_path / "hengelo.jsonl"
    assert main(["simulate", "--municipality", "hengelo", "--start", "2026-03-10", "--days", "1",
                 "--seed", "4", "--out", str(out)]) == 0
    expected = io.StringIO()
    start = datetime(2026, 3, 10, tzinfo=AMS)
    count = write_jsonl(simulate(config, ["hengelo"], start, start + timedelta(days=1), 4), expected)
    assert out.read_text() == expected.getvalue()
    assert f"{count} events" in capsys.readouterr().err


def test_simulate_defaults_to_every_municipality_and_repeats_the_option(config, tmp_path):
    every, two = tmp_path / "every.jsonl", tmp_path / "two.jsonl"
    assert main(["simulate", "--start", "2026-03-10T09:00", "--days", "0.01", "--out", str(every)]) == 0
    assert main(["simulate", "-m", "nijmegen", "-m", "groningen", "--start", "2026-03-10T09:00",
                 "--days", "0.01", "--out", str(two)]) == 0
    assert {parse_event(line).municipality for line in every.read_bytes().splitlines()} == set(config.slugs)
    assert {parse_event(line).municipality for line in two.read_bytes().splitlines()} == {"nijmegen", "groningen"}


def test_simulate_window_starts_at_a_local_time_or_an_offset(tmp_path):
    out = tmp_path / "window.jsonl"
    assert main(["simulate", "-m", "amersfoort", "--start", "2026-03-10T10:00:00+01:00", "--days", "0.02",
                 "--out", str(out)]) == 0
    times = [parse_event(line).ts for line in out.read_bytes().splitlines()]
    assert min(times) >= datetime(2026, 3, 10, 10, tzinfo=AMS)
    assert all(a <= b for a, b in zip(times, times[1:]))


@pytest.mark.parametrize("argv, message", [
    (["-m", "atlantis", "--out", "x.jsonl"], "unknown municipality atlantis"),
    (["--realtime", "--out", "x.jsonl"], "--realtime"),
    (["--start", "10-03-2026", "--out", "x.jsonl"], "invalid --start"),
    (["--start", "2026-03-10", "--days", "0", "--out", "x.jsonl"], "--days must be > 0"),
])
def test_simulate_refuses_bad_arguments_with_status_2(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["simulate", *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.jsonl").exists()


def test_speed_is_a_positive_factor_or_max():
    assert parse_speed("max") is None
    assert parse_speed("60") == 60.0
    for bad in ("0", "-1", "fast", "inf"):
        with pytest.raises(Exception):
            parse_speed(bad)
    with pytest.raises(SystemExit):
        main(["simulate", "--speed", "0", "--out", "x.jsonl"])


def test_start_is_local_midnight_for_a_date_and_local_for_a_naive_time():
    assert parse_start("2026-10-25", AMS).isoformat() == "2026-10-25T00:00:00+02:00"
    assert parse_start("2026-10-25T12:00", AMS).isoformat() == "2026-10-25T12:00:00+01:00"
    assert parse_start("2026-10-25T12:00:00+00:00", AMS).utcoffset() == timedelta(0)
    assert parse_start("now", AMS).tzinfo is not None


def test_arrange_without_shuffle_keeps_file_order_with_each_duplicate_right_after_its_original():
    lines = [f"line-{i}".encode() for i in range(2000)]
    sent = list(arrange(lines, shuffle=False, duplicates=0.1, seed=1))
    assert [line for i, line in enumerate(sent) if i == 0 or sent[i - 1] != line] == lines
    extra = len(sent) - len(lines)
    assert 120 < extra < 280
    assert list(arrange(lines, shuffle=False, duplicates=0.0, seed=1)) == lines


def test_arrange_with_shuffle_sends_every_line_in_another_order_deterministically():
    lines = [f"line-{i}".encode() for i in range(2000)]
    sent = list(arrange(lines, shuffle=True, duplicates=0.05, seed=2))
    assert sent == list(arrange(lines, shuffle=True, duplicates=0.05, seed=2))
    assert sent != list(arrange(lines, shuffle=True, duplicates=0.05, seed=3))
    counts = Counter(sent)
    assert set(counts) == set(lines) and set(counts.values()) == {1, 2}
    assert sent[: len(lines)] != lines


@pytest.mark.parametrize("rate", ["-0.1", "1.5", "often"])
def test_replay_refuses_a_duplicate_rate_outside_0_to_1(rate, tmp_path):
    with pytest.raises(SystemExit):
        main(["replay", str(tmp_path / "x.jsonl"), "--duplicates", rate])


def test_replay_of_a_missing_file_exits_2_before_touching_kafka(tmp_path, capsys):
    assert main(["replay", str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl" in capsys.readouterr().err


def test_simulate_volume_scales_every_family_and_keeps_the_events_valid(config, tmp_path):
    full, tenth = tmp_path / "full.jsonl", tmp_path / "tenth.jsonl"
    common = ["simulate", "-m", "groningen", "--start", "2026-03-10", "--days", "1", "--seed", "3"]
    assert main([*common, "--out", str(full)]) == 0
    assert main([*common, "--volume", "0.1", "--out", str(tenth)]) == 0
    counts = [Counter(parse_event(line).type.split(".")[0] for line in path.read_bytes().splitlines())
              for path in (full, tenth)]
    for family in ("call", "visit", "letter", "digital"):
        assert 0.05 < counts[1][family] / counts[0][family] < 0.2, (family, counts)
    assert main([*common, "--volume", "-1", "--out", str(tenth)]) == 2

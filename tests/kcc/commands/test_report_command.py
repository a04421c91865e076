"""``kcc-monitor report`` end to end on a small file with an invalid line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kcc.cli import main
from tests.support import free_port

LINES = [
    '{"event_id":"c-1","type":"call.offered","ts":"2026-04-07T09:00:00+02:00","municipality":"groningen",'
    '"call_id":"k1","line":"14050","queue":"algemeen"}',
    '{"event_id":"c-2","type":"call.answered","ts":"2026-04-07T09:00:40","municipality":"groningen",'
    '"call_id":"k1","line":"14050","queue":"algemeen","wait_seconds":40}',
    '{"event_id":"c-3","type":"call.answered","ts":"2026-04-07T09:00:40+02:00","municipality":"groningen",'
    '"call_id":"k1","line":"14050","queue":"algemeen","wait_seconds":40}',
    '{"event_id":"c-4","type":"call.ended","ts":"2026-04-07T09:04:10+02:00","municipality":"groningen",'
    '"call_id":"k1","line":"14050","queue":"algemeen","talk_seconds":210,"outcome":"resolved"}',
]


@pytest.fixture
def events_file(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(LINES) + "\n")
    return path


def test_report_names_invalid_lines_on_stderr_and_still_writes_the_report(events_file, capsys):
    code = main(["report", "--events", str(events_file), "--municipality", "groningen", "--period", "2026-04",
                 "--as-of", "2026-05-01"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "line 2: naive_timestamp" in err
    report = json.loads(out)
    assert report["invalid_events"] == 1
    assert report["as_of"] == "2026-05-01T00:00:00+02:00"
    [direct] = [r for r in report["indicators"] if r["id"] == "direct_geholpen" and r["scope"] == {}]
    assert (direct["value"], direct["n"], direct["hits"], direct["status"]) == (1.0, 1, 1, "meets_norm")


@pytest.mark.parametrize("fmt, marker", [("csv", "indicator,scope,unit"), ("table", "Gemeente groningen")])
def test_report_formats(events_file, capsys, fmt, marker):
    assert main(["report", "--events", str(events_file), "--municipality", "groningen", "--period", "2026-04",
                 "--as-of", "2026-05-01", "--format", fmt]) == 0
    assert marker in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--period", "2026-13"], "invalid period"),
    (["--period", "april"], "invalid period"),
    (["--municipality", "atlantis"], "unknown municipality"),
    (["--as-of", "2026-05-01T00:00:00"], "UTC offset"),
    (["--events", "/nonexistent/events.jsonl"], "cannot read"),
])
def test_bad_arguments_exit_2_with_a_clear_error(events_file, capsys, args, message):
    argv = {"--events": str(events_file), "--municipality": "groningen", "--period": "2026-04"}
    argv.update(dict(zip(args[::2], args[1::2])))
    assert main(["report", *[x for kv in argv.items() for x in kv]]) == 2
    assert message in capsys.readouterr().err


def test_the_installed_command_runs_as_a_process(events_file):
    done = subprocess.run([sys.executable, "-m", "kcc.cli", "report", "--events", str(events_file),
                           "--municipality", "groningen", "--period", "2026-04", "--as-of", "2026-05-01"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "line 2" in done.stderr and json.loads(done.stdout)["invalid_events"] == 1


def test_from_stream_exits_2_with_one_line_naming_the_unreachable_broker(monkeypatch, capsys):
    monkeypatch.setenv("KCC_KAFKA__BOOTSTRAP_SERVERS", f"127.0.0.1:{free_port()}")
    code = main(["report", "--from-stream", "--municipality", "groningen", "--period", "2026-04"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("kcc-monitor: ") and "cannot reach the Kafka broker" in err and "127.0.0.1" in err

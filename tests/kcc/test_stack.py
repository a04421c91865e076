"""kcc/stack.py: managed processes become ready, say why when they do not, and stop cleanly.

Real child processes (small Python programs and ``python -m http.server``) stand in for
the worker, Prometheus and the like: the helper treats them all the same way.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kcc.stack import Managed, answers, free_port, kcc_monitor
from monitor.errors import StackError


def python(code: str) -> list[str]:
    return [sys.executable, "-u", "-c", code]


def test_a_process_that_dies_while_awaited_is_named_with_its_status_and_log_tail(tmp_path: Path) -> None:
    dying = Managed("fake-worker", python("print('cannot bind port 6066'); raise SystemExit(3)"),
                    log=tmp_path / "fake.log", ready_url=f"http://127.0.0.1:{free_port()}/metrics")
    with pytest.raises(StackError) as error:
        dying.start(timeout=30)
    message = str(error.value)
    assert message.startswith("fake-worker exited with status 3")
    assert "cannot bind port 6066" in message and str(tmp_path / "fake.log") in message


def test_ready_when_the_url_answers_and_the_line_is_logged_then_stopped_by_sigterm(tmp_path: Path) -> None:
    port = free_port()
    server = Managed("web", [sys.executable, "-u", "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                     log=tmp_path / "web.log", ready_url=f"http://127.0.0.1:{port}/", ready_line="Serving HTTP",
                     cwd=tmp_path)
    try:
        server.start(timeout=30)
        assert server.running and answers(f"http://127.0.0.1:{port}/")
    finally:
        status = server.stop()
    assert status == -signal.SIGTERM and not server.running


def test_a_process_ignoring_sigterm_is_killed_after_the_timeout(tmp_path: Path) -> None:
    stubborn = Managed("stubborn", python("import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                                          "print('ready')\ntime.sleep(60)"),
                       log=tmp_path / "stubborn.log", ready_line="ready")
    stubborn.start(timeout=30)
    assert stubborn.stop(timeout=1) == -signal.SIGKILL


def test_a_process_not_ready_in_time_is_stopped_and_the_error_says_so(tmp_path: Path) -> None:
    silent = Managed("silent", python("import time\ntime.sleep(60)"), log=tmp_path / "silent.log",
                     ready_url=f"http://127.0.0.1:{free_port()}/")
    with pytest.raises(StackError, match=r"^silent was not ready within 1 s"):
        silent.start(timeout=1)
    assert not silent.running


def test_a_restart_waits_for_a_new_ready_line_not_the_one_of_the_previous_run(tmp_path: Path) -> None:
    process = Managed("restartable", python("import time\nprint('ready')\ntime.sleep(60)"),
                      log=tmp_path / "restartable.log", ready_line="ready")
    process.start(timeout=30)
    process.stop()
    process.argv = python("import time\ntime.sleep(0.5)\nraise SystemExit(1)")
    with pytest.raises(StackError, match="restartable exited with status 1"):
        process.start(timeout=30)
    assert process.output().count("ready") == 1


def test_a_kcc_monitor_child_runs_this_project_s_code_not_a_checkout_in_its_working_directory(tmp_path: Path) -> None:
    decoy = tmp_path / "kcc"
    decoy.mkdir()
    (decoy / "__init__.py").write_text("")
    (decoy / "cli.py").write_text("print('the decoy ran')\n")
    done = subprocess.run([*kcc_monitor("--help")], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "the decoy ran" not in done.stdout and "usage: kcc-monitor" in done.stdout

"""The progress bar follows bytes read and steps; it draws nothing unless enabled."""

from __future__ import annotations

import io

from monitor.export.progress import CountingReader, Progress


def test_counting_reader_reports_bytes_read_and_draws_a_bar():
    stream = io.StringIO()
    progress = Progress(stream, enabled=True)
    data = b'{"a": 1}\n' * 1000
    reader = io.BufferedReader(CountingReader(io.BytesIO(data), len(data), progress))
    lines = list(io.TextIOWrapper(reader, encoding="utf-8"))
    progress.close()
    assert len(lines) == 1000
    out = stream.getvalue()
    assert out.startswith("\rGebeurtenissen lezen") and "100%" in out and out.endswith("\n")
    assert "[" + "#" * 28 + "]" in out


def test_disabled_progress_writes_nothing():
    stream = io.StringIO()
    progress = Progress(stream, enabled=False)
    progress.bytes("Gebeurtenissen lezen", 10, 100)
    progress.step("Rapporten opbouwen", 1, 2)
    progress.close()
    assert stream.getvalue() == ""


def test_steps_show_done_of_total():
    stream = io.StringIO()
    progress = Progress(stream, enabled=True)
    progress.step("Rapporten opbouwen", 13, 13)
    assert "13/13" in stream.getvalue() and "100%" in stream.getvalue()

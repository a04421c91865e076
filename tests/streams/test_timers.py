"""``streams.timers``: the compaction command's header. What passing time changes (missed deadlines, compaction
commands): ``test_agenda.py`` (the live timer) and ``test_settling.py`` (a backfill's catch-up)."""

from __future__ import annotations

from streams.timers import COMMAND_HEADER, COMPACT, is_command


def test_command_header_is_read_from_pairs_or_a_mapping() -> None:
    assert is_command([(COMMAND_HEADER, COMPACT)]) == COMPACT
    assert is_command({COMMAND_HEADER: "compact"}) == COMPACT
    assert is_command(None) is None and is_command([("other", b"x")]) is None

"""Exactly-once effect over the redelivery horizon (issue 10): the same events delivered again after their
items were compacted change nothing — neither the live counters nor the report from the stream.

A week of simulated Groningen goes to a file and is replayed into a real worker that compacts every final
record :data:`COMPACTION_AFTER` seconds after its last change; once everything is consumed and compacted, the
same file is replayed again, and once more into a restarted worker (which recovers the ``compacted`` table from its
changelog). The live ``kcc_calls_offered_total`` must not move, the later deliveries must show up as
duplicates of cause ``compacted`` (and ``source`` for the items still open), and ``report --from-stream``
must equal the offline report of the file.
"""

from __future__ import annotations

import json

import pytest

from tests.integration.test_stream_equals_report import _cli, _compaction_settled, _consumed_everything
from tests.support import wait_until

pytestmark = pytest.mark.integration

AS_OF = "2026-09-01"
COMPACTION_AFTER = 5
"""Seconds: long enough that a loaded machine's delay between an item's events (a visit's ``completed`` after
its ``called``) does not compact it in the first delivery (1 s once did, at load 6)."""
TIMER = 0.5
QUIET = COMPACTION_AFTER + 4 * TIMER
"""Settled means no compaction command for this long: every record final at the last event was due then."""


def _sum(worker, name: str, **labels: str) -> float:
    return sum(v for (sample, items), v in worker.samples().items()
               if sample == name and set(labels.items()) <= set(items))


def _settle(worker, quiet: float = 2.0) -> None:
    """Every event consumed, then no compaction command for ``quiet`` seconds (longer than the wall-clock
    settling, or the check could pass before the timer asked for any)."""
    wait_until(lambda: _consumed_everything(worker.env), timeout=300, what="the worker to consume every event",
               interval=1)
    wait_until(lambda: _compaction_settled(worker.env, quiet), timeout=300, what="the compaction to settle",
               interval=1)


def test_the_same_file_replayed_after_compaction_changes_no_counter_and_no_report_row(start_worker, tmp_path):
    events = tmp_path / "week.jsonl"
    _cli("simulate", "--municipality", "groningen", "--start", "2026-04-06", "--days", "7", "--seed", "3",
         "--volume", "0.05", "--out", str(events))
    with open(events, "rb") as handle:
        offered = {json.loads(line)["call_id"] for line in handle if b'"call.offered"' in line}
    assert len(offered) > 100

    worker = start_worker(KCC_COMPACTION_AFTER_SECONDS=str(COMPACTION_AFTER), KCC_LIVE_TIMER_SECONDS=str(TIMER))
    _cli("replay", str(events), "--speed", "max", env=worker.env)
    _settle(worker, QUIET)
    first = _sum(worker, "kcc_calls_offered_total")
    assert first == len(offered)
    assert _sum(worker, "kcc_events_duplicate_total", cause="compacted") == 0

    _cli("replay", str(events), "--speed", "max", env=worker.env)
    _settle(worker, QUIET)
    assert _sum(worker, "kcc_calls_offered_total") == first
    compacted = _sum(worker, "kcc_events_duplicate_total", cause="compacted")
    assert compacted > len(offered), "most items were compacted before the second delivery"
    assert _sum(worker, "kcc_events_duplicate_total", cause="redelivery") == 0
    worker.stop()

    worker.start()  # a new process: counters from zero, tables (compacted included) from their changelogs
    _cli("replay", str(events), "--speed", "max", env=worker.env)
    _settle(worker, QUIET)
    assert _sum(worker, "kcc_calls_offered_total") == 0
    assert _sum(worker, "kcc_events_duplicate_total", cause="compacted") == compacted
    worker.stop()

    args = ["--municipality", "groningen", "--period", "2026-04", "--as-of", AS_OF]
    offline = json.loads(_cli("report", "--events", str(events), *args, env=worker.env).stdout)
    streamed = json.loads(_cli("report", "--from-stream", *args, env=worker.env).stdout)
    assert offline.pop("invalid_events") == 0
    assert streamed["indicators"] == offline["indicators"]
    assert streamed == offline
    reachability = next(r for r in offline["indicators"] if r["id"] == "bereikbaarheid" and not r["scope"])
    assert reachability["n"] > 100

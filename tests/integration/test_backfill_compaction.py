"""A backfill stays small (issue 11 item 5): weeks of history replayed in seconds are compacted as their own
event time passes, not after a day of wall clock, and the stream still reports what the file says.

Four simulated weeks of Groningen (a twentieth of its volume) go to a file and are replayed at full speed
into a real worker with a day of event-time compaction margin
(``KCC_COMPACTION_MARGIN_EVENT_SECONDS``). Once everything is consumed and compaction has
settled — a minute of wall clock, so the wall-clock rule settles nothing — the ``records`` table (read from
its changelog) holds no final call older than two days before the last call, far fewer records than the
file's items, and ``report --from-stream`` equals ``report --events`` row by row.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from monitor.config import load_config
from monitor.indicators import is_final
from monitor.live import latest_us
from monitor.instants import to_us
from monitor.records import record_from_json
from streams.changelog import RECORDS_TABLE, read_tables
from tests.integration.test_replay_after_compaction import _settle
from tests.integration.test_stream_equals_report import _cli, _settings
from tests.plugins.faults import assert_reports_equal

pytestmark = pytest.mark.integration

AS_OF = "2026-09-01"


def test_a_backfill_of_four_weeks_keeps_only_the_last_days_records_and_reports_as_the_file(start_worker, tmp_path):
    events = tmp_path / "weeks.jsonl"
    _cli("simulate", "--municipality", "groningen", "--start", "2026-03-02", "--days", "28", "--seed", "5",
         "--volume", "0.05", "--out", str(events))
    items, last_call = set(), None
    with open(events, "rb") as handle:
        for line in handle:
            event = json.loads(line)
            key = next((event[f] for f in ("call_id", "callback_id", "visit_id", "letter_id", "survey_id",
                                           "transaction_id") if f in event), None)
            if key is not None:
                items.add((event["type"].split(".")[0], key))
            if event["type"].startswith("call."):
                last_call = max(last_call or event["ts"], event["ts"], key=datetime.fromisoformat)
    assert len(items) > 3000

    worker = start_worker(KCC_LIVE_TIMER_SECONDS="0.5", KCC_COMPACTION_MARGIN_EVENT_SECONDS="86400")
    _cli("replay", str(events), "--speed", "max", env=worker.env)
    _settle(worker)
    worker.stop()

    config = load_config()
    records = [record_from_json(json.loads(value)["record"])
               for _, value in read_tables(_settings(worker.env), [RECORDS_TABLE])[RECORDS_TABLE]]
    settled_before = to_us(datetime.fromisoformat(last_call) - timedelta(days=2))
    stale = [r for r in records if r.KIND == "call" and latest_us(r) < settled_before
             and is_final(r, config["groningen"], settled_before)]
    assert not stale, f"{len(stale)} final calls older than two days still in the records table"
    assert len(records) < len(items) / 5, f"{len(records)} records left of {len(items)} items"
    assert_reports_equal(events, worker.env, ["groningen"], "2026-03", AS_OF)

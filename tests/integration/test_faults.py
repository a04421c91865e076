"""Nothing lost, nothing counted twice, under faults (issue 10): real broker, real worker processes.

Each test feeds a simulated day into Kafka while something goes wrong — a worker killed with SIGKILL at
random moments, one of two workers of an app killed, the broker restarted, a worker dying between the
writes of a compaction — lets the surviving or restarted workers consume and compact everything, stops
them, and compares ``report --from-stream`` with ``report --events`` of the same file: every row equal.
Compaction runs one second after an item's last change, so the faults also hit compactions.
The replay of a whole file after compaction is ``test_replay_after_compaction.py``; hostile input is
``test_hostile_input_property.py``. Helpers: ``tests/plugins/faults.py``.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from streams.compaction import EXIT_IN_COMPACTION, EXIT_IN_COMPACTION_STATUS
from tests.support import wait_until
from tests.plugins.faults import Feeder, assert_reports_equal, cli, kill9, read_lines, restart_broker, settle

pytestmark = pytest.mark.integration

MUNICIPALITY = "groningen"
DAY = "2026-04-07"
PERIOD = "2026-04"
AS_OF = "2026-09-01"
"""After the last event of every simulated item (letters are answered weeks later)."""
VOLUME = "0.1"
"""A tenth of Groningen's configured day: about 3,000 events, every family."""
PER_SECOND = 300
"""Feeding pace, lines per second: the day flows for about ten seconds, long enough to be hit."""
FAST = {"KCC_COMPACTION_AFTER_SECONDS": "1", "KCC_LIVE_TIMER_SECONDS": "0.5"}
SEED = 20261202


@pytest.fixture
def day(tmp_path: Path) -> Path:
    """One simulated Groningen day as JSON Lines."""
    path = tmp_path / "day.jsonl"
    cli("simulate", "--municipality", MUNICIPALITY, "--start", DAY, "--days", "1", "--seed", "11", "--volume",
        VOLUME, "--out", str(path))
    return path


def _equal(day: Path, env: dict[str, str]) -> int:
    return assert_reports_equal(day, env, [MUNICIPALITY], PERIOD, AS_OF)


def test_a_worker_killed_with_sigkill_at_five_random_moments_loses_and_doubles_nothing(start_worker, day):
    worker = start_worker(**FAST)
    rng = random.Random(SEED)
    feeder = Feeder(read_lines(day), worker.env, PER_SECOND)
    feeder.start()
    moments = []
    for _ in range(5):
        moment = rng.uniform(0.2, 3.0)
        time.sleep(moment)
        moments.append(round(moment, 2))
        kill9(worker)
        worker.start()
    feeder.finish()
    settle(worker.env)
    worker.stop()
    rows = _equal(day, worker.env)
    print(f"killed after {moments} s of each run; {feeder.sent} lines; {rows} rows equal")


def test_two_workers_of_one_app_one_killed_mid_stream_the_other_takes_over(start_worker, peers, day):
    """The killed worker dies before its first commit on some partitions: the survivor must read those from
    their first offset, not from where its fetcher stood (``streams.consumer``; failed 6 of 7 runs before)."""
    first = start_worker(**FAST)
    second = peers(first, "second").start()
    feeder = Feeder(read_lines(day), first.env, PER_SECOND)
    feeder.start()
    wait_until(lambda: _owns_partitions(first) and _owns_partitions(second), timeout=60,
               what="both workers to consume partitions of the stream", interval=0.2)
    time.sleep(random.Random(SEED).uniform(0.5, 3.0))
    kill9(second)
    feeder.finish()
    settle(first.env)
    assert first.process.poll() is None, "the surviving worker must still run"
    first.stop()
    _equal(day, first.env)


def _owns_partitions(worker) -> bool:
    """Whether the worker consumes some partitions (it shows their lag once they hold messages)."""
    return any(name == "kcc_consumer_lag_messages" for name, _ in worker.samples())


def test_a_broker_restart_mid_stream_loses_and_doubles_nothing(kafka_broker, start_worker, day):
    worker = start_worker(**FAST)
    feeder = Feeder(read_lines(day), worker.env, PER_SECOND)
    feeder.start()
    time.sleep(3)
    down = restart_broker(kafka_broker, down_seconds=5)
    feeder.finish()
    settle(worker.env)
    assert worker.process.poll() is None, f"the worker must survive the broker restart\n{worker.log()[-3000:]}"
    worker.stop()
    rows = _equal(day, worker.env)
    print(f"broker unreachable for {down:.1f} s; {rows} rows equal")


@pytest.mark.parametrize("written", ["daily", "compacted"])
def test_a_worker_dying_between_the_writes_of_a_compaction_loses_and_doubles_nothing(start_worker, day, written):
    """The hook exits the worker once the named table's write of its first compaction reached the broker,
    before the next write (``streams.compaction.EXIT_IN_COMPACTION``); the restarted worker must finish that
    compaction without adding the item's contributions twice or dropping them."""
    worker = start_worker(**FAST, **{EXIT_IN_COMPACTION: written})
    cli("replay", str(day), "--speed", "max", env=worker.env)
    wait_until(lambda: worker.process.poll() is not None, timeout=120, what="the worker to exit in a compaction")
    assert worker.process.returncode == EXIT_IN_COMPACTION_STATUS, worker.log()[-3000:]
    del worker.env[EXIT_IN_COMPACTION]
    worker.start()
    settle(worker.env)
    worker.stop()
    _equal(day, worker.env)

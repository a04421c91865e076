"""The benchmark's in-process measures (``--scrape-records``, ``--domain``) run after its broker runs.

Those runs end with ``asyncio.run``, which leaves no current event loop; the measures build a worker whose
changelog writes need one (a year's backfill once ended in ``RuntimeError: There is no current event loop``
before the scrape figure)."""

from __future__ import annotations

import asyncio

from kcc import domain_cost, scrape_cost
from kcc.commands.benchmark import _simulated_messages
from monitor.config import load_config


def test_the_scrape_cost_is_measured_after_the_domain_run_and_the_broker_runs_in_the_benchmarks_order() -> None:
    config = load_config()
    domain_cost.measure(config, _simulated_messages(config, 300, 1, "2026-03-02"))
    asyncio.run(asyncio.sleep(0))
    figures = scrape_cost.measure(config, 400, scrapes=2)
    assert figures["open_records"] == 400 and figures["exposition_bytes"] > 0
    assert figures["tick_records_looked_at"] == 400  # the records changed since the first tick, no more


def test_the_domain_cost_is_measured_after_an_event_loop_was_closed() -> None:
    config = load_config()
    messages = _simulated_messages(config, 300, 1, "2026-03-02")
    asyncio.run(asyncio.sleep(0))
    figures = domain_cost.measure(config, messages)
    assert figures["events"] == 300 and figures["processed"] > 0

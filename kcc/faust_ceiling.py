"""The Faust ceiling of ``kcc-monitor benchmark``: the worker's own Faust app with agents that do nothing.

Same settings, consumer, sensor, event loop, collector thresholds, topics' schema and batches as a worker
(:mod:`streams.app`, :mod:`streams.agents`), but each family's agent only takes its batches: no parsing, no
tables, no changelog, no metrics. Its events/s and CPU per event are what Faust, aiokafka and the event loop
cost per message on this machine, in the same run as the workers; what a worker needs beyond them is the
monitor's own work. A separate process with the benchmark's ``KCC_*`` settings, a consumer group of its own
reading the event topics from the start::

    python -m kcc.faust_ceiling TOTAL PORT FILE

Once it has taken ``TOTAL`` events it writes its figures to ``FILE`` (JSON) and exits at once (nothing to commit
or close).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def main(total: int, port: int, output: Path) -> None:
    import faust

    from monitor.events import FAMILIES
    from monitor.settings import Settings
    from streams.agents import BATCH_EVENTS, BATCH_SECONDS
    from streams.app import create_app, install_event_loop, tune_garbage_collector
    from streams.batches import take_batches
    from streams.schema import RawSchema

    settings = Settings().model_copy(update={"worker_port": port})
    install_event_loop(settings)
    app = create_app(settings)
    taken = 0
    first: tuple[int, float, float] | None = None
    """Events taken, monotonic and CPU seconds at the end of the first batch (the clock starts there)."""

    async def take(stream: Any) -> None:
        nonlocal taken, first
        async for batch in take_batches(stream, BATCH_EVENTS, BATCH_SECONDS):
            taken += len(batch)
            if first is None:
                first = (taken, time.monotonic(), time.process_time())
            if taken >= total:
                counted, wall, cpu = taken - first[0], time.monotonic() - first[1], time.process_time() - first[2]
                output.write_text(json.dumps({
                    "events": taken, "events_per_second": round(counted / wall) if counted else None,
                    "cpu_microseconds_per_event": round(cpu / counted * 1e6, 1) if counted else None}))
                os._exit(0)

    for name in FAMILIES:
        topic = app.topic(settings.event_topic(name), schema=RawSchema())
        app.agent(topic, name=f"kcc.faust_ceiling.{name}")(take)
    tune_garbage_collector()
    faust.Worker(app, loglevel="warning", quiet=True).execute_from_commandline()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))

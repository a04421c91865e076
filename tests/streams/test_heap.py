"""The worker's C heap (glibc): memory freed after a burst goes back to the system.

Each case runs in a fresh interpreter, so the allocator's state (and a changed threshold) is its own.
"""

from __future__ import annotations

import json
import subprocess
import sys

from streams import heap

_RSS = """
def rss_kib():
    for line in open("/proc/self/status"):
        if line.startswith("RssAnon:"):
            return int(line.split()[1])
"""


def _run(script: str) -> dict[str, int]:
    result = subprocess.run([sys.executable, "-c", _RSS + script], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


_BURST = """
import json
from streams import heap
{before}
blocks, kept = [], []
for _ in range(600):  # 60 MB of blocks below the mmap threshold: in the heap, each followed by one that stays
    blocks.append(b"x" * 100_000)  # written: resident
    kept.append(bytes(1000))  # above Python's small-object size: from malloc too
del blocks
freed = rss_kib()
trimmed = heap.trim()
print(json.dumps({{"freed": freed, "after": rss_kib(), "trimmed": trimmed}}))
"""


def test_trim_gives_the_free_memory_inside_the_heap_back():
    measured = _run(_BURST.format(before=""))
    assert measured["trimmed"]
    assert measured["freed"] - measured["after"] > 25_000  # KiB of the 60 MB freed


_LARGE = """
import json
from streams import heap
heap.configure({threshold})
b"x" * (8 << 20)  # a freed mmapped block of 8 MiB: glibc's own threshold grows to 8 MiB
before = rss_kib()
blocks, kept = [], []
for _ in range(60):  # fetch-buffer-sized blocks, each followed by one that stays (a freed one cannot merge)
    blocks.append(b"x" * (1 << 20))
    kept.append(bytes(1000))  # above Python's small-object size: from malloc too
del blocks
print(json.dumps({{"kept": rss_kib() - before}}))
"""


def test_a_fixed_mmap_threshold_returns_large_blocks_when_freed():
    assert _run(_LARGE.format(threshold="131072"))["kept"] < 10_000  # KiB
    assert _run(_LARGE.format(threshold="0"))["kept"] > 40_000  # glibc's own threshold keeps them


def test_configure_sets_a_threshold_only_when_asked():
    assert heap.configure(0) is False
    assert _run("import json\nfrom streams import heap\nprint(json.dumps({'set': heap.configure(131072)}))")["set"]


def test_a_worker_trims_its_heap_on_a_timer_unless_switched_off(unit_worker):
    on, off = unit_worker(), unit_worker(heap_trim_seconds=0)
    assert len(on.app._app_tasks) == len(off.app._app_tasks) + 1  # Faust's list of the app's timers and tasks

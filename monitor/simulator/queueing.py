"""A first-come-first-served queue with several servers and reneging: phone queues and counter desks.

Waits, abandons and the per-minute ``queue.snapshot`` of a queue all come from this one
queue, so they agree with each other.
"""

from __future__ import annotations

import heapq
import math


def serve(arrivals: list[tuple[int, float, float]], servers: list[tuple[int, int]]) -> list[int | None]:
    """First come, first served with several servers and reneging.

    ``arrivals`` (sorted by time): (time the customer may be served, patience s,
    service s); ``servers``: (available from, until) per server shift. Returns per
    arrival the service start, or None when the customer left (waited longer than
    the patience, or no server shift remained). A server busy past its shift end
    finishes the customer in hand; the shift is gone afterwards.
    """
    heap = list(servers)
    heapq.heapify(heap)
    starts: list[int | None] = []
    for t, patience, service in arrivals:
        begin = None
        while heap:
            free, until = heap[0]
            candidate = t if t > free else free
            if candidate >= until:
                heapq.heappop(heap)
                continue
            begin = candidate
            break
        if begin is None or begin - t > patience:
            starts.append(None)
            continue
        heapq.heapreplace(heap, (begin + math.ceil(service), until))
        starts.append(begin)
    return starts

"""The simulator's random draws that are not specific to one channel: counts, list weights, grades."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from monitor.simulator.model import SURVEY

KNUTH_BELOW_MEAN = 30
"""Means below this are drawn exactly (Knuth); above it the normal approximation is close and cheaper."""


def poissonish(rng: random.Random, mean: float) -> int:
    """A count with mean ``mean`` and Poisson-like spread (normal approximation, ≥ 0)."""
    if mean <= 0:
        return 0
    if mean < KNUTH_BELOW_MEAN:
        limit, k, p = math.exp(-mean), 0, rng.random()
        while p > limit:
            k += 1
            p *= rng.random()
        return k
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def weights(names: Sequence[str]) -> list[float]:
    """Decreasing weights 1, 1/2, 1/3 … (the first-listed item is the main one)."""
    return [1 / (i + 1) for i in range(len(names))]


def grade(rng: random.Random, channel: str) -> int:
    """A survey grade 1..10 for ``channel`` (see :data:`~monitor.simulator.model.SURVEY`)."""
    unhappy, mean, sd = SURVEY[channel]
    if rng.random() < unhappy:
        return rng.randint(1, 5)
    return min(10, max(1, round(rng.gauss(mean, sd))))

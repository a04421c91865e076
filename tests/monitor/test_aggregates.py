"""Aggregates are exact integer sums: any split and merge order gives the same rows."""

from __future__ import annotations

import json
import random
from datetime import date

from monitor.aggregates import Aggregate, Aggregates, row_scopes
from monitor.indicators import Contribution

D = date(2026, 4, 7)
SCOPE = (("line", "14050"), ("queue", "algemeen"))


def _contributions(count: int = 300) -> list[Contribution]:
    rng = random.Random(11)
    result = []
    for i in range(count):
        day = date(2026, 4, 1 + i % 30)
        queue = rng.choice(["algemeen", "afval", "parkeren"])
        scope = (("line", "14050"), ("queue", queue))
        if rng.random() < 0.1:
            result.append(Contribution("wachttijd_telefoon", scope, day, 0, 0, 0, 1))
        else:  # waits like 0.1 s, 12.3 s: as floats these sums would depend on the order
            result.append(Contribution("wachttijd_telefoon", scope, day, 1, 0, rng.randrange(0, 600_000, 100)))
        result.append(Contribution("bereikbaarheid", scope, day, 1, rng.random() < 0.8, 0))
    return result


def test_any_split_and_merge_order_gives_identical_rows():
    contributions = _contributions()
    whole = Aggregates().add_all(contributions).rows()
    rng = random.Random(5)
    for _ in range(20):
        shuffled = contributions[:]
        rng.shuffle(shuffled)
        cuts = sorted(rng.sample(range(len(shuffled)), 4))
        parts = [Aggregates().add_all(shuffled[a:b]) for a, b in zip([0, *cuts], [*cuts, len(shuffled)])]
        rng.shuffle(parts)
        merged = Aggregates()
        for part in parts:
            merged.merge(Aggregates.from_json(json.loads(json.dumps(part.to_json()))))
        assert merged.rows() == whole
        values = {key: agg.value("seconds") for key, agg in merged.rows().items() if key[0] == "wachttijd_telefoon"}
        assert values == {key: agg.value("seconds") for key, agg in whole.items() if key[0] == "wachttijd_telefoon"}


def test_rows_expand_a_full_scope_into_total_single_dimensions_and_the_combination():
    assert row_scopes(()) == ((),)
    assert row_scopes((("department", "afval"),)) == ((), (("department", "afval"),))
    assert row_scopes(SCOPE) == ((), (("line", "14050"),), (("queue", "algemeen"),), SCOPE)


def test_rows_only_count_the_days_asked_for():
    cells = Aggregates().add_all([Contribution("contacten", (("channel", "phone"),), date(2026, 3, 31)),
                                  Contribution("contacten", (("channel", "phone"),), date(2026, 4, 1))])
    april = cells.rows(date(2026, 4, 1), date(2026, 5, 1))
    assert april[("contacten", ())].n == 1


def test_values_per_unit_and_none_without_decided_items():
    assert Aggregate(n=4, hits=3).value("ratio") == 0.75
    assert Aggregate(n=2, sum=61_000).value("seconds") == 30.5
    assert Aggregate(n=2, sum=540_000).value("minutes") == 4.5
    assert Aggregate(n=4, sum=27_400).value("grade") == 6.85
    assert Aggregate(n=7).value("count") == 7
    assert Aggregate(pending=3).value("ratio") is None

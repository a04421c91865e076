"""monitor/rules/recording.py and the generated files: unique record names, deterministic output."""

from __future__ import annotations

from monitor import promql as q
from monitor import rules
from monitor.config import Config
from monitor.indicators.spec import REGISTRY


def test_recording_rules_have_unique_names_per_label_set() -> None:
    names = [r["record"] for g in rules.recording_groups() for r in g["rules"]]
    assert len(names) == len(set(names))
    assert q.OFFICE_OPEN_RECORD in names and q.LOCAL_MONTH_RECORD in names


def test_output_is_deterministic(config: Config) -> None:
    assert rules.generate(config) == rules.generate(config)


def test_every_indicator_is_recorded_at_each_of_its_levels_and_windows() -> None:
    names = {r["record"] for g in rules.recording_groups() for r in g["rules"]}
    for spec in REGISTRY:
        for level in q.levels(spec):
            for window in q.WINDOWS:
                assert q.record_name(spec.id, level, window) in names

"""Label sets are kept per configuration object and stay bounded, whatever the events bring."""

from __future__ import annotations

import monitor.labelsets
from monitor.labelsets import label_sets, remember


def test_each_configuration_object_has_its_own_label_sets(config):
    groningen = config["groningen"]
    changed = groningen.model_copy(update={})
    assert label_sets(groningen) is label_sets(groningen)
    assert label_sets(changed) is not label_sets(groningen)


def test_configurations_kept_are_bounded(config, monkeypatch):
    monkeypatch.setattr(monitor.labelsets, "CONFIGURATIONS_KEPT", 3)
    monitor.labelsets._KEPT.clear()
    for _ in range(10):
        label_sets(config["groningen"].model_copy(update={}))
    assert len(monitor.labelsets._KEPT) <= 3


def test_a_full_dict_is_emptied_before_the_next_label_set(monkeypatch):
    monkeypatch.setattr(monitor.labelsets, "LABEL_SETS_KEPT", 2)
    kept: dict[str, int] = {}
    assert [remember(kept, key, n) for n, key in enumerate("abc")] == [0, 1, 2]
    assert kept == {"c": 2}

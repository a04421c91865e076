"""Label sets remembered per municipality configuration, so a record's facts are not rebuilt label by label.

:func:`monitor.live.facts` runs for every event and on every timer tick of an open record. The labels of
a fact depend only on the record kind and its raw scope values (an *item* key, e.g. a call's line and
queue) or on an indicator's decision (indicator, scope, hit), on the configuration object and on the
indicator's registry row, so :mod:`monitor.live` builds each once and keeps it here. A kept label set is
the one it would build: configurations are frozen and looked up by identity, and a decision's entry
holds the registry row it was built from, which the caller checks by identity on every use.

Bounded, because the raw values in item keys come from events (a source sending ever new queue names must
not grow the worker): each dict keeps at most :data:`LABEL_SETS_KEPT` entries and at most
:data:`CONFIGURATIONS_KEPT` configurations are remembered; either is emptied when full.

:func:`decision_labels` builds a decision's label values, for the facts and for the "now" gauges
(:mod:`monitor.gauges`) alike.
"""

from __future__ import annotations

from typing import Any

from monitor.config import Municipality
from monitor.indicators.base import Contribution
from monitor.indicators.spec import IndicatorSpec
from monitor.metricspec import MetricSpec

LABEL_SETS_KEPT = 4096
"""Entries of each :class:`LabelSets` dict at most (a configuration of 10 municipalities needs a few hundred)."""
CONFIGURATIONS_KEPT = 1024
"""Municipality configuration objects with their :class:`LabelSets` at most (tests build many)."""

_KEPT: dict[int, tuple[Municipality, LabelSets]] = {}


class LabelSets:
    """One configuration's label sets: ``items`` (record kind and raw scope values → the item facts' fixed
    part) and ``decisions`` (indicator, scope, hit → registry row and the decision's facts or series)."""

    __slots__ = ("items", "decisions")

    def __init__(self) -> None:
        self.items: dict[tuple[str, ...], tuple[Any, ...]] = {}
        self.decisions: dict[tuple[Any, ...], tuple[Any, Any]] = {}


def label_sets(municipality: Municipality) -> LabelSets:
    """The :class:`LabelSets` of this configuration object (by identity: the entry keeps the object alive,
    so its id is not reused)."""
    entry = _KEPT.get(id(municipality))
    if entry is None or entry[0] is not municipality:
        if len(_KEPT) >= CONFIGURATIONS_KEPT:
            _KEPT.clear()
        entry = _KEPT[id(municipality)] = (municipality, LabelSets())
    return entry[1]


def remember(kept: dict[Any, Any], key: Any, value: Any) -> Any:
    """Keep ``value`` under ``key`` in one of a :class:`LabelSets`' dicts (emptied first when full); returns it."""
    if len(kept) >= LABEL_SETS_KEPT:
        kept.clear()
    kept[key] = value
    return value


def decision_labels(spec: MetricSpec, fixed: dict[str, str], decision: Contribution, indicator: IndicatorSpec,
                    municipality: Municipality) -> tuple[str, ...]:
    """The label values of a decision's series of ``spec``: ``municipality`` the slug, a label ``fixed`` by
    the registry term (``working_days``) its value, a scope dimension of the indicator the decision's
    (bounded) value or ``""`` when the item has none (a survey answer without a location)."""
    scope = dict(decision.scope)
    values = []
    for label in spec.labels:
        if label == "municipality":
            values.append(municipality.slug)
        elif label in fixed:
            values.append(fixed[label])
        elif label in indicator.scope:
            values.append(scope.get(label, ""))
        else:
            raise ValueError(f"{spec.name}: label {label!r} is neither fixed nor a scope dimension of "
                             f"{indicator.id}")
    return tuple(values)

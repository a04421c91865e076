"""Prometheus rule files generated from ``monitor/promql.py``, the indicator registry and the norms in ``config/``.

Norms live in the municipal configuration, so the alert rules are generated
from it; ``kcc-monitor rules`` writes the files, ``kcc-monitor rules --check``
(and a test) regenerates them in memory and fails on any difference with the
committed ones.

Files (all under ``config/prometheus/``):

* ``recording_rules.yml`` (:mod:`.recording`) — period latches (today/month),
  the numerator and item count of every indicator at every level and window,
  the indicator values, and the live-only values (waiting now, office open, …);
* ``alert_rules.yml`` (:mod:`.alerts`) — one rule per (municipality, norm) with
  a target, and the live and pipeline alerts; their Dutch texts are
  :mod:`monitor.nl`'s;
* ``tests/alert_rules_test.yml`` (:mod:`.promtool`) — promtool unit tests
  generated from the same alert cases, with the expected texts rendered by
  :mod:`.gotemplate` as Prometheus renders them.

:mod:`.files` dumps, writes and compares them.
"""

from __future__ import annotations

from monitor.rules.alerts import AlertCase, AlertOptions, alert_cases, alert_groups, pipeline_cases, pipeline_rules
from monitor.config import Config
from monitor.rules.files import (
    ALERT_FILE,
    ALERT_TEST_FILE,
    HEADER,
    PROMETHEUS_DIR,
    RECORDING_FILE,
    differences,
    render,
    write,
)
from monitor.rules.promtool import alert_tests
from monitor.rules.recording import recording_groups

__all__ = [
    "ALERT_FILE", "ALERT_TEST_FILE", "PROMETHEUS_DIR", "RECORDING_FILE", "AlertCase", "AlertOptions",
    "alert_cases", "alert_groups", "alert_rules_variant", "alert_tests", "differences", "generate",
    "pipeline_cases", "pipeline_rules", "recording_groups", "write",
]


def generate(config: Config) -> dict[str, str]:
    """Every committed generated file, by path relative to ``config/prometheus``."""
    return {
        RECORDING_FILE: render(recording_groups()),
        ALERT_FILE: render(alert_groups(config)),
        ALERT_TEST_FILE: alert_tests(config),
    }


def alert_rules_variant(config: Config, options: AlertOptions) -> str:
    """An alert rule file with other options (the integration test's ``AlertOptions.for_test()``); not committed."""
    return render(alert_groups(config, options), HEADER.replace("Generated", "Test variant generated"))

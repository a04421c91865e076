"""Fixtures: export tables built from the hand-made reports of ``fake_reports``."""

from __future__ import annotations

import pytest

from tests.monitor.export.fake_reports import fake_report
from monitor.config import Config, Municipality
from monitor.export.table import ExportTable, build_table
from monitor.periods import parse_period


@pytest.fixture
def groningen(config: Config) -> Municipality:
    return config["groningen"]


@pytest.fixture
def year_table(groningen: Municipality) -> ExportTable:
    return build_table(groningen, parse_period("2026", groningen.tz), lambda p: fake_report("groningen", p))


@pytest.fixture
def month_table(groningen: Municipality) -> ExportTable:
    return build_table(groningen, parse_period("2026-04", groningen.tz), lambda p: fake_report("groningen", p))

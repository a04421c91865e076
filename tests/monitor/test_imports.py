"""The domain knows no Kafka: no module of ``monitor/`` imports the layers above it or a Kafka client.

Every ``import``/``from`` statement counts, also those inside functions (a lazy import
still ties the domain to the package), so the rule holds by test, not by convention.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

MONITOR = Path(__file__).resolve().parents[2] / "monitor"
FORBIDDEN = ("streams", "kcc", "faust", "kafka", "aiokafka", "prometheus_client")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute import anywhere in the module."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def forbidden_imports(path: Path, root: Path = MONITOR.parent) -> list[str]:
    return [f"{path.relative_to(root)}:{line}: import {module}"
            for line, module in imported_modules(path) if module.split(".")[0] in FORBIDDEN]


@pytest.mark.parametrize("path", sorted(MONITOR.rglob("*.py")), ids=lambda p: str(p.relative_to(MONITOR)))
def test_monitor_module_imports_neither_streams_kcc_nor_kafka_faust_or_prometheus_client(path: Path) -> None:
    assert forbidden_imports(path) == []


def test_the_walk_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text("import json\n\ndef run():\n    from streams.publish import Publisher\n"
                      "    import kafka.errors\n    from monitor import events\n")
    assert forbidden_imports(module, tmp_path) == ["probe.py:4: import streams.publish",
                                                   "probe.py:5: import kafka.errors"]

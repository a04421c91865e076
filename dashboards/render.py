"""Build every dashboard of every municipality and write them as deterministic JSON.

The output is committed (``config/grafana/dashboards/<municipality>/<kind>.json``)
and provisioned into Grafana as files. Keys are sorted, indentation fixed,
panel ids and query refIds numbered in layout order, so regenerating after a
change gives a clean diff, and :func:`check` (``kcc-monitor dashboards --check``,
the test suite) fails when the committed files differ from what the code and the
municipal configuration produce.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any, Callable

from grafana_foundation_sdk.builders.dashboard import Dashboard
from grafana_foundation_sdk.cog.encoder import JSONEncoder

from monitor.config import Config, Municipality

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "config" / "grafana" / "dashboards"
"""Where Grafana's file provider reads dashboards (one folder per municipality)."""


def _builders() -> dict[str, Callable[[Municipality, Config], Dashboard]]:
    from dashboards import programme, teamlead, wallboard

    return {"wallboard": wallboard.build, "teamlead": teamlead.build, "programme": programme.build}


KINDS = ("wallboard", "teamlead", "programme")


def _number(panels: list[dict[str, Any]], next_id: int) -> int:
    for panel in panels:
        panel["id"] = next_id
        next_id += 1
        for ref, target in zip(string.ascii_uppercase, panel.get("targets", [])):
            target["refId"] = ref
        next_id = _number(panel.get("panels", []), next_id)
    return next_id


def to_dict(dashboard: Dashboard) -> dict[str, Any]:
    """The dashboard model as plain JSON data, with panel ids and refIds assigned."""
    data = json.loads(json.dumps(dashboard.build(), cls=JSONEncoder))
    _number(data.get("panels", []), 1)
    return data


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def render(config: Config) -> dict[str, str]:
    """Relative path → JSON text for every dashboard kind of every municipality."""
    builders = _builders()
    files = {}
    for slug in sorted(config.municipalities):
        for kind in KINDS:
            data = to_dict(builders[kind](config[slug], config))
            files[f"{slug}/{kind}.json"] = to_json(data)
    return files


def write(config: Config, out: Path = DEFAULT_OUT) -> list[Path]:
    """Write every dashboard under ``out``, removing stale generated files; returns the paths written."""
    files = render(config)
    written = []
    for existing in sorted(out.glob("*/*.json")):
        if existing.relative_to(out).as_posix() not in files:
            existing.unlink()
    for relative, text in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def check(config: Config, out: Path = DEFAULT_OUT) -> list[str]:
    """Relative paths whose committed content differs from the generated one (missing, stale or changed)."""
    files = render(config)
    present = {p.relative_to(out).as_posix() for p in out.glob("*/*.json")} if out.exists() else set()
    problems = [f"stale: {p}" for p in sorted(present - set(files))]
    for relative, text in files.items():
        path = out / relative
        if not path.exists():
            problems.append(f"missing: {relative}")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"differs: {relative}")
    return problems

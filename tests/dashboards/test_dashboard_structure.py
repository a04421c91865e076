"""The generated dashboards: current panel types only, wired to the provisioned datasource, a
clean 24-column grid, every query reading a series that the rules or the worker really produce,
and the committed JSON identical to what the code generates."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from dashboards import render
from dashboards.panels import DATASOURCE_UID
from kcc.cli import main
from monitor import metricspec

ROOT = Path(__file__).resolve().parents[2]
CURRENT_TYPES = {"stat", "gauge", "bargauge", "timeseries", "table", "state-timeline", "row"}
LEGACY_TYPES = {"graph", "singlestat", "table-old", "grafana-piechart-panel", "grafana-worldmap-panel"}
GLOBAL_SERIES = {"up"}
"""Series without a municipality label (Prometheus' own, pipeline-wide)."""
_SERIES = re.compile(r"\b([a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_:]+|[a-zA-Z_][a-zA-Z0-9_]*(?=\{))")
"""Series names in PromQL: recording-rule names (with colons) and names before a selector."""


@pytest.fixture(scope="module")
def generated(config) -> dict[str, dict]:
    return {path: json.loads(text) for path, text in render.render(config).items()}


def _panels(panels: list[dict]):
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels", []))


def _known_series() -> set[str]:
    """Recording rules Prometheus loads plus every raw series the worker exports."""
    rules = yaml.safe_load((ROOT / "config" / "prometheus" / "recording_rules.yml").read_text())
    names = {r["record"] for g in rules["groups"] for r in g["rules"]}
    for spec in metricspec.ALL:
        names |= {spec.series, f"{spec.name}_sum", f"{spec.name}_count", f"{spec.name}_bucket"}
    return names | GLOBAL_SERIES


def test_committed_dashboards_equal_the_generated_ones(config):
    assert render.check(config) == []
    assert main(["dashboards", "--check"]) == 0


def test_check_fails_on_a_changed_missing_or_stale_file(config, tmp_path, capsys):
    render.write(config, tmp_path)
    assert main(["dashboards", "--check", "--out", str(tmp_path)]) == 0
    (tmp_path / "groningen" / "wallboard.json").write_text("{}\n")
    (tmp_path / "amersfoort" / "teamlead.json").unlink()
    (tmp_path / "groningen" / "old.json").write_text("{}\n")
    assert main(["dashboards", "--check", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "differs: groningen/wallboard.json" in err
    assert "missing: amersfoort/teamlead.json" in err
    assert "stale: groningen/old.json" in err
    main(["dashboards", "--out", str(tmp_path)])
    assert render.check(config, tmp_path) == []


def test_generation_is_deterministic(config):
    assert render.render(config) == render.render(config)


def test_three_dashboards_per_municipality_with_unique_uids(config, generated):
    assert set(generated) == {f"{m}/{k}.json" for m in config.municipalities for k in render.KINDS}
    uids = [d["uid"] for d in generated.values()]
    assert len(set(uids)) == len(uids)
    assert all(len(uid) <= 40 for uid in uids)


def test_only_current_panel_types(generated):
    for path, dashboard in generated.items():
        types = {p["type"] for p in _panels(dashboard["panels"])}
        assert types <= CURRENT_TYPES, (path, types - CURRENT_TYPES)
        assert not types & LEGACY_TYPES


def test_every_panel_queries_the_provisioned_prometheus_with_unique_ref_ids(generated):
    for path, dashboard in generated.items():
        for panel in _panels(dashboard["panels"]):
            if panel["type"] == "row":
                continue
            assert panel["datasource"] == {"type": "prometheus", "uid": DATASOURCE_UID}, (path, panel["title"])
            targets = panel["targets"]
            assert targets, (path, panel["title"])
            assert all(t["expr"].strip() and t["datasource"]["uid"] == DATASOURCE_UID for t in targets)
            refs = [t["refId"] for t in targets]
            assert len(set(refs)) == len(refs) and all(refs)


def test_panel_ids_are_unique_and_the_grid_fits_24_columns_without_overlap(generated):
    for path, dashboard in generated.items():
        panels = list(_panels(dashboard["panels"]))
        ids = [p["id"] for p in panels]
        assert len(set(ids)) == len(ids), path
        cells: set[tuple[int, int]] = set()
        for panel in panels:
            pos = panel["gridPos"]
            assert pos["w"] > 0 and pos["h"] > 0 and pos["x"] >= 0 and pos["y"] >= 0
            assert pos["x"] + pos["w"] <= 24, (path, panel["title"], pos)
            mine = {(x, y) for x in range(pos["x"], pos["x"] + pos["w"]) for y in range(pos["y"], pos["y"] + pos["h"])}
            assert not cells & mine, (path, panel["title"], "overlaps another panel")
            cells |= mine


def test_every_query_reads_a_recorded_or_exported_series_of_the_dashboards_municipality(generated):
    known = _known_series()
    for path, dashboard in generated.items():
        for panel in _panels(dashboard["panels"]):
            for target in panel.get("targets", []):
                names = set(_SERIES.findall(target["expr"].replace("[", " [")))
                assert names, (path, panel["title"], target["expr"])
                assert names <= known, (path, panel["title"], names - known)
                per_municipality = {n for n in names if n not in GLOBAL_SERIES and not n.startswith(("reason:", "topic:"))}
                if per_municipality:
                    assert '$municipality' in target["expr"], (path, panel["title"])


def test_municipality_is_a_constant_of_its_folder_and_location_a_prometheus_variable(generated):
    known = _known_series()
    for path, dashboard in generated.items():
        variables = {v["name"]: v for v in dashboard["templating"]["list"]}
        assert variables["municipality"]["type"] == "constant"
        assert variables["municipality"]["query"] == path.split("/")[0]
        if "location" in variables:
            location = variables["location"]
            assert location["type"] == "query"
            assert location["datasource"]["uid"] == DATASOURCE_UID
            assert location["query"].startswith("label_values(")
            assert set(_SERIES.findall(location["query"])) <= known


def test_wallboard_refreshes_every_10_seconds_with_big_coloured_stats(generated):
    for path, dashboard in generated.items():
        if not path.endswith("wallboard.json"):
            continue
        assert dashboard["refresh"] == "10s"
        stats = [p for p in _panels(dashboard["panels"]) if p["type"] != "row"]
        assert {p["type"] for p in stats} == {"stat"}
        for panel in stats:
            assert panel["options"]["colorMode"] == "background_solid"
            assert panel["options"]["text"]["titleSize"] >= 24
            assert all(t["instant"] for t in panel["targets"])


def test_every_variable_a_query_uses_is_defined_or_a_grafana_builtin(generated):
    builtins = {"__range", "__interval", "__rate_interval"}
    for path, dashboard in generated.items():
        defined = {v["name"] for v in dashboard["templating"]["list"]} | builtins
        for panel in _panels(dashboard["panels"]):
            for target in panel.get("targets", []):
                used = set(re.findall(r"\$(\w+)", target["expr"]))
                assert used <= defined, (path, panel["title"], used - defined)


def test_every_dashboard_round_trips_through_the_typed_grafana_11_6_model(generated):
    """Decoding into the SDK's schema-generated model and encoding again loses nothing: no key
    Grafana 11.6's dashboard and panel schemas do not know, no value of the wrong type."""
    from grafana_foundation_sdk.cog import plugins
    from grafana_foundation_sdk.cog.encoder import JSONEncoder
    from grafana_foundation_sdk.models.dashboard import Dashboard

    plugins.register_default_plugins()
    for path, data in generated.items():
        again = json.loads(json.dumps(Dashboard.from_json(data), cls=JSONEncoder))
        assert again == data, path

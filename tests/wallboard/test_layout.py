"""The board's layout on a 1080p TV, rendered by the real server in a real browser from fixed figures: a real
Prometheus scrapes them from a static exporter, a real Alertmanager holds three alerts (no Kafka, no worker)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from monitor.config import load_config
from tests.support import wait_until
from tests.wallboard.conftest import firing_alerts, fullest_samples, screen, state_of

pytestmark = pytest.mark.integration

LABELS = (".band-title", ".tile-title", ".cell .label", ".sublabel", ".colhead span")
"""What a team lead reads to identify a figure: band titles, tile titles, cell, row and list-row labels,
the "laatste uur" before a last-hour figure, column heads. (Norms, status words, ages and "sinds" are small
print by the spec.)"""

READABLE_PX = 28
"""WALLBOARD.md, tile anatomy: a label ≥ 28 px at 1920×1080 (read from 4 m)."""

MAIN_VALUE_PX = 96
"""WALLBOARD.md, tile anatomy: a value ≥ 96 px on the main tiles (one per phone line)."""

MEASURE = """
function box(node) { var b = node.getBoundingClientRect(); return [b.left, b.right, b.top, b.bottom]; }
var labels = [];
arguments[0].forEach(function (selector) {
  document.querySelectorAll(selector).forEach(function (node) {
    if (!node.getClientRects().length) return;  // not shown (display: none)
    var within = node.closest('.tile') || node.closest('.band');
    labels.push({selector: selector, text: node.textContent, px: parseFloat(getComputedStyle(node).fontSize),
                 scroll: node.scrollWidth, client: node.clientWidth, box: box(node), within: box(within)});
  });
});
var d = document.documentElement;
return {
  labels: labels,
  page: [d.scrollWidth, innerWidth, d.scrollHeight, innerHeight],
  spilling: Array.from(document.querySelectorAll('.tile')).filter(function (t) {
    return t.scrollWidth > t.clientWidth || t.scrollHeight > t.clientHeight; })
    .map(function (t) { return t.querySelector('.tile-title').textContent; }),
  boxes: Array.from(document.querySelectorAll('.band, .tile, .alerts')).map(function (n) {
    return [n.className, box(n)]; }),
  main: Array.from(document.querySelectorAll('.band-phone .tile-big .cell-big .value .number')).map(function (n) {
    return parseFloat(getComputedStyle(n).fontSize); })
};
"""


def _post_alerts(alertmanager: str, alerts: list[dict]) -> None:
    request = urllib.request.Request(f"{alertmanager}/api/v2/alerts", data=json.dumps(alerts).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_every_label_reads_at_28_px_on_a_1080p_tv_without_scrollbars(
        open_config, static_exporter, prometheus_server, alertmanager_server, wallboard_server, browser,
        tmp_path: Path):
    m = load_config(open_config)["groningen"]  # the largest: 4 counter locations, 5 queues, 6 departments
    prometheus = prometheus_server(targets=[static_exporter(fullest_samples(m))])
    _post_alerts(alertmanager_server.url, firing_alerts(m))
    board = wallboard_server(prometheus=prometheus.url, alertmanager=alertmanager_server.url, config=open_config)
    screen(browser, 1920, 1080)
    browser.get(f"{board.url}/{m.slug}?tv")
    wait_until(lambda: state_of(browser)[0] == "live", 30, "the board to be live")
    wait_until(lambda: len(browser.find_elements("css selector", ".alerts li.alert")) == 3, 10, "the alerts")
    seen = browser.execute_script(MEASURE, list(LABELS))
    browser.save_screenshot(str(tmp_path / "wallboard-1920x1080.png"))

    labels = seen["labels"]
    assert {label["selector"] for label in labels} == set(LABELS)
    assert "–" not in browser.execute_script(
        "return Array.from(document.querySelectorAll('.number')).map(function (n) { return n.textContent; });")
    small = [f"{label['selector']} {label['text']!r}: {label['px']:g} px" for label in labels
             if label["px"] < READABLE_PX]
    assert not small, "labels below 28 px:\n" + "\n".join(small)
    cut = [f"{label['selector']} {label['text']!r}: {label['scroll']} > {label['client']} px" for label in labels
           if label["scroll"] > label["client"]]
    assert not cut, "labels cut off with an ellipsis:\n" + "\n".join(cut)
    outside = [f"{label['selector']} {label['text']!r}" for label in labels
               if label["box"][0] < label["within"][0] or label["box"][1] > label["within"][1]]
    assert not outside, "labels sticking out of their tile:\n" + "\n".join(outside)
    assert not seen["spilling"], f"figures spilling out of their tiles: {seen['spilling']}"
    width, inner_width, height, inner_height = seen["page"]
    assert (width, height) == (inner_width, inner_height), f"scrollbars at 1920×1080: {seen['page']}"
    off_screen = [name for name, (left, right, top, bottom) in seen["boxes"]
                  if left < 0 or top < 0 or right > inner_width or bottom > inner_height]
    assert not off_screen, f"beyond the screen: {off_screen}"
    assert seen["main"] and min(seen["main"]) >= MAIN_VALUE_PX, f"main values {seen['main']} px"

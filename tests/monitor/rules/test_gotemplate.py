"""monitor/rules/gotemplate.py: the alert templates render as Prometheus renders them."""

from __future__ import annotations

from monitor.rules import gotemplate


def test_value_templates_render_in_the_live_unit() -> None:
    assert gotemplate.render(gotemplate.value("ratio"), {}, 0.75) == "75%"
    assert gotemplate.render(gotemplate.value("seconds"), {}, 420) == "7m 0s"
    assert gotemplate.render(gotemplate.value("grade"), {}, 7.25) == "7.2"


def test_gap_template_renders_the_distance_to_the_target() -> None:
    assert gotemplate.render(gotemplate.gap("ratio", 0.85), {}, 0.75) == "10%"
    assert gotemplate.render(gotemplate.gap("seconds", 300), {}, 420) == "2m 0s"


def test_labels_and_plain_values_are_filled_in() -> None:
    text = "{{ $value }} open bij afdeling {{ $labels.department }}"
    assert gotemplate.render(text, {"department": "afval"}, 3) == "3 open bij afdeling afval"

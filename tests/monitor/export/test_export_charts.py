"""Charts: the months against a dashed, labelled norm line; a PNG per chart."""

from __future__ import annotations

import math
from dataclasses import replace

from monitor.config import Norm
from monitor.export.charts import NORM_GID, chart_rows, charts, indicator_figure, render_png
from monitor.export.table import build_table
from monitor.norms import applicable_norm, status, target
from monitor.periods import parse_period
from monitor.report import ReportRow
from tests.monitor.export.fake_reports import one_row_report


def _norm_lines(fig):
    (ax,) = fig.axes
    return [line for line in ax.get_lines() if line.get_gid() == NORM_GID]


def _row(table, indicator, **scope):
    return next(r for r in table.rows if r.indicator == indicator and dict(r.scope) == scope)


def test_every_municipality_wide_row_and_every_normed_row_gets_a_chart(year_table):
    rows = chart_rows(year_table)
    assert all(r.is_municipality_wide or r.norm_label for r in rows)
    assert {r.indicator for r in year_table.rows if r.is_municipality_wide} <= {r.indicator for r in rows}
    assert _row(year_table, "contacten", channel="phone") not in rows  # scoped and no norm


def test_ratio_chart_has_a_dashed_labelled_norm_line_at_the_target_in_percent(year_table):
    fig = indicator_figure(year_table, _row(year_table, "terugbellen_1_werkdag"))
    (line,) = _norm_lines(fig)
    assert set(line.get_ydata()) == {80.0}
    assert line.get_linestyle() == "--"
    assert line.get_label() == "norm: minimaal 80%"
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_xticklabels()][:3] == ["jan", "feb", "mrt"]
    heights = [p.get_height() for p in ax.patches]
    assert heights[0] == 72.0 and len(heights) == 12


def test_minutes_chart_norm_line_is_in_minutes(year_table):
    fig = indicator_figure(year_table, _row(year_table, "wachttijd_balie", visit_type="appointment"))
    (line,) = _norm_lines(fig)
    assert set(line.get_ydata()) == {5.0}


def test_missed_months_are_hatched_for_grayscale(year_table):
    fig = indicator_figure(year_table, _row(year_table, "terugbellen_1_werkdag"))
    hatches = [bool(p.get_hatch()) for p in fig.axes[0].patches]
    assert hatches[:4] == [True] * 4 and hatches[-1] is False


def test_norm_that_differs_per_month_is_a_step_line(config):
    amersfoort = config["amersfoort"]

    def report_for(period):  # the configured seasonal norms, applied as the report applies them
        scope = {"visit_type": "walk_in"}
        norm = applicable_norm(amersfoort, "balie_binnen_norm", scope, period)
        goal = target(norm)
        return one_row_report("amersfoort", period, ReportRow(
            id="balie_binnen_norm", scope=tuple(scope.items()), unit="ratio", value=0.91, n=100, hits=91,
            pending=0, norm=norm, target=goal, status=status(norm, 0.91, goal), provisional=False))

    table = build_table(amersfoort, parse_period("2026", amersfoort.tz), report_for)
    row = table.rows[0]
    assert row.norm_label == ("minimaal 93% binnen 10 min (rest van het jaar); "
                              "minimaal 90% binnen 10 min (mei t/m aug.)")
    (line,) = _norm_lines(indicator_figure(table, row))
    ys = [y for y in line.get_ydata() if not math.isnan(y)]
    assert set(ys) == {90.0, 93.0}
    assert list(line.get_ydata()[8:10]) == [90.0, 90.0]  # May (index 4) spans x 3.5..4.5


def test_row_without_norm_has_no_norm_line(year_table):
    fig = indicator_figure(year_table, _row(year_table, "direct_geholpen"))
    assert _norm_lines(fig)  # it has a norm but no data
    assert not _norm_lines(indicator_figure(year_table, _row(year_table, "contacten", channel="phone")))


def test_month_export_charts_its_single_value(month_table):
    fig = indicator_figure(month_table, _row(month_table, "terugbellen_1_werkdag"))
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["april 2026"]


def test_charts_render_to_png_files(year_table, tmp_path):
    drawn = charts(year_table)
    assert len(drawn) == len(chart_rows(year_table))
    path = tmp_path / "chart.png"
    path.write_bytes(render_png(indicator_figure(year_table, drawn[0].row)))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5_000


def test_scoped_row_identical_to_a_charted_row_gets_no_second_chart(groningen):
    def report_for(period):
        norm = Norm(indicator="direct_geholpen", op=">=", target=0.8)
        same = ReportRow(id="direct_geholpen", scope=(), unit="ratio", value=0.9, n=10, hits=9, pending=0,
                         norm=norm, target=0.8, status="meets_norm", provisional=False)
        rows = (same, replace(same, scope=(("line", "14050"),)),
                replace(same, scope=(("queue", "afval"),), value=0.7, status="misses_norm"))
        return replace(one_row_report("groningen", period, same), rows=rows)

    table = build_table(groningen, parse_period("2026-Q1", groningen.tz), report_for)
    assert [dict(r.scope) for r in chart_rows(table)] == [{}, {"queue": "afval"}]

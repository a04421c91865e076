"""Charts: per indicator, the months of the period against the norm line.

One PNG per municipality-wide row (every indicator) and per other row that has
a norm (e.g. satisfaction per counter location). Bars are the monthly values in
display units (percent for ratios); the norm is a dashed, labelled line (a step
line when the norm differs per month, as Amersfoort's walk-in norm in May–August).
Missed months are hatched as well as coloured, so the chart reads in grayscale.

Figures are built with ``matplotlib.figure.Figure`` and the Agg canvas directly:
no pyplot global state, no display needed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from monitor import nl
from monitor.export.table import Cell, ExportTable, Row

NORM_GID = "norm"
"""``gid`` of the norm line in a chart's axes (tests look it up)."""

_MEETS = "#4a78a8"
_MISSES = "#d0504a"
_NEUTRAL = "#8c8c8c"

_SCALE = {"ratio": 100.0}


@dataclass(frozen=True)
class Chart:
    row: Row
    title: str
    png: bytes
    """The chart as PNG (150 dpi, 7 × 3.4 inch: 1050 × 510 px)."""


def chart_rows(table: ExportTable) -> tuple[Row, ...]:
    """Rows that get a chart: every municipality-wide row, and every row with a norm.

    A scoped row whose values and norms equal those of a row already charted
    (the only line of a municipality, the only location) is left out: the same
    picture twice tells nothing.
    """
    chosen: list[Row] = []
    seen: set[tuple] = set()
    for row in table.rows:
        if not (row.is_municipality_wide or row.norm_label):
            continue
        picture = (row.indicator, row.norm_label,
                   tuple((c.value, c.status, c.provisional) for c in row.cells))
        if picture in seen and not row.is_municipality_wide:
            continue
        seen.add(picture)
        chosen.append(row)
    return tuple(chosen)


def norm_values(table: ExportTable, row: Row) -> list[float | None]:
    """The norm target per chart point (display units), ``None`` where no target applies."""
    scale = _SCALE.get(row.unit, 1.0)
    result = []
    for column, cell in _points(table, row):
        target = cell.target if cell.norm else None
        result.append(None if target is None else float(target) * scale)
    if not any(t is not None for t in result):
        # A norm relative to the previous year without a filled-in target: draw last year's value.
        before = row.cell(table.columns, "previous_year")
        if before is not None and before.value is not None and row.norm_label:
            result = [before.value * scale] * len(result)
    return result


def _points(table: ExportTable, row: Row) -> list[tuple[object, Cell]]:
    kinds = ("month",) if table.month_columns else ("total",)
    return [(c, cell) for c, cell in zip(table.columns, row.cells) if c.kind in kinds]


def indicator_figure(table: ExportTable, row: Row) -> Figure:
    """The chart of one row as a matplotlib Figure (not yet rendered)."""
    points = _points(table, row)
    scale = _SCALE.get(row.unit, 1.0)
    names = [column.title for column, _ in points]
    values = [None if cell.value is None else cell.value * scale for _, cell in points]
    fig = Figure(figsize=(7, 3.4), dpi=150, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    xs = list(range(len(points)))
    heights = [v if v is not None else 0.0 for v in values]
    colours = [_MISSES if cell.missed else (_MEETS if cell.status == "meets_norm" else _NEUTRAL)
               for _, cell in points]
    bars = ax.bar(xs, heights, color=colours, width=0.6, edgecolor="#222222", linewidth=0.5)
    for bar, (_, cell), value in zip(bars, points, values):
        if cell.missed:
            bar.set_hatch("///")
        label = nl.DASH if value is None else cell.short_text
        ax.annotate(label, (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=7, xytext=(0, 2), textcoords="offset points",
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})

    if all(v is None for v in values):
        ax.text(0.5, 0.5, nl.Export.CHART_NO_DATA, transform=ax.transAxes, ha="center", va="center",
                fontsize=10, color="#555555")
    targets = norm_values(table, row)
    known = [t for t in targets if t is not None]
    if known:
        text = nl.Export.chart_norm(row.norm_label)
        if len(set(known)) == 1 and len(known) == len(targets):
            ax.axhline(known[0], linestyle="--", color="#000000", linewidth=1.4, label=text, gid=NORM_GID)
        else:  # a step line: each month its own norm
            step_x: list[float] = []
            step_y: list[float] = []
            for x, t in zip(xs, targets):
                value = float("nan") if t is None else t
                step_x += [x - 0.5, x + 0.5]
                step_y += [value, value]
            ax.plot(step_x, step_y, linestyle="--", color="#000000", linewidth=1.4, label=text, gid=NORM_GID)
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.1), fontsize=7, frameon=False,
                  borderaxespad=0.2)

    top = max(heights + known + [0.0])
    if row.unit == "ratio":
        ax.set_ylim(0, 110)
    elif row.unit == "grade":
        ax.set_ylim(0, 11)
    else:
        ax.set_ylim(0, top * 1.18 if top > 0 else 1)
    ax.set_xticks(xs, names, fontsize=8)
    ax.set_xlim(-0.6, len(xs) - 0.4)
    ax.set_ylabel(nl.Export.CHART_AXES.get(row.unit, row.unit), fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: nl.dutch_number(v, 0 if v == int(v) else 1)))
    ax.set_title(row.label, fontsize=9, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def render_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def charts(table: ExportTable) -> tuple[Chart, ...]:
    """Every chart of the table, rendered."""
    return tuple(Chart(row=row, title=row.label, png=render_png(indicator_figure(table, row)))
                 for row in chart_rows(table))

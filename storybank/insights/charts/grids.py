"""Charts over two dimensions: a heat map for cross-tabs and co-occurrence, lines for trends."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storybank.insights.charts.figure import Chart, empty_chart, titled_axes
from storybank.insights.charts.style import (
    DASHES,
    MARKERS,
    PALETTE,
    SEQUENTIAL,
    fit_label,
    ink_on,
    number,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MISSING = "\u2013"  # an en dash
MAX_PRINTED_POINTS = 40  # a trend prints every value while they stay legible


def heat_map(
    *,
    title: str,
    description: str,
    rows: list[str],
    columns: list[str],
    values: list[list[float | None]],
    value_label: str,
    annotations: list[list[str]] | None = None,
) -> Chart:
    """A grid of cells shaded by value, each printed in its cell ('-' where there is none)."""
    if not rows or not columns:
        return empty_chart(title, description)
    if len(values) != len(rows) or any(len(line) != len(columns) for line in values):
        raise ValueError("values must have one list per row and one value per column")
    texts = annotations or [[MISSING if v is None else number(v) for v in line] for line in values]

    def draw(figure: Figure) -> None:
        import numpy as np
        from matplotlib import colormaps

        grid = np.ma.masked_invalid(np.array(values, dtype=float))
        cmap = colormaps[SEQUENTIAL].with_extremes(bad="#eeeeee")
        axes = titled_axes(figure, title)
        mesh = axes.imshow(grid, cmap=cmap, aspect="auto")
        axes.set_xticks(range(len(columns)), [fit_label(c, 16) for c in columns])
        axes.set_yticks(range(len(rows)), [fit_label(r) for r in rows])
        axes.tick_params(axis="x", labelrotation=45 if len(columns) > 4 else 0)
        size = 8 if len(columns) <= 12 else 6
        for (r, c), value in np.ndenumerate(grid.filled(np.nan)):
            fill = tuple(cmap(mesh.norm(value))) if not np.isnan(value) else (1.0, 1.0, 1.0, 1.0)
            axes.text(
                c, r, texts[r][c], ha="center", va="center", fontsize=size, color=ink_on(fill)
            )
        figure.colorbar(mesh, ax=axes, label=value_label, shrink=0.8)
        for spine in axes.spines.values():
            spine.set_visible(False)

    height = 2.2 + 0.38 * len(rows) + 0.06 * max(len(c) for c in columns[:1] or [""])
    return Chart(title=title, description=description, draw=draw, height=min(height, 16.0))


def line_chart(
    *,
    title: str,
    description: str,
    periods: list[str],
    series: dict[str, list[float | None]],
    value_label: str,
) -> Chart:
    """One line per series over the periods, each with its own marker and dash as well as
    colour; values are printed at the points while they fit (a gap where one is missing)."""
    if not periods or not series:
        return empty_chart(title, description)
    if any(len(line) != len(periods) for line in series.values()):
        raise ValueError("each series needs one value per period")
    printed = len(periods) * len(series) <= MAX_PRINTED_POINTS

    def draw(figure: Figure) -> None:
        axes = titled_axes(figure, title)
        where = range(len(periods))
        for i, (name, line) in enumerate(series.items()):
            ys = [float("nan") if v is None else v for v in line]
            colour = PALETTE[i % len(PALETTE)]
            axes.plot(
                where,
                ys,
                color=colour,
                marker=MARKERS[i % len(MARKERS)],
                linestyle=DASHES[i % len(DASHES)],
                label=fit_label(name),
            )
            for x, v in zip(where, line, strict=True):
                if printed and v is not None:
                    axes.annotate(
                        number(v),
                        (x, v),
                        textcoords="offset points",
                        xytext=(0, 6),
                        ha="center",
                        fontsize=8,
                        color=colour,
                    )
        step = max(1, len(periods) // 12)
        axes.set_xticks(list(where)[::step], periods[::step])
        axes.tick_params(axis="x", labelrotation=45 if len(periods) > 6 else 0)
        axes.set_ylabel(value_label)
        axes.margins(y=0.15)
        figure.legend(loc="outside lower center", ncols=min(4, len(series)), frameon=False)

    return Chart(title=title, description=description, draw=draw, height=4.5)

"""Charts with one row per item: bars for frequencies, intervals for shares with their
confidence interval beside a reference share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storybank.insights.charts.figure import Chart, empty_chart, titled_axes
from storybank.insights.charts.style import MUTED, PALETTE, fit_label, number, percent

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

ROW_HEIGHT = 0.42  # inches per row, room for a two-line label
ROOM_FOR_VALUES = 1.45  # the value axis runs this far past its largest figure, for the labels


@dataclass(frozen=True)
class Bar:
    """One bar: a value, and optionally the count and denominator it is the share of;
    `note` replaces the printed value (say why a figure is missing)."""

    label: str
    value: float
    count: int | None = None
    denominator: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class Interval:
    """A share with its confidence interval and, if given, the share in the whole bank."""

    label: str
    share: float
    low: float
    high: float
    reference: float | None = None


def _height(rows: int) -> float:
    return 1.6 + ROW_HEIGHT * rows


def _row_axes(figure: Figure, title: str, labels: Sequence[str]) -> Axes:
    """Axes with one labelled row per item, the first at the top."""
    axes = titled_axes(figure, title)
    axes.set_yticks(range(len(labels)), [fit_label(label) for label in labels])
    axes.set_ylim(len(labels) - 0.5, -0.5)
    axes.tick_params(axis="y", length=0)
    return axes


def bar_text(bar: Bar, as_percent: bool) -> str:
    """What is printed beside a bar: '19/33 (58%)', '58%' or the figure itself."""
    if bar.note is not None:
        return bar.note
    shown = percent(bar.value) if as_percent else number(bar.value)
    if bar.count is not None and bar.denominator is not None:
        return f"{bar.count}/{bar.denominator} ({shown})"
    return shown


def _value_axis(axes: Axes, low: float, high: float, as_percent: bool, label: str) -> None:
    """The value axis from `low` to `high`, with room on the right for the printed values."""
    from matplotlib.ticker import MaxNLocator, MultipleLocator, PercentFormatter

    axes.set_xlim(low, low + (high - low) * ROOM_FOR_VALUES)
    axes.xaxis.set_major_locator(MultipleLocator(0.25) if as_percent else MaxNLocator(nbins=5))
    ticks = [t for t in axes.get_xticks() if low - 1e-9 <= t <= high + 1e-9]
    axes.set_xticks(ticks)
    if as_percent:
        axes.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    axes.set_xlabel(label)
    axes.spines["bottom"].set_bounds(low, high)


def bar_chart(
    *, title: str, description: str, bars: list[Bar], value_label: str, percent: bool = True
) -> Chart:
    """Horizontal bars, the figure printed beside each ('19/33 (58%)' with a denominator)."""
    if not bars:
        return empty_chart(title, description)
    values = [bar.value for bar in bars]
    low = min(0.0, *values)
    high = 1.0 if percent else max(0.0, *values) or 1.0

    def draw(figure: Figure) -> None:
        axes = _row_axes(figure, title, [bar.label for bar in bars])
        axes.barh(range(len(bars)), values, height=0.65, color=PALETTE[0])
        if low < 0:
            axes.axvline(0, color=MUTED, linewidth=0.8)
        pad = (high - low) * 0.015
        for row, bar in enumerate(bars):
            axes.text(max(bar.value, 0.0) + pad, row, bar_text(bar, percent), va="center")
        _value_axis(axes, low, high, percent, value_label)

    return Chart(title=title, description=description, draw=draw, height=_height(len(bars)))


def interval_text(row: Interval) -> str:
    """What is printed beside an interval: '42% (28-57%); bank 30%'."""
    text = f"{percent(row.share)} ({percent(row.low)}\u2013{percent(row.high)})"
    return text if row.reference is None else f"{text}; bank {percent(row.reference)}"


def interval_chart(*, title: str, description: str, rows: list[Interval]) -> Chart:
    """Each share as a dot with its 95% interval as an error bar, and the share in the
    whole bank as a hollow diamond (shape as well as colour tells them apart)."""
    if not rows:
        return empty_chart(title, description)

    def draw(figure: Figure) -> None:
        axes = _row_axes(figure, title, [row.label for row in rows])
        where = range(len(rows))
        errors = [[r.share - r.low for r in rows], [r.high - r.share for r in rows]]
        shares = [r.share for r in rows]
        axes.errorbar(shares, where, xerr=errors, fmt="o", color=PALETTE[0], capsize=3)
        axes.plot([], [], "o-", color=PALETTE[0], label="Share, with its 95% interval")
        marked = [
            (r.reference, y) for y, r in zip(where, rows, strict=True) if r.reference is not None
        ]
        if marked:
            axes.scatter(
                [x for x, _y in marked],
                [y for _x, y in marked],
                marker="D",
                s=36,
                zorder=3,
                facecolors="white",
                edgecolors=PALETTE[5],
                label="Share in the whole bank",
            )
        for y, row in zip(where, rows, strict=True):
            axes.text(1.02, y, interval_text(row), va="center")
        _value_axis(axes, 0.0, 1.0, True, "Share of stories")
        figure.legend(loc="outside lower center", ncols=2, frameon=False)

    return Chart(title=title, description=description, draw=draw, height=_height(len(rows)) + 0.4)

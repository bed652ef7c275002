"""How every chart looks: a printable white page, a colour-blind-safe palette, DejaVu Sans
(bundled with matplotlib, so nothing is fetched), and labels that fit."""

from __future__ import annotations

import textwrap
from typing import Any

# Okabe and Ito's palette, distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# Lines differ by marker and dash as well as colour, so colour is never the only signal.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
DASHES = ("-", "--", "-.", ":")
# A perceptually uniform map that reads the same to colour-blind readers and in grey.
SEQUENTIAL = "cividis"
INK = "#1a1a1a"
MUTED = "#5f5f5f"
NO_DATA = "No stories in this filter"
LABEL_WIDTH = 30
LABEL_LINES = 2

RC: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text: selectable, searchable, read by screen readers
    "svg.hashsalt": "storybank",  # the ids matplotlib derives from it stay the same each run
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlelocation": "left",
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "path.simplify": False,
}


def fit_label(label: str, width: int = LABEL_WIDTH, lines: int = LABEL_LINES) -> str:
    """The label wrapped to `lines` lines of `width`, the last ending in an ellipsis if cut."""
    wrapped = textwrap.wrap(" ".join(label.split()), width=width) or [""]
    if len(wrapped) <= lines:
        return "\n".join(wrapped)
    kept = wrapped[:lines]
    kept[-1] = kept[-1][: width - 1].rstrip() + "…"
    return "\n".join(kept)


def percent(share: float) -> str:
    """A share of 1 as a whole percentage: 0.576 -> '58%'."""
    return f"{share * 100:.0f}%"


def number(value: float) -> str:
    """A figure as printed on a chart: whole numbers plain, others to two places."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def ink_on(rgba: tuple[float, ...]) -> str:
    """Black or white text, whichever reads better on this fill."""
    red, green, blue = rgba[:3]
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return INK if luminance > 0.45 else "white"

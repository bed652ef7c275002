"""A chart: its title, its description and how to draw it, rendered on demand as SVG
(text kept as text, with <title>, <desc> and an image role for screen readers) or PNG."""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

from storybank.insights.charts.style import NO_DATA, RC

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH = 8.0  # inches: fits a printed A4 page with margins
PNG_DPI = 150
# matplotlib's settings are global; rendering one chart at a time keeps each one's own.
_RENDERING = threading.Lock()
_ID = re.compile(r'(\sid=")([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')


@dataclass
class Chart:
    """A chart ready to render; each format is rendered once, when first asked for."""

    title: str
    description: str
    draw: Callable[[Figure], None]
    height: float = 4.0
    _rendered: dict[str, bytes] = field(default_factory=dict, repr=False)

    def svg(self) -> str:
        """The chart as one <svg> element, fit to stand alone or sit inline in a page."""
        if "svg" not in self._rendered:
            self._rendered["svg"] = accessible_svg(
                self._render("svg").decode("utf-8"), self.title, self.description
            ).encode("utf-8")
        return self._rendered["svg"].decode("utf-8")

    def png(self) -> bytes:
        """The chart as a PNG image (150 dots an inch, for print)."""
        if "png" not in self._rendered:
            self._rendered["png"] = self._render("png")
        return self._rendered["png"]

    def _render(self, fmt: str) -> bytes:
        import matplotlib  # here, not at import: app start-up does not pay for it
        from matplotlib.figure import Figure

        output = io.BytesIO()
        with _RENDERING, matplotlib.rc_context(RC):  # type: ignore[arg-type]
            figure = Figure(figsize=(WIDTH, self.height), layout="constrained")
            self.draw(figure)
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}
            figure.savefig(output, format=fmt, dpi=PNG_DPI, metadata=metadata)
        return output.getvalue()


def accessible_svg(raw: str, title: str, description: str) -> str:
    """matplotlib's SVG with the prolog dropped, every id made unique to this chart (so
    several charts can share a page), and a title and description screen readers announce."""
    body = raw[raw.index("<svg") :]
    digest = hashlib.sha256("\0".join((title, description, body)).encode("utf-8"))
    prefix = f"chart-{digest.hexdigest()[:12]}"
    body = _ID.sub(lambda m: f'{m.group(1)}{prefix}-{m.group(2)}"', body)
    body = _REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", body)
    opening_end = body.index(">") + 1
    labels = (
        f'<title id="{prefix}-title">{escape(title)}</title>'
        f'<desc id="{prefix}-desc">{escape(description)}</desc>'
    )
    opening = body[: opening_end - 1].rstrip()
    accessible = f' role="img" aria-labelledby="{prefix}-title {prefix}-desc">'
    return opening + accessible + labels + body[opening_end:]


def titled_axes(figure: Figure, title: str) -> Axes:
    """One set of axes under the chart's title."""
    axes = figure.add_subplot()
    axes.set_title(title, wrap=True)
    return axes


def empty_chart(title: str, description: str) -> Chart:
    """A chart that says there is nothing to show."""

    def draw(figure: Figure) -> None:
        axes = titled_axes(figure, title)
        axes.set_axis_off()
        axes.text(
            0.5, 0.5, NO_DATA, ha="center", va="center", fontsize=12, transform=axes.transAxes
        )

    return Chart(title=title, description=f"{description} {NO_DATA}.", draw=draw, height=2.0)

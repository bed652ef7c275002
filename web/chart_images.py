"""Charts placed inside a page as SVG data: URLs, so a page (or a printed or PDF report)
carries its charts with it in one response, and the page's Content-Security-Policy
(`img-src 'self' data:`, no inline styles) holds."""

from __future__ import annotations

import base64

from storybank.insights.charts import Chart


def chart_src(chart: Chart) -> str:
    """The chart's SVG as a data: URL for an <img src>."""
    encoded = base64.b64encode(chart.svg().encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"

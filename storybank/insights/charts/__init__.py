"""Charts rendered on the server as SVG and PNG with matplotlib: plain values in, a
`Chart` out. No browser, no CDN, nothing fetched; matplotlib is imported only when a
chart is first drawn, so start-up does not pay for it."""

from storybank.insights.charts.figure import Chart
from storybank.insights.charts.grids import heat_map, line_chart
from storybank.insights.charts.rows import Bar, Interval, bar_chart, interval_chart

__all__ = ["Bar", "Chart", "Interval", "bar_chart", "heat_map", "interval_chart", "line_chart"]

"""Time drawing charts (not a test): 26 bars, a 26x26 heat map, 4 lines of 12 periods and
26 intervals, each as SVG and PNG; prints the median of a few runs after a warm-up."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from storybank.insights.charts import (
    Bar,
    Chart,
    Interval,
    bar_chart,
    heat_map,
    interval_chart,
    line_chart,
)

CODES = [f"Code {i}: a theme with a fairly long label" for i in range(26)]


def _cases() -> dict[str, Callable[[], Chart]]:
    return {
        "bars (26)": lambda: bar_chart(
            title="T",
            description="D",
            value_label="Share",
            bars=[Bar(c, (i % 10) / 10, i % 10, 10) for i, c in enumerate(CODES)],
        ),
        "heat map (26x26)": lambda: heat_map(
            title="T",
            description="D",
            rows=CODES,
            columns=CODES,
            value_label="Jaccard",
            values=[[((r * c) % 7) / 7 for c in range(26)] for r in range(26)],
        ),
        "lines (4x12)": lambda: line_chart(
            title="T",
            description="D",
            value_label="Stories",
            periods=[f"2025-{m:02d}" for m in range(1, 13)],
            series={f"Outcome {s}": [float(s * m % 9) for m in range(12)] for s in range(4)},
        ),
        "intervals (26)": lambda: interval_chart(
            title="T",
            description="D",
            rows=[Interval(c, 0.4, 0.3, 0.5, 0.35) for c in CODES],
        ),
    }


def main(runs: int = 5) -> None:
    """Print the median milliseconds per chart and format."""
    _cases()["bars (26)"]().svg()  # warm-up: imports matplotlib, loads the font
    for name, make in _cases().items():
        for fmt in ("svg", "png"):
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                getattr(make(), fmt)()
                times.append((time.perf_counter() - start) * 1000)
            print(f"{name:18} {fmt}: median {statistics.median(times):6.1f} ms over {runs} runs")


if __name__ == "__main__":
    main()

"""Confidence intervals for shares, so a small sample is not over-read."""

from __future__ import annotations

import math


def wilson_interval(count: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval for count/total (95% by default); (0, 0) for no total."""
    if total <= 0:
        return 0.0, 0.0
    share = count / total
    spread = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    centre = share + z * z / (2 * total)
    scale = 1 + z * z / total
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)

"""Confidence intervals for a share of stories, so small samples are not over-read."""

from __future__ import annotations

from math import sqrt


def wilson_interval(count: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval for count/total (0 to 1); (0, 0) when total is 0."""
    if total < 0 or count < 0 or count > total:
        raise ValueError(f"count {count} of total {total} is not a share")
    if total == 0:
        return (0.0, 0.0)
    share = count / total
    z2 = z * z
    centre = share + z2 / (2 * total)
    spread = z * sqrt(share * (1 - share) / total + z2 / (4 * total * total))
    denominator = 1 + z2 / total
    low = (centre - spread) / denominator
    high = (centre + spread) / denominator
    # Exact at the ends: no stories or every story carrying the code.
    return (0.0 if count == 0 else max(0.0, low), 1.0 if count == total else min(1.0, high))

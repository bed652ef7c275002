"""Counting a domain's ballots for the round's voting method.

A stop-gap: storybank.msc.tallies (plurality, approval, score mean/median, Borda,
pairwise, Copeland, Schulze, side by side) is being written; once it lands,
`count_votes` delegates to `tallies.tally(...)` and this minimal counting goes. Ties at
the top are reported, never broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The tally each voting method is counted with here (ranking: Borda points).
TALLY_FOR = {
    "single": "plurality",
    "approval": "approval",
    "score": "score_mean",
    "ranking": "borda",
}


@dataclass
class Tally:
    """Points per story (votes, approvals, mean score or Borda points), best first."""

    method: str
    points: dict[int, float]
    ballots: int
    top: list[int]


def count_votes(
    kind: str, candidates: list[int], ballots: list[tuple[dict[str, Any], int]]
) -> Tally:
    """Count (content, how many identical ballots) pairs for these candidates."""
    points = {story: 0.0 for story in candidates}
    weight = sum(count for _content, count in ballots)
    for content, count in ballots:
        for story, value in _ballot_points(kind, content, len(candidates)).items():
            if story in points:
                points[story] += value * count
    if kind == "score" and weight:
        points = {story: round(total / weight, 2) for story, total in points.items()}
    best = max(points.values(), default=0.0)
    top = sorted(s for s, p in points.items() if p == best) if weight else []
    ordered = dict(sorted(points.items(), key=lambda item: (-item[1], item[0])))
    return Tally(method=TALLY_FOR[kind], points=ordered, ballots=weight, top=top)


def _ballot_points(kind: str, content: dict[str, Any], size: int) -> dict[int, float]:
    if kind == "single":
        return {int(content["choice"]): 1.0}
    if kind == "approval":
        return {int(story): 1.0 for story in content["approved"]}
    if kind == "score":
        return {int(story): float(score) for story, score in content["scores"].items()}
    return {int(story): float(size - 1 - place) for place, story in enumerate(content["ranking"])}

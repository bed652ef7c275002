"""Agreement between two codings of the same stories, one code at a time: each story
either carries the code or does not (story grain, never per character of text)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

KAPPA_UNDEFINED = "Not defined: both gave every story the same answer, so chance agreement is 100%."
ALPHA_UNDEFINED = "Not defined: every decision was the same, so there is no variation to agree on."


@dataclass(frozen=True)
class PairCounts:
    """How two codings of the same stories compare on one code (or on many, added up)."""

    both: int = 0
    only_first: int = 0
    only_second: int = 0
    neither: int = 0

    @property
    def n(self) -> int:
        """The number of decisions compared (stories, for one code)."""
        return self.both + self.only_first + self.only_second + self.neither

    @property
    def disagreements(self) -> int:
        """Decisions where exactly one of the two applied the code."""
        return self.only_first + self.only_second

    def __add__(self, other: PairCounts) -> PairCounts:
        return PairCounts(
            self.both + other.both,
            self.only_first + other.only_first,
            self.only_second + other.only_second,
            self.neither + other.neither,
        )


def percent_agreement(counts: PairCounts) -> float | None:
    """The share of decisions on which the two agree (None with nothing to compare)."""
    return (counts.both + counts.neither) / counts.n if counts.n else None


def cohen_kappa(counts: PairCounts) -> float | None:
    """Cohen's kappa; None when chance agreement is total (both coders constant and equal)."""
    n = counts.n
    if not n:
        return None
    first_yes, second_yes = counts.both + counts.only_first, counts.both + counts.only_second
    observed = (counts.both + counts.neither) / n
    expected = (first_yes * second_yes + (n - first_yes) * (n - second_yes)) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def krippendorff_alpha(counts: Sequence[PairCounts]) -> float | None:
    """Krippendorff's alpha (nominal, two coders, no missing decisions) over every decision
    counted, computed by the `krippendorff` package; None when all decisions are the same."""
    total = sum(counts, PairCounts())
    yes = 2 * total.both + total.disagreements
    no = 2 * total.neither + total.disagreements
    if total.n == 0 or yes == 0 or no == 0:
        return None
    import krippendorff  # imported here: only agreement pages need numpy
    import numpy as np

    # One row per decision, counting how many of the two coders said no and yes.
    value_counts = np.repeat(
        np.array([[0, 2], [1, 1], [2, 0]]), [total.both, total.disagreements, total.neither], axis=0
    )
    return float(
        krippendorff.alpha(
            value_counts=value_counts, value_domain=[0, 1], level_of_measurement="nominal"
        )
    )


def precision(counts: PairCounts) -> float | None:
    """Of the codes the first (a model) applied, the share the second (final) also has."""
    applied = counts.both + counts.only_first
    return counts.both / applied if applied else None


def recall(counts: PairCounts) -> float | None:
    """Of the codes the second (final) has, the share the first (a model) applied."""
    wanted = counts.both + counts.only_second
    return counts.both / wanted if wanted else None

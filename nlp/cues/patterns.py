"""A lemma pattern matcher indexed by each pattern's first word.

It accepts the spaCy Matcher token patterns that `compile_pattern` writes (`LEMMA IN`, `OP "?"`,
`OP "{0,3}"`) and finds the same longest matches. spaCy's `Matcher` tries every pattern at
every token, so its cost grows with the lexicon (about 0.05 ms per pattern per 300-word story
here, 25 ms for the whole lexicon); looking patterns up by their first lemma keeps the cue
matcher under a millisecond.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

ANY = frozenset[str]()
Probe = tuple[frozenset[str], int]  # a word a match needs soon after its first, and how soon
Entry = tuple[str, "tuple[Step, ...]", Probe, frozenset[int]]  # label, steps, probe, needs


@dataclass(frozen=True)
class Step:
    """One token of a pattern: which lemmas (empty = anything), how few and how many times."""

    lemmas: frozenset[str]
    least: int
    most: int

    def accepts(self, lemma: str) -> bool:
        """Whether a token with this lemma fits the step."""
        return not self.lemmas or lemma in self.lemmas


def steps_of(token_pattern: Sequence[dict[str, Any]]) -> tuple[Step, ...]:
    """A Matcher token pattern as steps."""
    steps = []
    for token in token_pattern:
        lemmas = frozenset(token["LEMMA"]["IN"]) if "LEMMA" in token else ANY
        op = token.get("OP", "1")
        least, most = (0, 1) if op == "?" else (0, 3) if op == "{0,3}" else (1, 1)
        steps.append(Step(lemmas, least, most))
    while steps and not steps[0].lemmas:
        steps.pop(0)  # a leading or trailing "anything" never changes whether a pattern matches
    while steps and not steps[-1].lemmas:
        steps.pop()
    return tuple(steps)


class LemmaPatterns:
    """Labelled patterns, found by the first lemma of each.

    Each pattern also records the words it needs later on (each required step's lemmas, as a
    numbered set); a text that lacks one of them cannot match it, so `matches` looks only at
    the patterns whose every needed word set meets the text's words.
    """

    def __init__(self) -> None:
        self.by_first: dict[str, list[Entry]] = {}
        self.word_sets: dict[frozenset[str], int] = {}  # a needed lemma set -> its number
        self.sets_of: dict[str, set[int]] = {}  # lemma -> numbers of the needed sets it is in

    def add(self, label: str, token_patterns: Sequence[Sequence[dict[str, Any]]]) -> None:
        """Add a label's patterns."""
        for pattern in token_patterns:
            self._index(label, steps_of(pattern))

    def _index(self, label: str, steps: tuple[Step, ...]) -> None:
        if not steps or not steps[0].lemmas:
            return
        entry = (label, steps, _probe(steps), self._needs(steps[1:]))
        for lemma in steps[0].lemmas:
            self.by_first.setdefault(lemma, []).append(entry)
        if steps[0].least == 0:  # an optional first word: the pattern may also start after it
            self._index(label, steps[1:])

    def _needs(self, steps: tuple[Step, ...]) -> frozenset[int]:
        numbers = set()
        for step in steps:
            if step.least and step.lemmas:
                number = self.word_sets.setdefault(step.lemmas, len(self.word_sets))
                numbers.add(number)
                for lemma in step.lemmas:
                    self.sets_of.setdefault(lemma, set()).add(number)
        return frozenset(numbers)

    def _possible(self, lemmas: Sequence[str]) -> dict[str, list[Entry]]:
        """The patterns by first lemma that this text could match (it has all their words)."""
        words = set(lemmas)
        met: set[int] = set()
        for lemma in words.intersection(self.sets_of):
            met.update(self.sets_of[lemma])
        possible = {}
        for lemma in words.intersection(self.by_first):
            entries = [entry for entry in self.by_first[lemma] if entry[3] <= met]
            if entries:
                possible[lemma] = entries
        return possible

    def matches(self, lemmas: Sequence[str]) -> list[tuple[str, int, int]]:
        """(label, start, end) of the longest non-overlapping matches of each label."""
        found: dict[str, list[tuple[int, int]]] = {}
        size = len(lemmas)
        possible = self._possible(lemmas)
        starts = [i for i, lemma in enumerate(lemmas) if lemma in possible]
        for start in starts:
            for label, steps, (wanted, reach), _ in possible[lemmas[start]]:
                # most candidates lack their next required word: look for it before the search
                if wanted and wanted.isdisjoint(lemmas[start + 1 : min(size, start + 1 + reach)]):
                    continue
                end = _longest(steps, lemmas, start)
                if end is not None:
                    found.setdefault(label, []).append((start, end))
        return [(label, s, e) for label, spans in found.items() for s, e in _longest_first(spans)]


def _probe(steps: tuple[Step, ...]) -> Probe:
    """The next required word after the first, and how far ahead it can be (none: ANY, 0)."""
    if steps[0].most != 1:
        return ANY, 0
    reach = 0
    for step in steps[1:]:
        reach += step.most
        if step.least and step.lemmas:
            return step.lemmas, reach
        if step.least:
            return ANY, 0
    return ANY, 0


def _longest(steps: tuple[Step, ...], lemmas: Sequence[str], start: int) -> int | None:
    if len(steps) == 1 and steps[0].least == 1 and steps[0].most == 1:
        return start + 1  # a one-word pattern: its first word is already there
    return max(_ends(steps, 0, lemmas, start), default=None)


def _ends(
    steps: tuple[Step, ...], index: int, lemmas: Sequence[str], position: int
) -> Iterator[int]:
    if index == len(steps):
        yield position
        return
    step = steps[index]
    taken = 0
    if step.least == 0:
        yield from _ends(steps, index + 1, lemmas, position)
    while taken < step.most and position + taken < len(lemmas):
        if not step.accepts(lemmas[position + taken]):
            return
        taken += 1
        if taken >= step.least:
            yield from _ends(steps, index + 1, lemmas, position + taken)


def _longest_first(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    chosen: list[tuple[int, int]] = []
    taken: set[int] = set()
    for start, end in sorted(set(spans), key=lambda s: (s[0] - s[1], s[0])):
        if not taken.intersection(range(start, end)):
            chosen.append((start, end))
            taken.update(range(start, end))
    return sorted(chosen)

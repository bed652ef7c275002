"""Recall and precision of the detector on a gold file of hand-marked texts.

Each line: {"text": ..., "person_names": [strings], "other_pii": [strings or
{"type", "text"}]}. Every occurrence of a marked string in the text is a gold span. A gold
span is found when a detected span of the same group (names; other data) overlaps it, and a
detected span is right when it overlaps a gold span of its group. Per kind, the kinds must
agree (an other_pii item given as a bare string has kind "unknown").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from nlp.personal_data.recognizers import OTHER_KINDS, PERSON
from nlp.personal_data.redacting import find_personal_data

UNKNOWN = "unknown"
Span = tuple[int, int]


@dataclass(frozen=True)
class GoldText:
    """One gold line: the text and its marked spans by kind."""

    text: str
    spans: Mapping[str, tuple[Span, ...]]


@dataclass
class Tally:
    """Counts for one kind or group."""

    gold: int = 0
    found: int = 0
    predicted: int = 0
    right: int = 0

    def as_json(self) -> dict[str, float | int | None]:
        """Recall and precision (None when there is nothing to divide by), with the counts."""
        return {
            "recall": round(self.found / self.gold, 4) if self.gold else None,
            "precision": round(self.right / self.predicted, 4) if self.predicted else None,
            "gold": self.gold,
            "predicted": self.predicted,
        }


@dataclass
class Report:
    """Figures for person names, all other data together, and each kind."""

    names: Tally = field(default_factory=Tally)
    other: Tally = field(default_factory=Tally)
    kinds: dict[str, Tally] = field(default_factory=dict)
    texts: int = 0

    def as_json(self) -> dict[str, Any]:
        """{"person_names": {recall, precision}, "other_pii": {recall, precision, <kind>...}}."""
        other: dict[str, Any] = self.other.as_json()
        for kind in sorted(self.kinds):
            other[kind] = self.kinds[kind].as_json()
        return {"person_names": self.names.as_json(), "other_pii": other, "texts": self.texts}


def _occurrences(text: str, needle: str) -> list[Span]:
    pattern = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")
    return [match.span() for match in pattern.finditer(text)]


def read_pii_gold(lines: Iterable[str]) -> list[GoldText]:
    """Parse gold lines (blank lines skipped); a ValueError names the bad line."""
    gold = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            gold.append(_gold_text(json.loads(line)))
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise ValueError(f"line {number}: {error}") from error
    return gold


def _gold_text(data: dict[str, Any]) -> GoldText:
    text = data["text"]
    if not isinstance(text, str):
        raise ValueError('"text" must be a string')
    marked: dict[str, set[Span]] = {}
    for name in data.get("person_names", []):
        marked.setdefault(PERSON, set()).update(_located(text, str(name)))
    for item in data.get("other_pii", []):
        kind, piece = (item["type"], item["text"]) if isinstance(item, dict) else (UNKNOWN, item)
        marked.setdefault(str(kind), set()).update(_located(text, str(piece)))
    return GoldText(text=text, spans={kind: _merged(spans) for kind, spans in marked.items()})


def _merged(spans: set[Span]) -> tuple[Span, ...]:
    """Overlapping marks are one span ("Will Evans" and "Will")."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _located(text: str, piece: str) -> list[Span]:
    spans = _occurrences(text, piece)
    if not spans:
        raise ValueError(f"{piece!r} is not in the text")
    return spans


def _overlaps(span: Span, others: Sequence[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def score(gold: Sequence[GoldText]) -> Report:
    """Run the detector on each gold text and count what it found and missed."""
    report = Report(texts=len(gold))
    for item in gold:
        predicted: dict[str, list[Span]] = {}
        for found in find_personal_data(item.text):
            predicted.setdefault(found.kind, []).append((found.start, found.end))
        _count(report.names, item.spans.get(PERSON, ()), predicted.get(PERSON, []))
        gold_other = [s for kind, spans in item.spans.items() if kind != PERSON for s in spans]
        found_other = [s for kind, spans in predicted.items() if kind != PERSON for s in spans]
        _count(report.other, gold_other, found_other)
        for kind in {*item.spans, *predicted} - {PERSON}:
            tally = report.kinds.setdefault(kind, Tally())
            _count(tally, item.spans.get(kind, ()), predicted.get(kind, []))
    for kind in OTHER_KINDS:
        report.kinds.setdefault(kind, Tally())
    return report


def _count(tally: Tally, gold: Sequence[Span], predicted: Sequence[Span]) -> None:
    tally.gold += len(gold)
    tally.found += sum(_overlaps(span, predicted) for span in gold)
    tally.predicted += len(predicted)
    tally.right += sum(_overlaps(span, gold) for span in predicted)


def misses(gold: Sequence[GoldText]) -> list[dict[str, Any]]:
    """What the detector missed or wrongly found, line by line (for tuning and reports)."""
    problems = []
    for number, item in enumerate(gold, start=1):
        found = find_personal_data(item.text)
        spans = [s for spans in item.spans.values() for s in spans]
        missed = [
            item.text[s:e]
            for s, e in spans
            if not _overlaps((s, e), [(f.start, f.end) for f in found])
        ]
        extra = [(f.kind, f.text) for f in found if not _overlaps((f.start, f.end), spans)]
        if missed or extra:
            problems.append({"line": number, "missed": missed, "extra": extra})
    return problems

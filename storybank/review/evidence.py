"""Where each suggestion's evidence sits in the story's text: each field cut into plain
and marked pieces, a marked piece naming the suggestions whose evidence covers it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from storybank.review.sheet import SuggestionLine


@dataclass(frozen=True)
class Piece:
    """A run of a field's text, and the suggestions (id, code label) whose evidence it is."""

    text: str
    marks: tuple[tuple[int, str], ...] = ()


@dataclass
class MarkedField:
    """One text field of the story, cut into pieces."""

    name: str
    pieces: list[Piece] = field(default_factory=list)


def _spans(
    fields: Mapping[str, str], suggestions: Sequence[SuggestionLine]
) -> dict[str, list[tuple[int, int, int, str]]]:
    """Evidence spans that fit their field's text: (start, end, suggestion id, label)."""
    spans: dict[str, list[tuple[int, int, int, str]]] = {}
    for line in suggestions:
        for item in line.evidence:
            text = fields.get(str(item.get("field")), "")
            start, end = int(item.get("start", -1)), int(item.get("end", -1))
            if 0 <= start < end <= len(text) and text[start:end] == item.get("text"):
                spans.setdefault(str(item["field"]), []).append(
                    (start, end, line.id, line.code.label)
                )
    return spans


def mark_evidence(
    fields: Mapping[str, str], suggestions: Sequence[SuggestionLine]
) -> list[MarkedField]:
    """Each non-empty field with the evidence of these suggestions marked in place (evidence
    whose offsets no longer fit the text is left unmarked, never misplaced)."""
    spans = _spans(fields, suggestions)
    marked = []
    for name, text in fields.items():
        if not text:
            continue
        found = spans.get(name, [])
        cuts = sorted({0, len(text), *(s for s, *_ in found), *(e for _, e, *_ in found)})
        pieces = []
        for start, end in pairwise(cuts):
            covering = tuple(
                dict.fromkeys((sid, label) for s, e, sid, label in found if s <= start and end <= e)
            )
            pieces.append(Piece(text[start:end], covering))
        marked.append(MarkedField(name, pieces))
    return marked

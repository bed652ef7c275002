"""Panel reasons read outside the story's site, in de-identified words only.

A site panel reads a story in the original and may quote it in its reasons ("Mrs Okafor's
mornings"). When those reasons travel up with the story, readers outside the site must
see them as they see the story: de-identified. The story's two versions say what was
changed: each short span the de-identified version replaced ("Mrs Okafor" -> "[Person
A]") is replaced in the reasons the same way, and any other name-like word (capitalised,
or with a digit) of the original that the de-identified version no longer contains is
withheld. Pure functions: texts in, text out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher

TOKEN = re.compile(r"\w+|[^\w\s]")
NAME_LIKE = re.compile(r"\b(?:[A-Z]\w*|\w*\d\w*)\b")
WITHHELD = "[…]"
MAX_SPAN_TOKENS = 6


def _tokens(text: str) -> list[re.Match[str]]:
    return list(TOKEN.finditer(text))


def replaced_spans(original: str, deidentified: str) -> dict[str, str]:
    """Short spans of the original and what the de-identified version put in their place."""
    before, after = _tokens(original), _tokens(deidentified)
    matcher = SequenceMatcher(
        a=[t.group() for t in before], b=[t.group() for t in after], autojunk=False
    )
    spans: dict[str, str] = {}
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op not in ("replace", "delete") or i2 - i1 > MAX_SPAN_TOKENS:
            continue
        span = original[before[i1].start() : before[i2 - 1].end()]
        put = deidentified[after[j1].start() : after[j2 - 1].end()] if j2 > j1 else WITHHELD
        if any(char.isalnum() for char in span):
            spans[span] = put
    return spans


def deidentify_reasons(text: str, originals: Iterable[str], deidentified: Iterable[str]) -> str:
    """Reasons as read outside the site: the story's replacements applied, and name-like
    words of the original that its de-identified version dropped withheld."""
    before, after = list(originals), list(deidentified)
    spans: dict[str, str] = {}
    for old, new in zip(before, after, strict=False):
        spans.update(replaced_spans(old, new))
    text = _apply(text, spans)
    kept = {w.lower() for t in after for w in re.findall(r"\w+", t)}
    dropped = {
        w for t in before for w in NAME_LIKE.findall(t) if w.lower() not in kept and len(w) > 1
    }
    return _apply(text, dict.fromkeys(dropped, WITHHELD))


def _apply(text: str, spans: Mapping[str, str]) -> str:
    for span in sorted(spans, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(span)}(?!\w)", spans[span], text)
    return text

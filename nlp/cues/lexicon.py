"""The cue lexicon (nlp/data/cue_lexicon.toml): patterns per code, compiled to spaCy Matcher rules.

Pattern syntax, one string per pattern, tokens separated by spaces:
  `walk|pop`  one token whose lemma is any of these (words are lemmatised as the pipeline does);
  `word?`     an optional token; `*` any one token or none; `**` up to three tokens of anything.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from nlp.lemmas import lemma_of

LEXICON_PATH = Path(__file__).parent.parent / "data" / "cue_lexicon.toml"
KINDS = ("gain", "problem")
Lemmatise = Callable[[str], str]
Phrases = Mapping[str, tuple[tuple[str, ...], ...]]  # lemma phrases by their first lemma


@dataclass(frozen=True)
class CodeCues:
    """One code's patterns: `gain` describes the change itself, `problem` the state it removes."""

    gain: tuple[str, ...] = ()
    problem: tuple[str, ...] = ()
    avoided: bool = False  # a counterfactual problem ("would have gone into a home") is evidence
    include: tuple[str, ...] = ()  # codes whose evidence also supports this one (outcomes)
    not_after: frozenset[str] = frozenset()  # whose change it is not ("staff felt confident")


@dataclass(frozen=True)
class Scope:
    """Words that change what a cue means: negators, hedges, counterfactuals, change markers."""

    negators: frozenset[str]
    hedges: Phrases
    counterfactual: Phrases
    expected: Phrases
    expected_after: Phrases
    change: Phrases
    change_after: Phrases
    boundaries: frozenset[str]
    window: int = 5


@dataclass(frozen=True)
class Lexicon:
    """The whole cue lexicon."""

    version: str
    scope: Scope
    codes: Mapping[str, CodeCues]


@cache
def shipped_lexicon() -> Lexicon:
    """The lexicon that ships in nlp/data/."""
    return read_lexicon(LEXICON_PATH)


def read_lexicon(path: Path) -> Lexicon:
    """Read a cue lexicon TOML file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Lexicon(
        version=str(data.get("version", "0")),
        scope=_scope(data["scope"], lemma_of),
        codes={key: _code(value) for key, value in data["codes"].items()},
    )


def _phrases(values: list[str], lemmatise: Lemmatise) -> Phrases:
    found: dict[str, list[tuple[str, ...]]] = {}
    for value in values:
        phrase = tuple(lemmatise(word) for word in value.split())
        found.setdefault(phrase[0], []).append(phrase)
    return {first: tuple(phrases) for first, phrases in found.items()}


def _scope(data: Mapping[str, Any], lemmatise: Lemmatise) -> Scope:
    return Scope(
        negators=frozenset(lemmatise(word) for word in data["negators"]),
        hedges=_phrases(data["hedges"], lemmatise),
        counterfactual=_phrases(data["counterfactual"], lemmatise),
        expected=_phrases(data["expected"], lemmatise),
        expected_after=_phrases(data.get("expected_after", []), lemmatise),
        change=_phrases(data["change"], lemmatise),
        change_after=_phrases(data["change_after"], lemmatise),
        boundaries=frozenset(data["boundaries"]),
        window=int(data.get("window", 5)),
    )


def _code(data: Mapping[str, Any]) -> CodeCues:
    return CodeCues(
        gain=tuple(data.get("gain", ())),
        problem=tuple(data.get("problem", ())),
        avoided=bool(data.get("avoided", False)),
        include=tuple(data.get("include", ())),
        not_after=frozenset(lemma_of(word) for word in data.get("not_after", ())),
    )


def compile_pattern(pattern: str, lemmatise: Lemmatise) -> list[list[dict[str, Any]]]:
    """One pattern string as spaCy Matcher token patterns over lemmas.

    A word the tokenizer splits ("drop-in", "men's") becomes several tokens; a slot whose
    alternatives split differently is expanded into one pattern per alternative.
    """
    patterns: list[list[dict[str, Any]]] = [[]]
    for part in pattern.split():
        if part in ("*", "**"):
            wildcard = {"OP": "?"} if part == "*" else {"OP": "{0,3}"}
            patterns = [[*tokens, wildcard] for tokens in patterns]
            continue
        optional = part.endswith("?") and len(part) > 1
        words = [_pieces(word) for word in (part[:-1] if optional else part).split("|")]
        if all(len(pieces) == 1 for pieces in words):
            slots = [[_slot([pieces[0] for pieces in words], lemmatise)]]
        else:
            slots = [[_slot([piece], lemmatise) for piece in pieces] for pieces in words]
        if optional:
            slots = [
                [{**slot, "OP": "?"} for slot in group] if len(group) == 1 else group
                for group in slots
            ] + ([[]] if any(len(g) > 1 for g in slots) else [])
        patterns = [tokens + group for tokens in patterns for group in slots]
    return patterns


def _slot(words: list[str], lemmatise: Lemmatise) -> dict[str, Any]:
    lemmas = sorted({form for word in words for form in _forms(word, lemmatise)})
    return {"LEMMA": {"IN": lemmas}}


def _pieces(word: str) -> list[str]:
    """A word split as the English tokenizer splits it (hyphens inside, 's and ' at the end)."""
    pieces: list[str] = []
    for index, chunk in enumerate(word.split("-")):
        if index:
            pieces.append("-")
        if chunk.endswith("'s") and len(chunk) > 2:
            pieces.extend([chunk[:-2], "'s"])
        elif chunk.endswith("'") and len(chunk) > 1:
            pieces.extend([chunk[:-1], "'"])
        elif chunk:
            pieces.append(chunk)
    return pieces


def _forms(word: str, lemmatise: Lemmatise) -> set[str]:
    lower = word.lower()
    return {lower, lemmatise(lower)}

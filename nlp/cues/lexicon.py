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


@dataclass(frozen=True)
class CodeCues:
    """One code's patterns: `gain` describes the change itself, `problem` the state it removes."""

    gain: tuple[str, ...] = ()
    problem: tuple[str, ...] = ()
    avoided: bool = False  # a counterfactual problem ("would have gone into a home") is evidence
    include: tuple[str, ...] = ()  # codes whose evidence also supports this one (outcomes)


@dataclass(frozen=True)
class Scope:
    """Words that change what a cue means: negators, hedges, counterfactuals, change markers."""

    negators: frozenset[str]
    hedges: tuple[tuple[str, ...], ...]
    counterfactual: tuple[tuple[str, ...], ...]
    change: tuple[tuple[str, ...], ...]
    change_after: tuple[tuple[str, ...], ...]
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


def _phrases(values: list[str], lemmatise: Lemmatise) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(lemmatise(word) for word in value.split()) for value in values)


def _scope(data: Mapping[str, Any], lemmatise: Lemmatise) -> Scope:
    return Scope(
        negators=frozenset(lemmatise(word) for word in data["negators"]),
        hedges=_phrases(data["hedges"], lemmatise),
        counterfactual=_phrases(data["counterfactual"], lemmatise),
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
    )


def compile_pattern(pattern: str, lemmatise: Lemmatise) -> list[dict[str, Any]]:
    """One pattern string as a spaCy Matcher token pattern over lemmas."""
    tokens: list[dict[str, Any]] = []
    for part in pattern.split():
        if part == "*":
            tokens.append({"OP": "?"})
        elif part == "**":
            tokens.append({"OP": "{0,3}"})
        else:
            optional = part.endswith("?") and len(part) > 1
            words = part.rstrip("?") if optional else part
            lemmas = sorted({form for word in words.split("|") for form in _forms(word, lemmatise)})
            token: dict[str, Any] = {"LEMMA": {"IN": lemmas}}
            if optional:
                token["OP"] = "?"
            tokens.append(token)
    return tokens


def _forms(word: str, lemmatise: Lemmatise) -> set[str]:
    lower = word.lower()
    return {lower, lemmatise(lower)}

"""A small stand-in for nlp/'s training API, for tests of the database side of learning:
a model that suggests a code when the code's key word appears, with cross-validated
figures that depend only on the options (so which candidate wins is known in advance)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

import pytest

import nlp
from nlp.interface import (
    CodeMetrics,
    CodeSpec,
    CodeSuggestion,
    CrossValidation,
    Evidence,
    LabelledStory,
    ModelInfo,
    StoryText,
    TrainOptions,
)

# A plain bag of words, as `storybank nlp train --features bow` asks for.
BOW = TrainOptions(cue_weight=0.0)
_versions = iter(range(1, 10_000))


def scores(options: TrainOptions | None) -> tuple[float, float]:
    """Outcome and theme micro-F1 by the options: the full model beats the bag of words."""
    return (0.8, 0.7) if (options or TrainOptions()).cue_weight else (0.6, 0.5)


class DoubleModel:
    """Suggests a code when a word of its key (e.g. "hub" for community_hub) is in a field."""

    def __init__(self, info: ModelInfo, words: dict[str, str]) -> None:
        self.info = info
        self.words = words

    def suggest(self, story: StoryText) -> list[CodeSuggestion]:
        found = []
        for key, word in self.words.items():
            for name, text in story.fields.items():
                match = re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)
                if match:
                    evidence = Evidence(name, match.start(), match.end(), match.group(0))
                    found.append(CodeSuggestion(key, 0.75, self.info.version, (evidence,)))
                    break
        return found

    def suggest_many(self, stories: Sequence[StoryText]) -> list[list[CodeSuggestion]]:
        return [self.suggest(story) for story in stories]

    def to_bytes(self) -> bytes:
        info = asdict(self.info)
        return json.dumps({"info": info, "words": self.words}).encode("utf-8")


def load_model(data: bytes) -> DoubleModel:
    loaded = json.loads(data)
    info = loaded["info"]
    info["labels"] = tuple(info["labels"])
    info["per_code"] = {key: CodeMetrics(**m) for key, m in info["per_code"].items()}
    return DoubleModel(ModelInfo(**info), loaded["words"])


def cross_validate(
    examples: Sequence[LabelledStory],
    codebook: Sequence[CodeSpec],
    *,
    options: Any = None,
    folds: int = 5,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> CrossValidation:
    outcome, theme = scores(options)
    for fold in range(folds):
        if progress:
            progress(fold + 1, folds)
    per_code = {
        spec.key: CodeMetrics(outcome, outcome, outcome, outcome - 0.1, _support(examples, spec))
        for spec in codebook
    }
    summary = {"outcome_micro_f1": outcome, "theme_micro_f1": theme}
    return CrossValidation(per_code, summary, folds, seed, len(examples))


def train_model(
    examples: Sequence[LabelledStory],
    codebook: Sequence[CodeSpec],
    *,
    codebook_version: str,
    options: Any = None,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> DoubleModel:
    found = cross_validate(
        examples, codebook, options=options, folds=5, seed=seed, progress=progress
    )
    info = ModelInfo(
        version=f"2026-12-02T11-00-00-{next(_versions):04d}",
        codebook_version=codebook_version,
        labels=tuple(spec.key for spec in codebook),
        training_size=len(examples),
        library_versions={"double": "1"},
        per_code=found.per_code,
        summary=found.summary,
    )
    return DoubleModel(info, {spec.key: spec.key.split("_")[-1] for spec in codebook})


def _support(examples: Sequence[LabelledStory], spec: CodeSpec) -> int:
    return sum(spec.key in example.codes for example in examples)


def use_nlp_double(monkeypatch: pytest.MonkeyPatch) -> None:
    """Swap nlp's training API for this double for one test."""
    for name, value in {
        "train_model": train_model,
        "cross_validate": cross_validate,
        "load_model": load_model,
    }.items():
        # Into the module's namespace: nlp/ imports its API lazily, on first attribute use.
        monkeypatch.setitem(vars(nlp), name, value)

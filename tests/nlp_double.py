"""A small stand-in for nlp/'s training API, for tests of the database side of learning:
a model that suggests a code when the code's key word appears, with cross-validated
figures that depend only on the options (so which candidate wins is known in advance)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pytest

import nlp
from nlp.interface import (
    CodeMetrics,
    CodeSpec,
    CodeSuggestion,
    Evidence,
    LabelledStory,
    ModelInfo,
    StoryText,
)

# Summary figures by the `features` option: the full model beats the bag of words.
SCORES = {"full": (0.8, 0.7), "bow": (0.6, 0.5)}
_versions = iter(range(1, 10_000))


@dataclass(frozen=True)
class DoubleOptions:
    features: str = "full"
    use_cues: bool = True


@dataclass(frozen=True)
class DoubleCV:
    per_code: dict[str, CodeMetrics]
    summary: dict[str, float]


@dataclass(frozen=True)
class DoubleBin:
    low: float
    high: float
    count: int
    mean_confidence: float | None
    acceptance_rate: float | None


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
) -> DoubleCV:
    outcome, theme = SCORES[(options or DoubleOptions()).features]
    for fold in range(folds):
        if progress:
            progress(fold + 1, folds)
    per_code = {
        spec.key: CodeMetrics(outcome, outcome, outcome, outcome - 0.1, _support(examples, spec))
        for spec in codebook
    }
    return DoubleCV(per_code, {"outcome_micro_f1": outcome, "theme_micro_f1": theme})


def train_model(
    examples: Sequence[LabelledStory],
    codebook: Sequence[CodeSpec],
    *,
    codebook_version: str,
    options: Any = None,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> DoubleModel:
    found = cross_validate(examples, codebook, options=options, seed=seed, progress=progress)
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


def reliability_table(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> list[DoubleBin]:
    rows = []
    for index in range(bins):
        low, high = index / bins, (index + 1) / bins
        inside = [ok for c, ok in pairs if low <= c < high or (index == bins - 1 and c == 1.0)]
        confidences = [c for c, _ in pairs if low <= c < high]
        rows.append(
            DoubleBin(
                low,
                high,
                len(inside),
                sum(confidences) / len(confidences) if confidences else None,
                sum(inside) / len(inside) if inside else None,
            )
        )
    return rows


def _support(examples: Sequence[LabelledStory], spec: CodeSpec) -> int:
    return sum(spec.key in example.codes for example in examples)


def use_nlp_double(monkeypatch: pytest.MonkeyPatch) -> None:
    """Swap nlp's training API for this double for one test."""
    for name, value in {
        "TrainOptions": DoubleOptions,
        "train_model": train_model,
        "cross_validate": cross_validate,
        "load_model": load_model,
        "reliability_table": reliability_table,
    }.items():
        monkeypatch.setattr(nlp, name, value, raising=False)

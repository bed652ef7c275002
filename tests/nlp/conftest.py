"""Shared NLP fixtures: a small codebook and a model trained once on part of the demo bank."""

from __future__ import annotations

import pytest

from bench.nlp_data import demo_stories, shipped_codebook
from nlp.interface import CodeSpec, LabelledStory, TrainOptions

SMALL_KEYS = (
    "outcome_1",
    "outcome_2",
    "outcome_3",
    "outcome_6",
    "community_hub",
    "reduced_isolation",
    "carer_support",
    "technology_telecare",
)
SMALL_OPTIONS = TrainOptions(folds=3)


@pytest.fixture(scope="session")
def small_codebook() -> list[CodeSpec]:
    """Eight codes of the shipped codebook (four outcomes, four themes)."""
    codes, _ = shipped_codebook()
    return [code for code in codes if code.key in SMALL_KEYS]


@pytest.fixture(scope="session")
def small_examples() -> list[LabelledStory]:
    """Thirty demo stories, their codes cut down to the small codebook."""
    return [
        LabelledStory(example.story, example.codes & frozenset(SMALL_KEYS))
        for example in demo_stories()[:30]
    ]


@pytest.fixture(scope="session")
def small_model(small_examples, small_codebook):  # type: ignore[no-untyped-def]
    """A model trained once for the session on the small set."""
    import nlp

    return nlp.train_model(
        small_examples, small_codebook, codebook_version="test", options=SMALL_OPTIONS, seed=0
    )

"""Per-code and structured features: cue counts, profile similarity, contact route and costs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.cues.lexicon import Lexicon
from nlp.cues.scope import CONTEXT, EVIDENCE
from nlp.interface import CodeSpec, StoryText
from nlp.suggesting.analysis import Analysis

ROUTES = ("hub_walk_in", "council_referral", "ongoing_support", "gp_health", "other")
CODE_BLOCK = (
    "evidence",
    "not_evidence",
    "context",
    "included",
    "similarity",
    "vector_similarity",
)
STRUCTURE_SIZE = len(ROUTES) + 3
# Cue counts saturate (1 - exp(-SATURATION * n)): one hit counts most, length matters little.
# A steeper curve (2.0) helped one-paragraph dev stories but lost on cross-validation and on
# stories of evaluation length.
SATURATION = 1.0


def profile_texts(codebook: Sequence[CodeSpec]) -> list[str]:
    """Each code's label, description, examples and cue phrases (to compare sentences with)."""
    return [
        " ".join([code.label, code.description, *code.examples, *code.cue_phrases])
        for code in codebook
    ]


def cue_block(analyses: Sequence[Analysis], keys: Sequence[str], lexicon: Lexicon) -> np.ndarray:
    """Per story and code: saturating counts of evidence, non-evidence, context, included hits."""
    index = {key: position for position, key in enumerate(keys)}
    counts = np.zeros((len(analyses), len(keys), 4), dtype=np.float64)
    for row, analysis in enumerate(analyses):
        for sentence in analysis.sentences:
            for hit in sentence.hits:
                column = index.get(hit.code)
                if column is not None:
                    slot = 0 if hit.status == EVIDENCE else 2 if hit.status == CONTEXT else 1
                    counts[row, column, slot] += 1
    for column, key in enumerate(keys):
        cues = lexicon.codes.get(key)
        for other in cues.include if cues else ():
            if other in index:
                counts[:, column, 3] += counts[:, index[other], 0]
    return 1.0 - np.exp(-SATURATION * counts)  # one hit counts most, length matters little


def structure_block(stories: Sequence[StoryText]) -> np.ndarray:
    """Contact route, learning story, and whether the recorded weekly cost fell."""
    rows = np.zeros((len(stories), STRUCTURE_SIZE), dtype=np.float64)
    for row, story in enumerate(stories):
        if story.contact_route in ROUTES:
            rows[row, ROUTES.index(story.contact_route)] = 1.0
        if story.story_type == "learning":
            rows[row, len(ROUTES)] = 1.0
        before, after = story.weekly_cost_before, story.weekly_cost_after
        if before is not None and after is not None:
            rows[row, len(ROUTES) + 1] = 1.0 if after < before else 0.0
            rows[row, len(ROUTES) + 2] = 1.0 if after >= before else 0.0
    return rows

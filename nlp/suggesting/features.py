"""Features of a story for the per-code classifiers: TF-IDF, cue and similarity, structure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.cues.lexicon import Lexicon
from nlp.cues.scope import CONTEXT, EVIDENCE
from nlp.interface import CodeSpec, StoryText
from nlp.suggesting.analysis import Analysis

WORD_PARAMS: dict[str, Any] = {
    "ngram_range": (1, 2),
    "min_df": 2,
    "sublinear_tf": True,
    "token_pattern": r"[^ ]+",
    "lowercase": False,
    "max_features": 20000,
    "dtype": np.float32,
}
CHAR_PARAMS: dict[str, Any] = {
    "analyzer": "char_wb",
    "ngram_range": (3, 5),
    "min_df": 2,
    "sublinear_tf": True,
    "max_features": 20000,
    "lowercase": False,
    "dtype": np.float32,
}
ROUTES = ("hub_walk_in", "council_referral", "ongoing_support", "gp_health", "other")
CODE_BLOCK = ("evidence", "not_evidence", "context", "included", "similarity")
STRUCTURE_SIZE = len(ROUTES) + 3


@dataclass
class Vocabulary:
    """A fitted TF-IDF vectoriser, rebuilt from plain values (no pickle)."""

    vectorizer: TfidfVectorizer

    @classmethod
    def fit(cls, texts: Sequence[str], params: Mapping[str, Any]) -> Vocabulary:
        """Fit on the training texts (min_df relaxed when there are very few)."""
        settings = dict(params)
        if len(texts) < 10:
            settings["min_df"] = 1
        vectorizer = TfidfVectorizer(**settings)
        vectorizer.fit(texts)
        return cls(vectorizer)

    def to_state(self) -> tuple[dict[str, int], np.ndarray]:
        """The vocabulary and idf weights."""
        vocab = {term: int(index) for term, index in self.vectorizer.vocabulary_.items()}
        return vocab, np.asarray(self.vectorizer.idf_, dtype=np.float64)

    @classmethod
    def from_state(
        cls, params: Mapping[str, Any], vocabulary: Mapping[str, int], idf: np.ndarray
    ) -> Vocabulary:
        """Rebuild from `to_state`."""
        vectorizer = TfidfVectorizer(**{**params, "min_df": 1})
        vectorizer.vocabulary_ = dict(vocabulary)
        vectorizer.idf_ = idf
        return cls(vectorizer)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """TF-IDF rows for these texts."""
        return sparse.csr_matrix(self.vectorizer.transform(texts))


def profile_texts(codebook: Sequence[CodeSpec]) -> list[str]:
    """Each code's description, label, examples and cue phrases (to compare sentences with)."""
    return [
        " ".join([code.label, code.description, *code.examples, *code.cue_phrases])
        for code in codebook
    ]


def cue_block(analyses: Sequence[Analysis], keys: Sequence[str], lexicon: Lexicon) -> np.ndarray:
    """Per story and code: log counts of evidence, non-evidence, context and included hits."""
    index = {key: position for position, key in enumerate(keys)}
    counts = np.zeros((len(analyses), len(keys), 4), dtype=np.float32)
    for row, analysis in enumerate(analyses):
        for hit in analysis.hits:
            column = index.get(hit.code)
            if column is None:
                continue
            slot = 0 if hit.status == EVIDENCE else 2 if hit.status == CONTEXT else 1
            counts[row, column, slot] += 1
    for column, key in enumerate(keys):
        cues = lexicon.codes.get(key)
        for other in cues.include if cues else ():
            if other in index:
                counts[:, column, 3] += counts[:, index[other], 0]
    return np.log1p(counts)


def structure_block(stories: Sequence[StoryText]) -> np.ndarray:
    """Contact route, learning story, and whether the recorded weekly cost fell."""
    rows = np.zeros((len(stories), STRUCTURE_SIZE), dtype=np.float32)
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

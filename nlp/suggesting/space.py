"""The fitted feature space: term vocabulary, code profiles, and the rows built from analyses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from nlp.cues.lexicon import Lexicon
from nlp.interface import CodeSpec, TrainOptions
from nlp.lemmas import lemma_of
from nlp.suggesting.analysis import Analysis
from nlp.suggesting.features import CODE_BLOCK, cue_block, profile_texts, structure_block
from nlp.suggesting.terms import Terms
from nlp.vectors import DIMENSIONS, glove_vectors


@dataclass(frozen=True)
class Rows:
    """Analysed stories as features: story rows, per-code blocks, and sentence rows."""

    shared: sparse.csr_matrix  # stories x (terms + structure)
    blocks: np.ndarray  # stories x codes x CODE_BLOCK
    sentences: sparse.csr_matrix  # all sentences x terms (TF-IDF)
    similarity: np.ndarray  # all sentences x codes
    offsets: tuple[int, ...]  # story i's sentences are offsets[i]:offsets[i + 1]


@dataclass
class FeatureSpace:
    """Everything needed to turn analysed stories into classifier rows."""

    keys: tuple[str, ...]
    terms: Terms
    profiles: sparse.csr_matrix  # one unit-length TF-IDF row per code
    lexicon: Lexicon
    cue_weight: float
    profile_vectors: np.ndarray  # codes x GloVe dimensions (unit rows)
    vector_weight: float = 0.0

    @classmethod
    def fit(
        cls,
        analyses: Sequence[Analysis],
        codebook: Sequence[CodeSpec],
        lexicon: Lexicon,
        options: TrainOptions,
    ) -> FeatureSpace:
        """Fit the vocabulary on the training stories and the codebook's own words."""
        profiles = [[_lemmatise(text)] for text in profile_texts(codebook)]
        documents = [[s.lemmas for s in a.sentences] for a in analyses] + profiles
        terms = Terms.fit(documents)
        weighted = terms.weigh(terms.counts([p[0] for p in profiles]))
        keys = tuple(code.key for code in codebook)
        vectors = np.zeros((len(keys), DIMENSIONS), dtype=np.float32)
        if options.vector_weight:
            vectors = glove_vectors().means([p[0] for p in profiles])
        return cls(
            keys, terms, weighted, lexicon, options.cue_weight, vectors, options.vector_weight
        )

    def rows(self, analyses: Sequence[Analysis]) -> Rows:
        """All the features of these stories, computed once."""
        sentences = [s.lemmas for a in analyses for s in a.sentences]
        offsets = tuple(np.cumsum([0] + [len(a.sentences) for a in analyses]).tolist())
        counts = self.terms.counts(sentences)
        membership = sparse.csr_matrix(
            (np.ones(len(sentences)), _story_index(offsets), np.arange(len(sentences) + 1)),
            shape=(len(sentences), len(analyses)),
        )
        story_terms = self.terms.weigh(sparse.csr_matrix(membership.T @ counts))
        structure = sparse.csr_matrix(structure_block([a.story for a in analyses]))
        sentence_vectors = self._sentence_vectors(sentences)
        story_vectors = _story_means(sentence_vectors, offsets) * self.vector_weight
        shared = sparse.hstack(
            [story_terms, sparse.csr_matrix(story_vectors), structure], format="csr"
        )
        sentence_rows = self.terms.weigh(counts)
        similarity = np.asarray((sentence_rows @ self.profiles.T).todense())
        vector_similarity = sentence_vectors @ self.profile_vectors.T
        best = np.zeros((len(analyses), len(self.keys), 2))
        best[:, :, 0] = _story_max(similarity, offsets)
        best[:, :, 1] = _story_max(vector_similarity, offsets) * self.vector_weight
        cues = cue_block(analyses, self.keys, self.lexicon) * self.cue_weight
        blocks = np.concatenate([cues, best], axis=2)
        return Rows(shared, blocks, sentence_rows, similarity, offsets)

    def _sentence_vectors(self, sentences: Sequence[tuple[str, ...]]) -> np.ndarray:
        if not self.vector_weight:
            return np.zeros((len(sentences), DIMENSIONS), dtype=np.float32)
        return glove_vectors().means(sentences)

    @property
    def block_size(self) -> int:
        """How many per-code features each classifier adds to the shared ones."""
        return len(CODE_BLOCK)


def _story_means(vectors: np.ndarray, offsets: tuple[int, ...]) -> np.ndarray:
    """Each story's unit-length mean of its sentence vectors."""
    found = _story_reduce(np.add, vectors, offsets).astype(np.float64)
    norms = np.linalg.norm(found, axis=1, keepdims=True)
    return np.asarray(found / np.where(norms == 0, 1.0, norms))


def _story_max(values: np.ndarray, offsets: tuple[int, ...]) -> np.ndarray:
    """Each story's largest value per column over its sentences (zeros for no sentences)."""
    return _story_reduce(np.maximum, values, offsets)


def _story_reduce(ufunc: np.ufunc, values: np.ndarray, offsets: tuple[int, ...]) -> np.ndarray:
    found = np.zeros((len(offsets) - 1, values.shape[1]), dtype=values.dtype)
    sizes = np.diff(offsets)
    filled = np.flatnonzero(sizes)
    if len(filled):
        found[filled] = ufunc.reduceat(values, np.asarray(offsets[:-1])[filled], axis=0)
    return found


def _story_index(offsets: tuple[int, ...]) -> np.ndarray:
    return np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))


def _lemmatise(text: str) -> tuple[str, ...]:
    words = (word.strip(".,;:!?\"'()") for word in text.split())
    return tuple(lemma_of(word) for word in words if word)

"""The fitted feature space: vocabularies, code profiles, and how rows are built from analyses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from nlp.cues.lexicon import Lexicon
from nlp.interface import CodeSpec, TrainOptions
from nlp.lemmas import lemma_of
from nlp.suggesting.analysis import Analysis
from nlp.suggesting.features import (
    CHAR_PARAMS,
    CODE_BLOCK,
    WORD_PARAMS,
    Vocabulary,
    cue_block,
    profile_texts,
    structure_block,
)


@dataclass
class FeatureSpace:
    """Everything needed to turn analysed stories into classifier rows."""

    keys: tuple[str, ...]
    word: Vocabulary
    char: Vocabulary | None
    profiles: sparse.csr_matrix  # one l2-normalised word TF-IDF row per code
    lexicon: Lexicon
    cue_weight: float

    @classmethod
    def fit(
        cls,
        analyses: Sequence[Analysis],
        codebook: Sequence[CodeSpec],
        lexicon: Lexicon,
        options: TrainOptions,
    ) -> FeatureSpace:
        """Fit the vocabularies on the training stories and the codebook's own words."""
        profiles = [_lemmatise(text) for text in profile_texts(codebook)]
        word = Vocabulary.fit([a.lemma_text for a in analyses] + profiles, WORD_PARAMS)
        char = (
            Vocabulary.fit([a.lower_text for a in analyses], CHAR_PARAMS)
            if options.char_ngrams
            else None
        )
        return cls(
            keys=tuple(code.key for code in codebook),
            word=word,
            char=char,
            profiles=word.transform(profiles),
            lexicon=lexicon,
            cue_weight=options.cue_weight,
        )

    def shared(self, analyses: Sequence[Analysis]) -> sparse.csr_matrix:
        """Rows every code's classifier reads: word and char TF-IDF, structured fields."""
        parts = [self.word.transform([a.lemma_text for a in analyses])]
        if self.char is not None:
            parts.append(self.char.transform([a.lower_text for a in analyses]))
        parts.append(sparse.csr_matrix(structure_block([a.story for a in analyses])))
        return sparse.csr_matrix(sparse.hstack(parts, format="csr"))

    def blocks(self, analyses: Sequence[Analysis]) -> np.ndarray:
        """Per story and code: cue counts and best sentence similarity to the code's profile."""
        cues = cue_block(analyses, self.keys, self.lexicon) * self.cue_weight
        similarity = np.zeros((len(analyses), len(self.keys), 1), dtype=np.float32)
        for row, sims in enumerate(self.sentence_similarities(analyses)):
            if sims.shape[0]:
                similarity[row, :, 0] = sims.max(axis=0)
        return np.concatenate([cues, similarity], axis=2)

    def sentence_rows(self, analyses: Sequence[Analysis]) -> list[sparse.csr_matrix]:
        """Each story's sentences as word TF-IDF rows."""
        texts = [s.lemmas for a in analyses for s in a.sentences]
        width = len(self.word.vectorizer.vocabulary_)
        matrix = self.word.transform(texts) if texts else sparse.csr_matrix((0, width))
        rows, offset = [], 0
        for analysis in analyses:
            size = len(analysis.sentences)
            rows.append(matrix[offset : offset + size])
            offset += size
        return rows

    def sentence_similarities(self, analyses: Sequence[Analysis]) -> list[np.ndarray]:
        """Per story: (sentences x codes) cosine similarity to each code's profile."""
        return [
            np.asarray((rows @ self.profiles.T).todense()) for rows in self.sentence_rows(analyses)
        ]

    @property
    def block_size(self) -> int:
        """How many per-code features each classifier adds to the shared ones."""
        return len(CODE_BLOCK)


def _lemmatise(text: str) -> str:
    return " ".join(lemma_of(word.strip(".,;:!?\"'()")) for word in text.split())

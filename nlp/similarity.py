"""Similar stories: TF-IDF cosine over a set of texts, kept sparse.

Build an index over (id, text) pairs, then ask for the texts closest to one of them (by id)
or to a new text. Building is one pass over the texts (about 1 s for 5,000 stories of 300
words on one core); a query is one sparse dot product. It holds the whole matrix in memory,
so at 100,000 stories it is built over a capped, filtered set (the service caps it), not
over the whole bank.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.terms import words_and_pairs


@dataclass(frozen=True)
class SimilarText:
    """One text of the index and how close it is to the query (cosine, 0-1)."""

    id: int
    score: float


class SimilarityIndex:
    """TF-IDF vectors of a set of texts, for finding the ones closest to a query."""

    def __init__(self, ids: Sequence[int], vectorizer: TfidfVectorizer | None, matrix: csr_matrix):
        self.ids = list(ids)
        self.rows = {text_id: row for row, text_id in enumerate(self.ids)}
        self.vectorizer = vectorizer
        self.matrix = matrix

    @classmethod
    def build(cls, texts: Sequence[tuple[int, str]]) -> SimilarityIndex:
        """An index over (id, text) pairs (ids unique); empty texts never match anything."""
        ids = [text_id for text_id, _text in texts]
        if len(set(ids)) != len(ids):
            raise ValueError("The ids of an index must be unique.")
        vectorizer = TfidfVectorizer(analyzer=words_and_pairs, sublinear_tf=True, dtype=np.float64)
        try:
            matrix = vectorizer.fit_transform([text for _id, text in texts])
        except ValueError:  # no words at all (or no texts)
            return cls(ids, None, csr_matrix((len(ids), 0)))
        return cls(ids, vectorizer, csr_matrix(matrix))

    def __len__(self) -> int:
        return len(self.ids)

    def most_similar(
        self,
        query: int | str,
        k: int = 5,
        *,
        min_score: float = 0.0,
        exclude: Collection[int] = (),
    ) -> list[SimilarText]:
        """The k texts closest to a text of the index (by id; never itself) or to a new
        text, best first (ties by id), each scoring above `min_score`."""
        vector = self._vector(query)
        if vector is None or k <= 0:
            return []
        scores = (self.matrix @ vector.T).toarray().ravel()
        skip = set(exclude) | ({query} if isinstance(query, int) else set())
        order = sorted(range(len(self.ids)), key=lambda row: (-scores[row], self.ids[row]))
        found = [
            SimilarText(self.ids[row], round(float(scores[row]), 4))
            for row in order
            if scores[row] > min_score and self.ids[row] not in skip
        ]
        return found[:k]

    def _vector(self, query: int | str) -> csr_matrix | None:
        if self.vectorizer is None:
            return None
        if isinstance(query, int):
            row = self.rows.get(query)
            if row is None:
                raise KeyError(f"No text with id {query} in the index.")
            return self.matrix[row]
        return csr_matrix(self.vectorizer.transform([query]))

"""Word and word-pair TF-IDF over lemmas, by dictionary look-up (fast, and saved as plain JSON)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from scipy import sparse


def terms_of(lemmas: Sequence[str]) -> Iterator[str]:
    """The words of a sentence, then its neighbouring word pairs."""
    yield from lemmas
    for first, second in pairwise(lemmas):
        yield f"{first} {second}"


@dataclass
class Terms:
    """A term vocabulary with inverse document frequencies."""

    vocabulary: Mapping[str, int]
    idf: np.ndarray

    @classmethod
    def fit(
        cls,
        documents: Sequence[Sequence[Sequence[str]]],
        *,
        min_df: int = 2,
        max_terms: int = 20000,
    ) -> Terms:
        """Fit on documents given as sentences of lemmas (min_df relaxed for tiny sets)."""
        frequency: Counter[str] = Counter()
        for sentences in documents:
            frequency.update({term for lemmas in sentences for term in terms_of(lemmas)})
        least = min_df if len(documents) >= 10 else 1
        kept = sorted(
            (t for t, n in frequency.items() if n >= least), key=lambda t: (-frequency[t], t)
        )
        kept = sorted(kept[:max_terms])
        vocabulary = {term: index for index, term in enumerate(kept)}
        df = np.array([frequency[t] for t in kept], dtype=np.float64)
        idf = np.log((1 + len(documents)) / (1 + df)) + 1.0
        return cls(vocabulary, idf)

    @property
    def size(self) -> int:
        """How many terms."""
        return len(self.vocabulary)

    def counts(self, sentences: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """Raw term counts, one row per sentence."""
        vocabulary = self.vocabulary
        indptr, indices = [0], list[int]()
        for lemmas in sentences:
            indices.extend(i for i in map(vocabulary.get, terms_of(lemmas)) if i is not None)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float64)
        matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(sentences), self.size))
        matrix.sum_duplicates()
        return matrix

    def weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """Sublinear TF times IDF, each row scaled to unit length (on the arrays, no copies)."""
        data = (1.0 + np.log(counts.data.astype(np.float64))) * self.idf[counts.indices]
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=counts.shape[0]))
        norms[norms == 0] = 1.0
        data *= (1.0 / norms)[rows]
        return sparse.csr_matrix(
            (data, counts.indices.copy(), counts.indptr.copy()), shape=counts.shape
        )

"""Emergent themes: topics discovered in a set of stories (NMF over TF-IDF of their words).

Text in, plain dataclasses out. The same texts and seed always give the same topics, so an
admin who proposes a theme from a topic can find it again. Each topic comes with its top
terms (single words and two-word phrases), its share of the stories' topic weight, how many
stories it leads in, and the stories that show it most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.terms import words_and_pairs

TOP_TERMS = 8
EXAMPLES = 5
PHRASE_BOOST = 1.5
# Fewer stories than this have no topics worth the name.
MIN_STORIES = 4


@dataclass(frozen=True)
class TopicTerm:
    """A term of a topic and its weight in it (the topic's largest term weighs 1)."""

    term: str
    weight: float


@dataclass(frozen=True)
class Topic:
    """One discovered topic."""

    number: int  # 1 = the largest share
    terms: tuple[TopicTerm, ...]
    share: float  # of all the stories' topic weight, 0-1
    story_count: int  # stories in which this is the strongest topic
    example_ids: tuple[int, ...]  # the stories that show it most, strongest first

    @property
    def words(self) -> tuple[str, ...]:
        """The top terms as plain strings."""
        return tuple(term.term for term in self.terms)


def discover_topics(
    texts: Sequence[tuple[int, str]], *, n_topics: int = 8, seed: int = 0
) -> list[Topic]:
    """Topics of (story id, text) pairs, largest first; [] when there is too little text."""
    if len(texts) < MIN_STORIES or n_topics < 1:
        return []
    vectorizer = TfidfVectorizer(
        analyzer=words_and_pairs, sublinear_tf=True, min_df=2, max_df=0.8, max_features=5000
    )
    try:
        matrix = vectorizer.fit_transform([text for _id, text in texts])
    except ValueError:  # no term is shared by two stories (or every term is everywhere)
        return []
    n_topics = min(n_topics, matrix.shape[0] - 1, matrix.shape[1])
    if n_topics < 1:
        return []
    model = NMF(n_components=n_topics, init="nndsvda", random_state=seed, max_iter=500)
    weights = model.fit_transform(matrix)
    vocabulary = vectorizer.get_feature_names_out()
    return _topics(model.components_, weights, vocabulary, [i for i, _text in texts])


def _topics(
    components: np.ndarray, weights: np.ndarray, vocabulary: np.ndarray, ids: list[int]
) -> list[Topic]:
    """Topic dataclasses from the NMF factors, ordered by share (ties by position)."""
    total = float(weights.sum()) or 1.0
    strongest = weights.argmax(axis=1)
    found = []
    for index, component in enumerate(components):
        column = weights[:, index]
        examples = [row for row in np.argsort(-column, kind="stable") if column[row] > 0]
        found.append(
            (
                -round(float(column.sum()) / total, 6),
                index,
                _top_terms(component, vocabulary),
                int((strongest == index).sum()),
                tuple(ids[row] for row in examples[:EXAMPLES]),
            )
        )
    found.sort(key=lambda item: (item[0], item[1]))
    return [
        Topic(number, terms, -share, count, examples)
        for number, (share, _index, terms, count, examples) in enumerate(found, start=1)
        if terms
    ]


def _top_terms(component: np.ndarray, vocabulary: np.ndarray) -> tuple[TopicTerm, ...]:
    """The heaviest terms, a two-word phrase counting half again (it says more than its
    words alone), skipping a term whose words the chosen terms already cover."""
    phrase = np.char.find(vocabulary.astype(str), " ") >= 0
    ranked = component * np.where(phrase, PHRASE_BOOST, 1.0)
    top = float(ranked.max()) or 1.0
    chosen: list[TopicTerm] = []
    covered: set[str] = set()
    for column in np.argsort(-ranked, kind="stable"):
        if ranked[column] <= 0 or len(chosen) == TOP_TERMS:
            break
        term = str(vocabulary[column])
        words = set(term.split())
        if words <= covered:
            continue
        chosen.append(TopicTerm(term, round(float(ranked[column]) / top, 4)))
        covered |= words
    return tuple(chosen)

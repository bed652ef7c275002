"""Similar texts: TF-IDF cosine, nearest first, never the text itself."""

from __future__ import annotations

import pytest

from nlp.similarity import SimilarityIndex
from tests.nlp.stories_for_topics import DEBT, LUNCH, TELECARE, numbered


def test_a_story_s_nearest_neighbours_are_from_its_own_group():
    index = SimilarityIndex.build(numbered(LUNCH, TELECARE, DEBT))

    found = index.most_similar(1, k=3)

    assert [hit.id for hit in found if hit.score > 0.1] and 1 not in [hit.id for hit in found]
    assert {hit.id for hit in found} <= {2, 3, 4}
    assert [hit.score for hit in found] == sorted((hit.score for hit in found), reverse=True)


def test_a_new_text_finds_its_near_copy_with_a_high_score():
    index = SimilarityIndex.build(numbered(LUNCH, TELECARE, DEBT))
    copy = "A falls sensor and a pendant alarm meant Iris could stay safely at home at night."

    best = index.most_similar(copy, k=2)

    assert best[0].id == 5 and best[0].score > 0.8
    assert best[1].score < 0.5


def test_min_score_and_exclude_leave_texts_out():
    index = SimilarityIndex.build(numbered(LUNCH, TELECARE, DEBT))

    assert index.most_similar(1, k=10, min_score=0.99) == []
    assert 2 not in [hit.id for hit in index.most_similar(1, k=10, exclude={2})]


def test_unrelated_or_empty_texts_match_nothing():
    index = SimilarityIndex.build([(1, "Apples and pears."), (2, ""), (3, "Bicycles.")])
    assert index.most_similar(1, k=5) == []
    assert SimilarityIndex.build([]).most_similar("anything at all", k=5) == []


def test_an_id_not_in_the_index_or_a_repeated_id_is_refused():
    with pytest.raises(ValueError):
        SimilarityIndex.build([(1, "a walk"), (1, "a talk")])
    with pytest.raises(KeyError):
        SimilarityIndex.build(numbered(LUNCH)).most_similar(99)

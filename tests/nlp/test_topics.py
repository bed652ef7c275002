"""Topic discovery: clear groups of stories come out as topics, the same way every time."""

from __future__ import annotations

from nlp.terms import story_words
from nlp.topics import discover_topics
from tests.nlp.stories_for_topics import DEBT, LUNCH, TELECARE, numbered


def _topic_with(topics, word):
    return next(topic for topic in topics if any(word in term for term in topic.words))


def test_three_groups_of_stories_come_out_as_three_topics_with_their_words():
    texts = numbered(LUNCH, TELECARE, DEBT)
    topics = discover_topics(texts, n_topics=3, seed=0)

    assert len(topics) == 3
    lunch, alarm, debt = (_topic_with(topics, w) for w in ("lunch", "sensor", "arrear"))
    assert {lunch.number, alarm.number, debt.number} == {1, 2, 3}
    assert set(lunch.example_ids) <= {1, 2, 3, 4}
    assert set(alarm.example_ids) <= {5, 6, 7, 8}
    assert set(debt.example_ids) <= {9, 10, 11, 12}
    assert "lunch club" in lunch.words
    assert sum(topic.story_count for topic in topics) == 12
    assert abs(sum(topic.share for topic in topics) - 1.0) < 1e-6
    assert [topic.share for topic in topics] == sorted((t.share for t in topics), reverse=True)


def test_the_same_texts_and_seed_give_the_same_topics():
    texts = numbered(LUNCH, TELECARE, DEBT)
    assert discover_topics(texts, n_topics=4, seed=7) == discover_topics(texts, n_topics=4, seed=7)


def test_a_term_already_covered_by_a_phrase_is_not_repeated():
    topics = discover_topics(numbered(LUNCH, TELECARE, DEBT), n_topics=3, seed=0)
    for topic in topics:
        covered: set[str] = set()
        for term in topic.words:
            assert not set(term.split()) <= covered, (term, topic.words)
            covered |= set(term.split())
        assert topic.terms[0].weight == 1.0


def test_too_few_stories_or_no_shared_words_give_no_topics():
    assert discover_topics(numbered(LUNCH[:3]), n_topics=3, seed=0) == []
    unrelated = numbered(["Apples.", "Bicycles.", "Chimneys.", "Dolphins.", "Elbows."])
    assert discover_topics(unrelated, n_topics=3, seed=0) == []


def test_more_topics_than_the_stories_allow_are_capped():
    topics = discover_topics(numbered(LUNCH, TELECARE), n_topics=50, seed=0)
    assert 1 <= len(topics) <= 7


def test_story_words_drop_placeholders_stop_words_and_fold_plurals():
    words = story_words("[Person A] didn't skip the walking groups; [Person A]'s friends came.")
    assert words == ["skip", "walking", "group", "friend"]

"""The pipeline from config.cfg: sentences, lower-case lookup lemmas, the cue matcher."""

from __future__ import annotations

from nlp.pipeline import load_pipeline


def test_the_blank_pipeline_has_the_storybank_components_in_order() -> None:
    assert load_pipeline().pipe_names == [
        "storybank_sentences",
        "storybank_lemmatizer",
        "storybank_cue_matcher",
    ]


def test_sentences_end_at_end_marks_and_line_breaks_keeping_closing_quotes() -> None:
    doc = load_pipeline()('She said "It helps." Then she left!\n\nA new field. It cost 3.5 pounds')
    assert [s.text.strip() for s in doc.sents] == [
        'She said "It helps."',
        "Then she left!",
        "A new field.",
        "It cost 3.5 pounds",
    ]


def test_lemmas_are_lower_case_whatever_the_capitals() -> None:
    doc = load_pipeline()("Walked WALKED walking Friends MADE")
    assert [t.lemma_ for t in doc] == ["walk", "walk", "walk", "friend", "make"]


def test_a_possessive_stays_a_possessive() -> None:
    doc = load_pipeline()("Ken's carer")
    assert [t.lemma_ for t in doc] == ["ken", "'s", "carer"]

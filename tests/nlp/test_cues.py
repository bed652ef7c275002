"""The cue matcher: lemma patterns, and negation, hedging and change in scope."""

from __future__ import annotations

import pytest
from spacy.matcher import Matcher

from nlp.cues.lexicon import compile_pattern, shipped_lexicon
from nlp.cues.patterns import LemmaPatterns
from nlp.lemmas import lemma_of
from nlp.pipeline import load_pipeline


def statuses(text: str, code: str) -> list[str]:
    """The statuses of one code's cue hits in a text."""
    doc = load_pipeline()(text)
    return [hit.status for hit in doc._.storybank_cues if hit.code == code]


def is_evidence(text: str, code: str) -> bool:
    """Whether a text carries evidence for a code."""
    return "evidence" in statuses(text, code)


@pytest.mark.parametrize(
    "text",
    [
        "She is no longer isolated.",
        "Since June he has been no longer lonely.",
        "She felt lonely before, but not any more.",
        "She is much less isolated now.",
    ],
)
def test_a_change_away_from_isolation_is_evidence_of_reduced_isolation(text: str) -> None:
    assert is_evidence(text, "reduced_isolation")


@pytest.mark.parametrize(
    "text",
    [
        "She was not lonely.",
        "She did not need a care home.",
        "He was lonely and isolated.",
        "He never made friends at the group.",
        "We hope she might make new friends.",
    ],
)
def test_states_negations_and_hopes_are_not_evidence_of_reduced_isolation(text: str) -> None:
    assert not is_evidence(text, "reduced_isolation")


def test_not_lonely_is_read_as_negated_and_plain_lonely_as_context() -> None:
    assert statuses("She was not lonely.", "reduced_isolation") == ["negated"]
    assert statuses("She was lonely.", "reduced_isolation") == ["context"]


@pytest.mark.parametrize(
    "text",
    [
        "She did not need a care home.",
        "He didn't have to go into residential care.",
        "Before this she would have gone into a nursing home.",
        "A hospital admission was avoided.",
    ],
)
def test_an_avoided_or_counterfactual_placement_is_evidence_of_avoided_care(text: str) -> None:
    assert is_evidence(text, "avoided_residential_care")


def test_a_placement_that_happened_is_not_evidence_of_avoided_care() -> None:
    assert not is_evidence("In March she moved into a care home.", "avoided_residential_care")


@pytest.mark.parametrize(
    "text",
    [
        "Mr Osei Walked into the Library hub.",
        "She popped into the café drop-in on Friday.",
        "They met her at the Talking Point in the surgery.",
    ],
)
def test_lemma_patterns_match_any_form_and_capitalisation(text: str) -> None:
    assert is_evidence(text, "community_hub")


def test_hits_point_at_the_words_that_matched() -> None:
    text = "On Monday she joined the walking group."
    doc = load_pipeline()(text)
    found = {
        text[h.start : h.end] for h in doc._.storybank_cues if h.code == "community_connections"
    }
    assert "walking group" in found


def test_lemma_index_finds_what_spacy_matcher_finds() -> None:
    nlp = load_pipeline()
    texts = [
        "The good neighbours scheme sent a volunteer, and the good neighbours came round.",
        "She walked into the library hub and did not need a care home; she is no longer lonely.",
    ]
    spacy_matcher, ours = Matcher(nlp.vocab), LemmaPatterns()
    for code, cues in shipped_lexicon().codes.items():
        for kind in ("gain", "problem"):
            patterns = [t for p in getattr(cues, kind) for t in compile_pattern(p, lemma_of)]
            if patterns:
                spacy_matcher.add(f"{code}|{kind}", patterns, greedy="LONGEST")
                ours.add(f"{code}|{kind}", patterns)
    for doc in nlp.pipe(texts):
        expected = {(nlp.vocab.strings[i], s, e) for i, s, e in spacy_matcher(doc)}
        assert set(ours.matches([t.lemma_ for t in doc])) == expected


def test_staff_confidence_is_not_the_persons_confidence() -> None:
    assert not is_evidence("Workers told us they feel more confident.", "confidence")
    assert is_evidence("She feels more confident going out.", "confidence")


def test_going_to_a_group_now_is_not_a_hedge() -> None:
    assert is_evidence("Liam now goes to a drama group on Tuesdays.", "community_connections")
    assert not is_evidence("She was going to join a group.", "community_connections")


def test_an_expected_placement_that_did_not_happen_is_evidence_of_avoided_care() -> None:
    assert is_evidence("The ward expected him to go into a care home.", "avoided_residential_care")
    assert is_evidence("He has not been admitted once this winter.", "avoided_residential_care")


def test_support_that_stopped_is_evidence_of_cost_reduction() -> None:
    assert is_evidence("The shopping and cleaning visits stopped in October.", "cost_reduction")
    assert not is_evidence("The carers visit twice a day.", "cost_reduction")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Nobody is talking about a care home now.", "remaining_at_home"),
        ("No one is talking about a care home any more.", "avoided_residential_care"),
        ("Instead of a move to a care home, she stayed in her flat.", "avoided_residential_care"),
        ("A nursing placement would have cost nine hundred pounds a week.", "outcome_6"),
        ("After two months he opened up about his debts.", "trusted_relationship"),
        ("She is less lonely since she joined the choir.", "reduced_isolation"),
        ("The GP, the housing officer and the navigator visited together.", "joined_up_working"),
        ("We got it wrong, and we now ring the carer first.", "learning_from_failure"),
        ("She learned to make video calls to her son.", "confidence"),
    ],
)
def test_lexicon_patterns_that_span_several_words_find_their_code(text: str, code: str) -> None:
    assert is_evidence(text, code)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Staff felt more confident about positive risk.", "outcome_3"),
        ("For the first time in years I felt trusted by my manager.", "trusted_relationship"),
        ("The housing company fitted the rail.", "reduced_isolation"),
        ("The team made the decision at the forum.", "choice_and_control"),
    ],
)
def test_words_used_of_someone_else_or_in_another_sense_are_not_evidence(
    text: str, code: str
) -> None:
    assert not is_evidence(text, code)

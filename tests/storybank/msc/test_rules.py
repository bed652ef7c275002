"""The pure rules of MSC rounds: which moves are refused outright, what a ballot may say,
what counts as reasons in full sentences, and counting stored ballots."""

from __future__ import annotations

import pytest

from storybank.errors import InvalidInput
from storybank.msc.ballots import BallotChoice, ballot_content
from storybank.msc.counting import count_votes
from storybank.msc.decisions import full_sentences
from storybank.msc.states import refusal


def test_only_the_next_state_may_be_tried():
    assert refusal("draft", "reading") is None
    assert refusal("deciding", "closed") is None
    assert (
        refusal("draft", "voting")
        == "A round moves to voting only from reading; this one is draft."
    )
    assert "stays closed" in (refusal("closed", "closed") or "")
    assert "open another pass" in (refusal("deciding", "voting") or "")
    assert "only moves forward" in (refusal("voting", "reading") or "")


def test_a_ballot_holds_exactly_what_the_method_asks():
    assert ballot_content("score", BallotChoice(scores={3: 2, 4: 5}), [3, 4]) == {
        "scores": {"3": 2, "4": 5}
    }
    assert ballot_content("approval", BallotChoice(approved=[4, 3]), [3, 4]) == {"approved": [3, 4]}
    for kind, given in [
        ("single", BallotChoice(choice=9)),
        ("single", BallotChoice(choice=3, ranking=[3, 4])),
        ("approval", BallotChoice(approved=[])),
        ("score", BallotChoice(scores={3: 6, 4: 1})),
        ("ranking", BallotChoice(ranking=[3, 3])),
    ]:
        with pytest.raises(InvalidInput):
            ballot_content(kind, given, [3, 4])


def test_reasons_are_sentences_not_slogans():
    assert not full_sentences("More sustainable.")
    assert not full_sentences("the change lasted and the person said why it mattered so much")
    assert full_sentences("The change lasted for months and the person said why it mattered.")


def test_counting_reports_ties_and_weighs_paper_ballots():
    plurality = count_votes("single", [1, 2, 3], [({"choice": 1}, 2), ({"choice": 2}, 2)])
    assert plurality.top == [1, 2] and plurality.ballots == 4 and plurality.points[3] == 0
    scores = count_votes(
        "score", [1, 2], [({"scores": {"1": 4, "2": 1}}, 1), ({"scores": {"1": 2, "2": 5}}, 1)]
    )
    assert scores.points == {1: 3.0, 2: 3.0} and scores.top == [1, 2]
    borda = count_votes("ranking", [1, 2, 3], [({"ranking": [3, 1, 2]}, 1)])
    assert list(borda.points) == [3, 1, 2] and borda.top == [3]
    assert count_votes("approval", [1, 2], []).top == []


def test_counting_leaves_out_what_no_longer_fits_and_waits_for_ballots():
    none_yet = count_votes("score", [1, 2], [])
    assert none_yet.top == [] and none_yet.points == {1: None, 2: None}
    assert [m.method for m in none_yet.methods] == ["score_mean", "score_median"]
    # Story 3 was withdrawn after these ballots: the choice of it and the ranking missing
    # story 2 are left out; the approval still counts for story 1.
    counted = count_votes("approval", [1, 2], [({"approved": [1, 3]}, 1), ({"approved": [3]}, 1)])
    assert counted.ballots == 1 and counted.top == [1]
    ranked = count_votes("ranking", [1, 2], [({"ranking": [1, 3]}, 1), ({"ranking": [2, 1]}, 2)])
    assert ranked.ballots == 2 and ranked.top == [2] and ranked.matrix == {1: {2: 0}, 2: {1: 2}}

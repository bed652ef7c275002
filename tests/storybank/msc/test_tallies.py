"""The tallies reproduce published worked examples exactly, show every tie, and refuse bad
ballots naming each one.

Worked examples:
- The 45-voter example of the Schulze method (Markus Schulze's example 1, as in the
  Wikipedia and Electowiki articles "Schulze method"): the matrices d[*,*] and p[*,*] and
  the winner E.
- The Tennessee capital example ("Effects of different voting systems under similar
  circumstances", used in the Wikipedia articles "Borda count" and "Condorcet method"):
  plurality elects Memphis, Borda (3-2-1-0 points) and the Condorcet methods Nashville.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from storybank.errors import InvalidInput
from storybank.msc.tallies import (
    METHODS,
    ApprovalBallot,
    ChoiceBallot,
    RankingBallot,
    ScoreBallot,
    TallyResult,
    pairwise_matrix,
    strongest_paths,
    tally,
    tally_approval,
    tally_borda,
    tally_copeland,
    tally_pairwise,
    tally_plurality,
    tally_schulze,
    tally_score_mean,
    tally_score_median,
)

# The Schulze method, example 1: 45 voters, 5 candidates.
SCHULZE_CANDIDATES = ["A", "B", "C", "D", "E"]
SCHULZE_BALLOTS = [
    RankingBallot(tuple(order), count)
    for count, order in [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
]
# d[X,Y] as published: the number of voters who prefer X to Y.
SCHULZE_D = {
    "A": {"B": 20, "C": 26, "D": 30, "E": 22},
    "B": {"A": 25, "C": 16, "D": 33, "E": 18},
    "C": {"A": 19, "B": 29, "D": 17, "E": 24},
    "D": {"A": 15, "B": 12, "C": 28, "E": 14},
    "E": {"A": 23, "B": 27, "C": 21, "D": 31},
}
# p[X,Y] as published: the strength of the strongest path from X to Y.
SCHULZE_P = {
    "A": {"B": 28, "C": 28, "D": 30, "E": 24},
    "B": {"A": 25, "C": 28, "D": 33, "E": 24},
    "C": {"A": 25, "B": 29, "D": 29, "E": 24},
    "D": {"A": 25, "B": 28, "C": 28, "E": 24},
    "E": {"A": 25, "B": 28, "C": 28, "D": 31},
}

# The Tennessee capital: 100 voters, each group ranking by distance from its city.
TENNESSEE = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]
TENNESSEE_BALLOTS = [
    RankingBallot(("Memphis", "Nashville", "Chattanooga", "Knoxville"), 42),
    RankingBallot(("Nashville", "Chattanooga", "Knoxville", "Memphis"), 26),
    RankingBallot(("Chattanooga", "Knoxville", "Nashville", "Memphis"), 15),
    RankingBallot(("Knoxville", "Chattanooga", "Nashville", "Memphis"), 17),
]
# The published head-to-head results (voters, i.e. per cent, preferring the row to the column).
TENNESSEE_MATRIX = {
    "Memphis": {"Nashville": 42, "Chattanooga": 42, "Knoxville": 42},
    "Nashville": {"Memphis": 58, "Chattanooga": 68, "Knoxville": 68},
    "Chattanooga": {"Memphis": 58, "Nashville": 32, "Knoxville": 83},
    "Knoxville": {"Memphis": 58, "Nashville": 32, "Chattanooga": 17},
}


def _exact(**scores: int | Fraction | None) -> dict[str, Fraction | None]:
    return {name: None if v is None else Fraction(v) for name, v in scores.items()}


def _problems(excinfo: pytest.ExceptionInfo[InvalidInput]) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in excinfo.value.problems]


# The Schulze method's 45-voter example.


def test_schulze_example_matrix_is_the_published_d():
    assert pairwise_matrix(SCHULZE_CANDIDATES, SCHULZE_BALLOTS) == SCHULZE_D


def test_schulze_example_strongest_paths_are_the_published_p():
    assert strongest_paths(SCHULZE_D) == SCHULZE_P


def test_schulze_example_elects_e_alone():
    result = tally_schulze(SCHULZE_CANDIDATES, SCHULZE_BALLOTS)
    assert result == TallyResult(
        "schulze",
        ("E",),
        # How many others each beats by strongest path: the ranking E > A > C > B > D.
        _exact(A=3, B=1, C=2, D=0, E=4),
        matrix=SCHULZE_D,
        strongest_paths=SCHULZE_P,
    )
    assert not result.tie


def test_schulze_example_has_no_condorcet_winner():
    result = tally_pairwise(SCHULZE_CANDIDATES, SCHULZE_BALLOTS)
    assert result.winners == ()
    assert result.scores == _exact(A=2, B=2, C=2, D=1, E=3)
    assert result.matrix == SCHULZE_D


# The Tennessee capital example.


def test_tennessee_plurality_elects_memphis():
    result = tally_plurality(TENNESSEE, TENNESSEE_BALLOTS)
    assert result.winners == ("Memphis",)
    assert result.scores == _exact(Memphis=42, Nashville=26, Chattanooga=15, Knoxville=17)


def test_tennessee_borda_elects_nashville_with_the_published_points():
    result = tally_borda(TENNESSEE, TENNESSEE_BALLOTS)
    assert result.winners == ("Nashville",)
    assert result.scores == _exact(Memphis=126, Nashville=194, Chattanooga=173, Knoxville=107)


def test_tennessee_head_to_head_matrix_and_condorcet_winner_nashville():
    result = tally_pairwise(TENNESSEE, TENNESSEE_BALLOTS)
    assert result.matrix == TENNESSEE_MATRIX
    assert result.winners == ("Nashville",)
    assert result.scores == _exact(Memphis=0, Nashville=3, Chattanooga=2, Knoxville=1)


def test_tennessee_copeland_elects_nashville():
    result = tally_copeland(TENNESSEE, TENNESSEE_BALLOTS)
    assert result.winners == ("Nashville",)
    assert result.scores == _exact(Memphis=0, Nashville=3, Chattanooga=2, Knoxville=1)
    assert result.matrix == TENNESSEE_MATRIX


def test_tennessee_schulze_elects_nashville():
    result = tally_schulze(TENNESSEE, TENNESSEE_BALLOTS)
    assert result.winners == ("Nashville",)
    assert result.scores == _exact(Memphis=0, Nashville=3, Chattanooga=2, Knoxville=1)
    # Every defeat is direct and strongest: the paths are the winning votes.
    assert result.strongest_paths == {
        "Memphis": {"Nashville": 0, "Chattanooga": 0, "Knoxville": 0},
        "Nashville": {"Memphis": 58, "Chattanooga": 68, "Knoxville": 68},
        "Chattanooga": {"Memphis": 58, "Nashville": 0, "Knoxville": 83},
        "Knoxville": {"Memphis": 58, "Nashville": 0, "Chattanooga": 0},
    }


# Ties are shown, never broken.


def test_plurality_tie_lists_both_winners_in_candidate_order():
    ballots = [ChoiceBallot("B", 2), ChoiceBallot("A", 2), ChoiceBallot("C", 1)]
    result = tally_plurality(["A", "B", "C"], ballots)
    assert result.winners == ("A", "B")
    assert result.tie
    assert result.scores == _exact(A=2, B=2, C=1)


def test_plurality_counts_choices_and_a_rankings_first_place():
    ballots = [ChoiceBallot("B", 1), RankingBallot(("A", "B", "C"), 2)]
    result = tally_plurality(["A", "B", "C"], ballots)
    assert (result.winners, result.tie) == (("A",), False)
    assert result.scores == _exact(A=2, B=1, C=0)


def test_copeland_gives_half_a_point_for_a_tied_head_to_head():
    ballots = [RankingBallot(("A", "B", "C")), RankingBallot(("B", "A", "C"))]
    result = tally_copeland(["A", "B", "C"], ballots)
    assert result.scores == _exact(A=Fraction(3, 2), B=Fraction(3, 2), C=0)
    assert result.winners == ("A", "B")
    assert result.tie
    assert result.matrix == {
        "A": {"B": 1, "C": 2},
        "B": {"A": 1, "C": 2},
        "C": {"A": 0, "B": 0},
    }


def test_a_cycle_has_no_unbeaten_candidate_and_ties_every_schulze_winner():
    ballots = [
        RankingBallot(("A", "B", "C")),
        RankingBallot(("B", "C", "A")),
        RankingBallot(("C", "A", "B")),
    ]
    pairwise = tally_pairwise(["A", "B", "C"], ballots)
    assert (pairwise.winners, pairwise.tie) == ((), False)
    schulze = tally_schulze(["A", "B", "C"], ballots)
    assert (schulze.winners, schulze.tie) == (("A", "B", "C"), True)
    assert schulze.strongest_paths == {
        "A": {"B": 2, "C": 2},
        "B": {"A": 2, "C": 2},
        "C": {"A": 2, "B": 2},
    }


def test_pairwise_head_to_head_tie_leaves_both_unbeaten():
    ballots = [RankingBallot(("A", "B", "C")), RankingBallot(("B", "A", "C"))]
    result = tally_pairwise(["A", "B", "C"], ballots)
    assert (result.winners, result.tie) == (("A", "B"), True)
    assert result.scores == _exact(A=1, B=1, C=0)


# Each method's arithmetic.


def test_borda_gives_n_minus_1_points_for_first_down_to_0_for_last():
    ballots = [RankingBallot(("C", "A", "D", "B"), 2), RankingBallot(("A", "B", "C", "D"))]
    result = tally_borda(["A", "B", "C", "D"], ballots)
    # C: 3*2 + 1 = 7; A: 2*2 + 3 = 7; D: 1*2 + 0 = 2; B: 0*2 + 2 = 2.
    assert result.scores == _exact(A=7, B=2, C=7, D=2)
    assert (result.winners, result.tie) == (("A", "C"), True)


def test_approval_counts_each_approved_candidate_and_a_single_choice():
    ballots = [
        ApprovalBallot(("A", "B"), 2),
        ApprovalBallot(("C",), 1),
        ChoiceBallot("C", 2),
        ApprovalBallot((), 4),
    ]
    result = tally_approval(["A", "B", "C"], ballots)
    assert result.scores == _exact(A=2, B=2, C=3)
    assert (result.winners, result.tie) == (("C",), False)


def test_score_mean_is_exact_and_skips_candidates_a_ballot_leaves_out():
    ballots = [
        ScoreBallot({"A": 3, "B": 2}),
        ScoreBallot({"A": 3}),
        ScoreBallot({"A": 4}),
    ]
    result = tally_score_mean(["A", "B", "C"], ballots)
    # A: (3+3+4)/3; B: only the one ballot that scored it, not (2+0+0)/3; C: nobody scored it.
    assert result.scores == {"A": Fraction(10, 3), "B": Fraction(2), "C": None}
    assert result.winners == ("A",)


def test_score_median_of_an_even_count_is_the_mean_of_the_two_middle_scores():
    ballots = [ScoreBallot({"A": 2, "B": 5}), ScoreBallot({"A": 3, "B": 0}, 1)]
    result = tally_score_median(["A", "B"], ballots)
    assert result.scores == {"A": Fraction(5, 2), "B": Fraction(5, 2)}
    assert (result.winners, result.tie) == (("A", "B"), True)


def test_score_median_weighs_each_ballot_by_its_count():
    ballots = [ScoreBallot({"A": 1}, 3), ScoreBallot({"A": 5, "B": 4}), ScoreBallot({"B": 2}, 2)]
    result = tally_score_median(["A", "B"], ballots)
    # A: 1 1 1 5 -> (1+1)/2 = 1; B: 2 2 4 -> 2.
    assert result.scores == {"A": Fraction(1), "B": Fraction(2)}
    assert result.winners == ("B",)


def test_score_median_of_an_odd_count_is_the_middle_score():
    ballots = [ScoreBallot({"A": 0}), ScoreBallot({"A": 4}), ScoreBallot({"A": 5})]
    assert tally_score_median(["A"], ballots).scores == {"A": Fraction(4)}


def test_tally_dispatches_to_each_method():
    functions = {
        "plurality": tally_plurality,
        "borda": tally_borda,
        "pairwise": tally_pairwise,
        "copeland": tally_copeland,
        "schulze": tally_schulze,
    }
    for method, function in functions.items():
        expected = function(TENNESSEE, TENNESSEE_BALLOTS)
        assert tally(method, TENNESSEE, TENNESSEE_BALLOTS) == expected
        assert expected.method == method
    scored = [ScoreBallot({"A": 2, "B": 3}), ScoreBallot({"A": 5})]
    assert tally("score_mean", ["A", "B"], scored) == tally_score_mean(["A", "B"], scored)
    assert tally("score_median", ["A", "B"], scored) == tally_score_median(["A", "B"], scored)
    approved = [ApprovalBallot(("A",))]
    assert tally("approval", ["A", "B"], approved) == tally_approval(["A", "B"], approved)
    assert len(METHODS) == 8


def test_a_single_candidate_wins_every_method():
    assert tally_schulze(["A"], [RankingBallot(("A",))]).winners == ("A",)
    assert tally_pairwise(["A"], [RankingBallot(("A",))]).matrix == {"A": {}}


# Bad input: InvalidInput naming each bad field.


def test_unknown_method_names_the_method():
    with pytest.raises(InvalidInput) as excinfo:
        tally("instant_runoff", ["A"], [ChoiceBallot("A")])
    [(field, message)] = _problems(excinfo)
    assert field == "method"
    assert message.startswith("Choose one of: plurality, approval, score_mean")


def test_no_candidates():
    with pytest.raises(InvalidInput) as excinfo:
        tally_plurality([], [ChoiceBallot("A")])
    assert _problems(excinfo) == [("candidates", "Give at least one candidate.")]


def test_more_than_100_candidates():
    names = [f"Story {n}" for n in range(101)]
    with pytest.raises(InvalidInput) as excinfo:
        tally_plurality(names, [ChoiceBallot("Story 1")])
    assert _problems(excinfo) == [("candidates", "At most 100 candidates can be tallied at once.")]
    assert tally_plurality(names[:100], [ChoiceBallot("Story 1")]).winners == ("Story 1",)


def test_duplicate_and_blank_candidates():
    with pytest.raises(InvalidInput) as excinfo:
        tally_plurality(["A", "B", "A", " "], [ChoiceBallot("A")])
    assert _problems(excinfo) == [
        ("candidates[2]", '"A" is already candidates[0].'),
        ("candidates[3]", "A candidate needs a name."),
    ]
    assert excinfo.value.status == 422


def test_no_ballots():
    with pytest.raises(InvalidInput) as excinfo:
        tally_borda(["A", "B"], [])
    assert _problems(excinfo) == [("ballots", "Give at least one ballot.")]


def test_more_than_10000_ballot_lines():
    with pytest.raises(InvalidInput) as excinfo:
        tally_plurality(["A"], [ChoiceBallot("A")] * 10_001)
    [(field, message)] = _problems(excinfo)
    assert field == "ballots"
    assert message.startswith("At most 10,000 ballot lines")
    assert tally_plurality(["A"], [ChoiceBallot("A")] * 10_000).scores == {"A": 10_000}


@pytest.mark.parametrize("count", [0, -1, 10_001])
def test_count_outside_1_to_10000(count):
    with pytest.raises(InvalidInput) as excinfo:
        tally_plurality(["A", "B"], [ChoiceBallot("A"), ChoiceBallot("B", count)])
    assert _problems(excinfo) == [
        ("ballots[1]", "`count` must be a whole number from 1 to 10,000.")
    ]


def test_a_count_of_10000_is_allowed():
    assert tally_plurality(["A"], [ChoiceBallot("A", 10_000)]).scores == {"A": 10_000}


def test_unknown_candidate_on_a_choice_and_an_approval():
    ballots = [ChoiceBallot("A"), ChoiceBallot("Z"), ApprovalBallot(("A", "Y"))]
    with pytest.raises(InvalidInput) as excinfo:
        tally_approval(["A", "B"], ballots)
    assert _problems(excinfo) == [
        ("ballots[1]", 'Not a candidate: "Z".'),
        ("ballots[2]", 'Not a candidate: "Y".'),
    ]
    assert "ballots[1], ballots[2]" in excinfo.value.message


def test_an_approval_listing_a_candidate_twice():
    with pytest.raises(InvalidInput) as excinfo:
        tally_approval(["A", "B"], [ApprovalBallot(("A", "A"))])
    assert _problems(excinfo) == [("ballots[0]", 'Listed more than once: "A".')]


@pytest.mark.parametrize(
    ("ranking", "fault"),
    [
        (("A", "B"), 'Missing: "C".'),
        (("A", "B", "B"), 'Listed more than once: "B". Missing: "C".'),
        (("A", "B", "C", "D"), 'Not a candidate: "D".'),
        ((), 'Missing: "A", "B", "C".'),
    ],
)
def test_a_ranking_must_rank_every_candidate_exactly_once(ranking, fault):
    ballots = [RankingBallot(("A", "B", "C")), RankingBallot(ranking, 2)]
    with pytest.raises(InvalidInput) as excinfo:
        tally_schulze(["A", "B", "C"], ballots)
    assert _problems(excinfo) == [
        ("ballots[1]", f"A ranking must rank every candidate exactly once. {fault}")
    ]


@pytest.mark.parametrize("score", [-1, 6])
def test_score_outside_0_to_5(score):
    with pytest.raises(InvalidInput) as excinfo:
        tally_score_mean(["A", "B"], [ScoreBallot({"A": 5, "B": 0}), ScoreBallot({"B": score})])
    assert _problems(excinfo) == [
        ("ballots[1]", 'Scores are whole numbers from 0 to 5, not those for "B".')
    ]


def test_score_for_an_unknown_candidate_and_an_empty_score_ballot():
    ballots = [ScoreBallot({"Z": 3}), ScoreBallot({})]
    with pytest.raises(InvalidInput) as excinfo:
        tally_score_median(["A"], ballots)
    assert _problems(excinfo) == [
        ("ballots[0]", 'Not a candidate: "Z".'),
        ("ballots[1]", "A score ballot needs at least one score."),
    ]


@pytest.mark.parametrize(
    ("method", "ballot", "message"),
    [
        ("plurality", ApprovalBallot(("A",)), "`choice` or `ranking`"),
        ("plurality", ScoreBallot({"A": 1}), "`choice` or `ranking`"),
        ("approval", RankingBallot(("A", "B")), "`approved` or `choice`"),
        ("score_mean", ChoiceBallot("A"), "`scores`"),
        ("score_median", RankingBallot(("A", "B")), "`scores`"),
        ("borda", ChoiceBallot("A"), "`ranking`"),
        ("pairwise", ApprovalBallot(("A",)), "`ranking`"),
        ("copeland", ScoreBallot({"A": 1}), "`ranking`"),
        ("schulze", ChoiceBallot("A"), "`ranking`"),
    ],
)
def test_a_ballot_kind_the_method_cannot_use_names_the_ballot(method, ballot, message):
    with pytest.raises(InvalidInput) as excinfo:
        tally(method, ["A", "B"], [ballot])
    given = {
        ChoiceBallot: "choice",
        ApprovalBallot: "approved",
        ScoreBallot: "scores",
        RankingBallot: "ranking",
    }[type(ballot)]
    assert _problems(excinfo) == [
        ("ballots[0]", f"A {method} tally reads {message} ballots; this one gives `{given}`.")
    ]


def test_many_bad_ballots_list_the_first_twenty_and_say_how_many():
    with pytest.raises(InvalidInput) as excinfo:
        tally_plurality(["A"], [ChoiceBallot("Z")] * 25)
    assert len(excinfo.value.problems) == 20
    assert excinfo.value.problems[-1].field == "ballots[19]"
    assert "(25 problems, the first 20 listed)" in excinfo.value.message

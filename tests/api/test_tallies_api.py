"""POST /api/v1/tallies: any set of ballots tallied, in the shape the MSC issue gives, with
every winner of a tie and a 422 naming each bad ballot."""

from __future__ import annotations

import pytest

from tests.storybank.msc.test_tallies import SCHULZE_D, SCHULZE_P

URL = "/api/v1/tallies"
BASIC = {"method", "winners", "tie", "scores"}
RANKINGS = [{"count": 5, "ranking": ["A", "C", "B"]}, {"count": 3, "ranking": ["B", "A", "C"]}]


def _tally(client, headers, method, ballots, candidates=("A", "B", "C")):
    body = {"method": method, "candidates": list(candidates), "ballots": ballots}
    return client.post(URL, json=body, headers=headers)


def _problems(response):
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    return [(p["field"], p["message"]) for p in error["problems"]]


def test_plurality_reads_rankings_and_choices(client, headers):
    ballots = [*RANKINGS, {"count": 1, "choice": "C"}]
    response = _tally(client, headers, "plurality", ballots)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "method": "plurality",
        "winners": ["A"],
        "tie": False,
        "scores": {"A": 5, "B": 3, "C": 1},
    }


def test_approval_reads_approved_lists_and_choices(client, headers):
    ballots = [{"count": 2, "approved": ["A", "B"]}, {"count": 1, "choice": "A"}]
    assert _tally(client, headers, "approval", ballots).json() == {
        "method": "approval",
        "winners": ["A"],
        "tie": False,
        "scores": {"A": 3, "B": 2, "C": 0},
    }


def test_score_mean_gives_floats_where_not_whole_and_null_where_nobody_scored(client, headers):
    ballots = [{"count": 1, "scores": {"A": 3, "B": 5}}, {"count": 2, "scores": {"A": 4}}]
    assert _tally(client, headers, "score_mean", ballots).json() == {
        "method": "score_mean",
        "winners": ["B"],
        "tie": False,
        "scores": {"A": 11 / 3, "B": 5, "C": None},
    }


def test_score_median_of_an_even_count(client, headers):
    ballots = [{"count": 1, "scores": {"A": 2, "B": 5}}, {"count": 1, "scores": {"A": 3}}]
    body = _tally(client, headers, "score_median", ballots, ["A", "B"]).json()
    assert body == {
        "method": "score_median",
        "winners": ["B"],
        "tie": False,
        "scores": {"A": 2.5, "B": 5},
    }


def test_borda(client, headers):
    assert _tally(client, headers, "borda", RANKINGS).json() == {
        "method": "borda",
        "winners": ["A"],
        "tie": False,
        "scores": {"A": 13, "B": 6, "C": 5},
    }


def test_pairwise_adds_the_matrix(client, headers):
    assert _tally(client, headers, "pairwise", RANKINGS).json() == {
        "method": "pairwise",
        "winners": ["A"],
        "tie": False,
        "scores": {"A": 2, "B": 0, "C": 1},
        "matrix": {"A": {"B": 5, "C": 8}, "B": {"A": 3, "C": 3}, "C": {"A": 0, "B": 5}},
    }


def test_copeland_tie_gives_half_points_and_every_winner(client, headers):
    ballots = [{"count": 1, "ranking": ["A", "B", "C"]}, {"count": 1, "ranking": ["B", "A", "C"]}]
    assert _tally(client, headers, "copeland", ballots).json() == {
        "method": "copeland",
        "winners": ["A", "B"],
        "tie": True,
        "scores": {"A": 1.5, "B": 1.5, "C": 0},
        "matrix": {"A": {"B": 1, "C": 2}, "B": {"A": 1, "C": 2}, "C": {"A": 0, "B": 0}},
    }


def test_schulze_45_voter_example_through_http(client, headers):
    groups = ["ACBED", "ADECB", "BEDAC", "CABED", "CAEBD", "CBADE", "DCEBA", "EBADC"]
    counts = [5, 5, 8, 3, 7, 2, 7, 8]
    ballots = [
        {"count": n, "ranking": list(order)} for n, order in zip(counts, groups, strict=True)
    ]
    response = _tally(client, headers, "schulze", ballots, "ABCDE")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "method": "schulze",
        "winners": ["E"],
        "tie": False,
        "scores": {"A": 3, "B": 1, "C": 2, "D": 0, "E": 4},
        "matrix": SCHULZE_D,
        "strongest_paths": SCHULZE_P,
    }


def test_plurality_tie_is_shown_not_broken(client, headers):
    ballots = [{"count": 2, "choice": "B"}, {"count": 2, "choice": "A"}]
    body = _tally(client, headers, "plurality", ballots).json()
    assert (body["winners"], body["tie"]) == (["A", "B"], True)


def test_the_operation_is_documented(client):
    operation = client.get("/openapi.json").json()["paths"][URL]["post"]
    assert operation["summary"] == "Tally ballots by a method (to check a paper count)"
    assert "never broken" in operation["description"]


# 422s naming the ballot.


@pytest.mark.parametrize(
    ("ballot", "given"),
    [
        (
            {"count": 1, "choice": "A", "ranking": ["A", "B", "C"]},
            " (this ballot gives choice and ranking).",
        ),
        ({"count": 1}, "."),
    ],
)
def test_a_ballot_needs_exactly_one_kind(client, headers, ballot, given):
    response = _tally(client, headers, "plurality", [{"choice": "A"}, ballot])
    assert _problems(response) == [
        (
            "ballots[1]",
            f"Give exactly one of choice, approved, scores or ranking{given}",
        )
    ]


def test_an_incomplete_ranking_is_named(client, headers):
    ballots = [*RANKINGS, {"count": 1, "ranking": ["A", "B"]}]
    response = _tally(client, headers, "schulze", ballots)
    assert _problems(response) == [
        ("ballots[2]", 'A ranking must rank every candidate exactly once. Missing: "C".')
    ]
    assert response.json()["error"]["message"] == "These cannot be tallied: ballots[2]."


def test_a_ballot_kind_the_method_cannot_use_is_named(client, headers):
    response = _tally(client, headers, "borda", [{"count": 1, "choice": "A"}])
    assert _problems(response) == [
        ("ballots[0]", "A borda tally reads `ranking` ballots; this one gives `choice`.")
    ]


def test_unknown_candidate_and_duplicate_candidates(client, headers):
    response = _tally(client, headers, "plurality", [{"choice": "Z"}])
    assert _problems(response) == [("ballots[0]", 'Not a candidate: "Z".')]
    response = _tally(client, headers, "plurality", [{"choice": "A"}], ["A", "A"])
    assert _problems(response) == [("candidates[1]", '"A" is already candidates[0].')]


def test_bad_count_score_and_extra_field_are_named(client, headers):
    ballots = [
        {"count": 0, "scores": {"A": 1}},
        {"count": 1, "scores": {"A": 6}},
        {"count": 1, "scores": {"A": 1}, "voter": "Pat"},
    ]
    response = _tally(client, headers, "score_mean", ballots)
    assert _problems(response) == [
        ("ballots[0].count", "Input should be greater than or equal to 1"),
        ("ballots[1].scores.A", "Input should be less than or equal to 5"),
        ("ballots[2].voter", "Extra inputs are not permitted"),
    ]


def test_unknown_method_is_named(client, headers):
    response = _tally(client, headers, "instant_runoff", [{"choice": "A"}])
    [(field, message)] = _problems(response)
    assert field == "method"
    assert "'plurality'" in message and "'schulze'" in message

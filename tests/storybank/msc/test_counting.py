"""A round's results are the pure tallies of its ballots, every method side by side, and a
tie is reported as a tie (never broken)."""

from __future__ import annotations

from typing import Any

import pytest

from storybank.msc import tallies
from tests.api.msc_tree import build_tree, confirm_all, move, new_round, vote

# Each test starts from its own copy of the MSC unit tree (built once per run).
pytestmark = pytest.mark.msc_tree


def _results(client, session, method: str, ballots: dict[str, Any], paper=()) -> tuple:
    tree = build_tree(session, client)
    made = new_round(
        client, tree, tree.ashby, "fac_ashby", members=("m1", "m2"), voting_method=method
    )
    rid, h = made["id"], tree.headers["fac_ashby"]
    assert move(client, h, rid, "reading").status_code == 200
    confirm_all(client, h, rid, tree.domain_id)
    assert move(client, h, rid, "voting").status_code == 200
    a1, a2 = tree.stories["a1"].id, tree.stories["a2"].id
    for member, content in ballots.items():
        assert vote(client, tree, rid, member, **content(a1, a2)).status_code == 200
    for content in paper:
        entered = client.post(
            f"/api/v1/msc/rounds/{rid}/ballots",
            headers=h,
            json={"domain_id": tree.domain_id, **content(a1, a2)},
        )
        assert entered.status_code == 201, entered.text
    assert move(client, h, rid, "deciding").status_code == 200
    shown = client.get(f"/api/v1/msc/rounds/{rid}/results", headers=h)
    assert shown.status_code == 200, shown.text
    return shown.json()["domains"][0]["tally"], str(a1), str(a2)


def _pure(method: str, a1: str, a2: str, lines: list) -> dict[str, Any]:
    result = tallies.tally(method, [a1, a2], lines)
    return {
        "method": method,
        "winners": [int(name) for name in result.winners],
        "tie": result.tie,
        "scores": {name: None if s is None else float(s) for name, s in result.scores.items()},
    }


def test_a_ranking_round_shows_first_choices_borda_copeland_and_schulze_as_the_pure_tallies(
    client, session
):
    tally, a1, a2 = _results(
        client,
        session,
        "ranking",
        {"m1": lambda a, b: {"ranking": [a, b]}, "m2": lambda a, b: {"ranking": [b, a]}},
        paper=[lambda a, b: {"ranking": [a, b], "count": 1}],
    )
    lines = [
        tallies.RankingBallot((a1, a2)),
        tallies.RankingBallot((a2, a1)),
        tallies.RankingBallot((a1, a2)),
    ]
    shown = ("plurality", "borda", "copeland", "schulze")
    expected = [_pure(method, a1, a2, lines) for method in shown]
    assert tally["methods"] == expected
    assert tally["method"] == "borda" and tally["top"] == [int(a1)] and tally["tie"] is False
    assert tally["points"] == {a1: 2.0, a2: 1.0} and tally["ballots"] == 3
    schulze = tallies.tally_schulze([a1, a2], lines)
    assert tally["matrix"] == schulze.matrix == {a1: {a2: 2}, a2: {a1: 1}}
    assert tally["strongest_paths"] == schulze.strongest_paths


def test_a_score_round_shows_mean_and_median_as_the_pure_tallies(client, session):
    tally, a1, a2 = _results(
        client,
        session,
        "score",
        {
            "m1": lambda a, b: {"scores": {str(a): 5, str(b): 1}},
            "m2": lambda a, b: {"scores": {str(a): 2, str(b): 4}},
        },
    )
    lines = [tallies.ScoreBallot({a1: 5, a2: 1}), tallies.ScoreBallot({a1: 2, a2: 4})]
    expected = [_pure(method, a1, a2, lines) for method in ("score_mean", "score_median")]
    assert tally["methods"] == expected
    assert tally["points"] == {a1: 3.5, a2: 2.5} and tally["top"] == [int(a1)]
    assert tally["matrix"] is None


def test_a_tied_ranking_is_reported_as_a_tie_by_every_method(client, session):
    tally, a1, a2 = _results(
        client,
        session,
        "ranking",
        {"m1": lambda a, b: {"ranking": [a, b]}, "m2": lambda a, b: {"ranking": [b, a]}},
    )
    both = sorted([int(a1), int(a2)])
    assert tally["tie"] is True and tally["top"] == both
    assert [(m["method"], m["tie"], sorted(m["winners"])) for m in tally["methods"]] == [
        ("plurality", True, both),
        ("borda", True, both),
        ("copeland", True, both),
        ("schulze", True, both),
    ]


def test_a_tied_single_choice_round_lists_both_winners(client, session):
    tally, a1, a2 = _results(
        client,
        session,
        "single",
        {"m1": lambda a, b: {"choice": a}, "m2": lambda a, b: {"choice": b}},
    )
    lines = [tallies.ChoiceBallot(a1), tallies.ChoiceBallot(a2)]
    assert tally["methods"] == [_pure("plurality", a1, a2, lines)]
    assert tally["tie"] is True and tally["methods"][0]["tie"] is True

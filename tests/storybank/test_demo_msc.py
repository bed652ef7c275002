"""The demo's MSC cycle: three levels closed with decisions and reasons, the selected
stories carried up, feedback for the authors, and an open round the demo panel member
votes in through the API."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, func, select

from storybank import demo_msc
from storybank.demo import DEMO_DOMAIN, demo_stories, load_demo
from storybank.demo_msc import msc_plan
from storybank.models import (
    Ballot,
    RoundCandidate,
    RoundDecision,
    RoundFeedback,
    SelectionRound,
    Story,
    Unit,
    User,
)
from storybank.msc.decisions import full_sentences
from tests.builders import token_headers


def _rounds(session: Session) -> dict[str, SelectionRound]:
    rows = session.exec(select(SelectionRound, Unit.name).join(Unit)).all()
    return {name: rnd for rnd, name in rows}


def _titles(session: Session, ids) -> set[str]:
    return set(session.exec(select(Story.title).where(col(Story.id).in_(list(ids)))).all())


def _selected(session: Session, rnd: SelectionRound) -> set[str]:
    chosen = session.exec(
        select(RoundDecision.story_id).where(RoundDecision.round_id == rnd.id)
    ).all()
    return _titles(session, [s for s in chosen if s is not None])


def _candidates(session: Session, rnd: SelectionRound) -> set[str]:
    ids = session.exec(select(RoundCandidate.story_id).where(RoundCandidate.round_id == rnd.id))
    return _titles(session, ids.all())


def _title(key: str) -> str:
    return next(s["title"] for s in demo_stories() if s["key"] == key)


def test_the_demo_holds_a_closed_three_level_cycle_with_reasons(session, engine):
    load_demo(session=session)
    with Session(engine) as fresh:  # committed, not only flushed
        rounds = _rounds(fresh)
        cycle = [rounds["Somerset"], rounds["Torbay"], rounds["South West England"]]
        cycle.append(next(r for r in rounds.values() if r.name.startswith("Programme")))
        assert [r.state for r in cycle] == ["closed"] * 4
        assert rounds["Derby"].state == "voting"
        for rnd in cycle:
            made = fresh.exec(select(RoundDecision).where(RoundDecision.round_id == rnd.id)).all()
            assert made, rnd.name
            for decision in made:
                assert full_sentences(decision.reasons), (rnd.name, decision.reasons)
                assert decision.criteria and all(c["name"] for c in decision.criteria)
            votes = select(func.count()).select_from(Ballot).where(Ballot.round_id == rnd.id)
            assert fresh.exec(votes).one() >= 2, rnd.name


def test_promotion_carried_the_selected_stories_up_each_level(session):
    load_demo(session=session)
    rounds = _rounds(session)
    programme = next(r for r in rounds.values() if r.name.startswith("Programme"))
    region = rounds["South West England"]
    from_sites = _selected(session, rounds["Somerset"]) | _selected(session, rounds["Torbay"])
    assert len(from_sites) == 5
    assert _candidates(session, region) == from_sites
    assert _candidates(session, programme) == _selected(session, region)
    assert _selected(session, programme) == {
        _title("c-somerset-farmer-stroke"),
        _title("c-somerset-library-talking-point-empty"),
    }
    # The region panel chose none in "Any other change": the chapel lunches stop there.
    assert _title("a-somerset-chapel-soup-tuesdays") not in _candidates(session, programme)
    promoted = session.exec(
        select(RoundCandidate.source_round_id).where(RoundCandidate.round_id == programme.id)
    ).all()
    assert set(promoted) == {region.id}


def test_every_candidate_author_has_feedback_from_each_closed_round(session):
    load_demo(session=session)
    for rnd in _rounds(session).values():
        candidates = session.exec(
            select(Story.id, Story.author_id)
            .join(RoundCandidate, col(RoundCandidate.story_id) == Story.id)
            .where(RoundCandidate.round_id == rnd.id)
        ).all()
        feedback = session.exec(
            select(RoundFeedback.story_id, RoundFeedback.author_id).where(
                RoundFeedback.round_id == rnd.id
            )
        ).all()
        expected = set(candidates) if rnd.state == "closed" else set()
        assert set(feedback) == expected and (rnd.state != "closed" or feedback), rnd.name


def test_the_demo_panel_member_votes_in_the_open_round_through_the_api(client, session):
    load_demo(session=session)
    derby = _rounds(session)["Derby"]
    panel = session.exec(select(User).where(User.email == f"panel@{DEMO_DOMAIN}")).one()
    headers = token_headers(session, panel)
    pack = client.get(f"/api/v1/msc/rounds/{derby.id}/candidates", headers=headers)
    assert pack.status_code == 200, pack.text
    entry = next(e for e in pack.json() if e["domain_id"] is not None)
    assert client.get(f"/api/v1/msc/rounds/{derby.id}/ballots", headers=headers).json() == []
    cast = client.put(
        f"/api/v1/msc/rounds/{derby.id}/ballots/{entry['domain_id']}",
        headers=headers,
        json={"choice": entry["story_id"]},
    )
    assert cast.status_code == 200, cast.text
    assert cast.json()["content"] == {"choice": entry["story_id"]}
    mine = client.get(f"/api/v1/msc/rounds/{derby.id}/ballots", headers=headers).json()
    assert [b["content"] for b in mine] == [{"choice": entry["story_id"]}]


def test_loading_the_demo_again_makes_no_second_cycle(session):
    load_demo(session=session)
    load_demo(session=session)
    count = session.exec(select(func.count()).select_from(SelectionRound)).one()
    assert count == len(msc_plan()["round"])


def test_a_failure_in_the_cycle_leaves_no_demo_at_all(session, engine, monkeypatch):
    made = demo_msc._run_round

    def first_round_then_fail(cycle, spec):
        if spec["unit"] != "Somerset":
            raise RuntimeError("stopped on purpose")
        return made(cycle, spec)

    monkeypatch.setattr(demo_msc, "_run_round", first_round_then_fail)
    with pytest.raises(RuntimeError):
        load_demo(session=session)
    session.rollback()
    with Session(engine) as fresh:  # the Somerset round's commits were only savepoints
        assert fresh.exec(select(func.count()).select_from(SelectionRound)).one() == 0
        assert fresh.exec(select(func.count()).select_from(Story)).one() == 0

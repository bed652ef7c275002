"""MSC selection rounds: set-up, the facilitator's moves, the panel, candidates and the
reading pack, ballots, passes, results, decisions and verification. Secret rounds never
answer with a voter next to a choice: who has voted, yes; how, only as tallies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentActor, SessionDep
from api.routes.msc_schemas import (
    BallotPublic,
    CandidateDomainIn,
    CandidateIn,
    CandidatePublic,
    ChoiceIn,
    DecisionIn,
    DecisionPublic,
    DomainVotersPublic,
    MemberIn,
    MemberPublic,
    MovedPublic,
    NewMemberPublic,
    PackEntryPublic,
    PaperBallotIn,
    ResultsPublic,
    RoundChange,
    RoundIn,
    RoundPublic,
    ShortlistIn,
    TransitionIn,
    VerificationIn,
    VerificationPublic,
)
from storybank.errors import FieldProblem, InvalidInput
from storybank.models import Id
from storybank.msc import (
    ballots,
    candidates,
    decisions,
    members,
    passes,
    rounds,
    states,
    verification,
)

router = APIRouter(prefix="/msc/rounds", tags=["msc"])
Round = Id


def _outline(session: SessionDep, actor: CurrentActor, round_id: int) -> RoundPublic:
    found = rounds.round_outline(session=session, actor=actor, round_id=round_id)
    return RoundPublic.model_validate(found)


def _choice(data: ChoiceIn) -> ballots.BallotChoice:
    return ballots.BallotChoice(
        choice=data.choice, approved=data.approved, scores=data.scores, ranking=data.ranking
    )


@router.get("", summary="Rounds you run, sit on, or whose sites you work in")
def list_rounds(session: SessionDep, actor: CurrentActor) -> list[RoundPublic]:
    found = rounds.list_rounds(session=session, actor=actor)
    return [
        RoundPublic.model_validate(o)
        for o in rounds.outlines(session=session, actor=actor, rounds=found)
    ]


@router.post("", status_code=201, summary="Set up a round at a unit for a period (facilitator)")
def create_round(data: RoundIn, session: SessionDep, actor: CurrentActor) -> RoundPublic:
    found = rounds.create_round(session=session, actor=actor, **data.model_dump())
    return _outline(session, actor, found.id or 0)


@router.get("/{round_id}", summary="A round's outline")
def read_round(round_id: Round, session: SessionDep, actor: CurrentActor) -> RoundPublic:
    return _outline(session, actor, round_id)


@router.patch("/{round_id}", summary="Change a round before voting (facilitator)")
def change_round(
    round_id: Round, data: RoundChange, session: SessionDep, actor: CurrentActor
) -> RoundPublic:
    changes = data.model_dump(exclude_unset=True, exclude_none=True, exclude={"version"})
    rounds.update_round(
        session=session, actor=actor, round_id=round_id, version=data.version, changes=changes
    )
    return _outline(session, actor, round_id)


@router.post(
    "/{round_id}/transition",
    summary="Move the round on: draft, reading, voting, deciding, closed (409 says why not)",
)
def move_round(
    round_id: Round, data: TransitionIn, session: SessionDep, actor: CurrentActor
) -> MovedPublic:
    moved = states.transition(
        session=session, actor=actor, round_id=round_id, to=data.to, version=data.version
    )
    return MovedPublic(round=_outline(session, actor, round_id), notes=moved.notes)


@router.get("/{round_id}/members", summary="The round's panel")
def list_members(round_id: Round, session: SessionDep, actor: CurrentActor) -> list[MemberPublic]:
    found = members.list_members(session=session, actor=actor, round_id=round_id)
    return [MemberPublic.model_validate(m) for m in found]


@router.post(
    "/{round_id}/members",
    status_code=201,
    summary="Add a panel member, or a guest (whose one-time code is shown this once)",
)
def add_member(
    round_id: Round, data: MemberIn, session: SessionDep, actor: CurrentActor
) -> NewMemberPublic:
    if (data.user_id is None) == (data.guest_name is None):
        message = "Send either `user_id` (a person with an account) or `guest_name`."
        raise InvalidInput(message, problems=[FieldProblem("user_id", message)])
    if data.user_id is not None:
        added = members.add_member(
            session=session, actor=actor, round_id=round_id, user_id=data.user_id
        )
        return NewMemberPublic.model_validate(added)
    guest, code = members.add_guest(
        session=session, actor=actor, round_id=round_id, guest_name=data.guest_name or ""
    )
    return NewMemberPublic.model_validate({**vars(guest), "guest_code": code})


@router.delete(
    "/{round_id}/members/{member_id}",
    status_code=204,
    summary="Take a member off the panel before voting (a guest's account ends with it)",
)
def remove_member(round_id: Round, member_id: Id, session: SessionDep, actor: CurrentActor) -> None:
    members.remove_member(session=session, actor=actor, round_id=round_id, member_id=member_id)


@router.post(
    "/{round_id}/members/{member_id}/code",
    summary="A new one-time code for a guest (shown this once; the old one stops working)",
)
def reissue_guest_code(
    round_id: Round, member_id: Id, session: SessionDep, actor: CurrentActor
) -> NewMemberPublic:
    guest, code = members.reissue_guest_code(
        session=session, actor=actor, round_id=round_id, member_id=member_id
    )
    return NewMemberPublic.model_validate({**vars(guest), "guest_code": code})


@router.get("/{round_id}/candidates", summary="The reading pack: candidates as you may read them")
def reading_pack(
    round_id: Round, session: SessionDep, actor: CurrentActor
) -> list[PackEntryPublic]:
    pack = candidates.reading_pack(session=session, actor=actor, round_id=round_id)
    return [PackEntryPublic.model_validate(entry) for entry in pack]


@router.post("/{round_id}/candidates", summary="Suggest a story's domain (adds an eligible story)")
def suggest_candidate(
    round_id: Round, data: CandidateIn, session: SessionDep, actor: CurrentActor
) -> CandidatePublic:
    found = candidates.suggest_candidate(
        session=session,
        actor=actor,
        round_id=round_id,
        story_id=data.story_id,
        domain_id=data.domain_id,
    )
    return CandidatePublic.model_validate(found)


@router.put("/{round_id}/candidates/{candidate_id}", summary="Confirm a candidate's domain")
def confirm_candidate(
    round_id: Round,
    candidate_id: Id,
    data: CandidateDomainIn,
    session: SessionDep,
    actor: CurrentActor,
) -> CandidatePublic:
    found = candidates.confirm_domain(
        session=session,
        actor=actor,
        round_id=round_id,
        candidate_id=candidate_id,
        domain_id=data.domain_id,
    )
    return CandidatePublic.model_validate(found)


@router.delete(
    "/{round_id}/candidates/{candidate_id}",
    status_code=204,
    summary="Take a story out of the candidates while the round is reading",
)
def remove_candidate(
    round_id: Round, candidate_id: Id, session: SessionDep, actor: CurrentActor
) -> None:
    candidates.remove_candidate(
        session=session, actor=actor, round_id=round_id, candidate_id=candidate_id
    )


@router.get("/{round_id}/ballots", summary="Your own ballots in this round, every pass")
def my_ballots(round_id: Round, session: SessionDep, actor: CurrentActor) -> list[BallotPublic]:
    found = ballots.my_ballots(session=session, actor=actor, round_id=round_id)
    return [BallotPublic.model_validate(b) for b in found]


@router.put("/{round_id}/ballots/{domain_id}", summary="Cast or change your ballot in a domain")
def cast_ballot(
    round_id: Round, domain_id: Id, data: ChoiceIn, session: SessionDep, actor: CurrentActor
) -> BallotPublic:
    found = ballots.cast_ballot(
        session=session,
        actor=actor,
        round_id=round_id,
        domain_id=domain_id,
        given=_choice(data),
    )
    return BallotPublic.model_validate(found)


@router.post("/{round_id}/ballots", status_code=201, summary="Enter paper ballots (facilitator)")
def enter_paper_ballot(
    round_id: Round, data: PaperBallotIn, session: SessionDep, actor: CurrentActor
) -> BallotPublic:
    found = ballots.enter_paper_ballot(
        session=session,
        actor=actor,
        round_id=round_id,
        domain_id=data.domain_id,
        given=_choice(data),
        count=data.count,
        member_id=data.member_id,
    )
    return BallotPublic.model_validate(found)


@router.get("/{round_id}/voters", summary="Who has voted in each domain (never how)")
def voters(round_id: Round, session: SessionDep, actor: CurrentActor) -> list[DomainVotersPublic]:
    found = ballots.who_has_voted(session=session, actor=actor, round_id=round_id)
    return [DomainVotersPublic.model_validate(d) for d in found]


@router.post("/{round_id}/passes", summary="Open another pass of voting on a shortlist")
def open_pass(
    round_id: Round, data: ShortlistIn, session: SessionDep, actor: CurrentActor
) -> RoundPublic:
    passes.open_pass(
        session=session,
        actor=actor,
        round_id=round_id,
        version=data.version,
        shortlist=data.shortlist,
    )
    return _outline(session, actor, round_id)


@router.get("/{round_id}/results", summary="Tallies per domain once voting has closed")
def results(
    round_id: Round,
    session: SessionDep,
    actor: CurrentActor,
    pass_number: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> ResultsPublic:
    found = ballots.results(
        session=session, actor=actor, round_id=round_id, pass_number=pass_number
    )
    return ResultsPublic.model_validate(found)


@router.get("/{round_id}/decisions", summary="The panel's decisions and reasons")
def list_decisions(
    round_id: Round, session: SessionDep, actor: CurrentActor
) -> list[DecisionPublic]:
    found = decisions.list_decisions(session=session, actor=actor, round_id=round_id)
    return [DecisionPublic.model_validate(d) for d in found]


@router.put("/{round_id}/decisions/{domain_id}", summary="Record the decision in a domain")
def record_decision(
    round_id: Round, domain_id: Id, data: DecisionIn, session: SessionDep, actor: CurrentActor
) -> DecisionPublic:
    found = decisions.record_decision(
        session=session,
        actor=actor,
        round_id=round_id,
        domain_id=domain_id,
        story_id=data.story_id,
        reasons=data.reasons,
        criteria=[decisions.Criterion(c.name, c.weight) for c in data.criteria],
        dissent=data.dissent,
        tie_resolution=data.tie_resolution,
    )
    return DecisionPublic.model_validate(found)


@router.get("/{round_id}/verifications", summary="Checks of the round's selected stories")
def list_verifications(
    round_id: Round, session: SessionDep, actor: CurrentActor
) -> list[VerificationPublic]:
    found = verification.list_verifications(session=session, actor=actor, round_id=round_id)
    return [VerificationPublic.model_validate(v) for v in found]


@router.post(
    "/{round_id}/verifications", status_code=201, summary="Record a check of a selected story"
)
def record_verification(
    round_id: Round, data: VerificationIn, session: SessionDep, actor: CurrentActor
) -> VerificationPublic:
    found = verification.record_verification(
        session=session, actor=actor, round_id=round_id, **data.model_dump()
    )
    return VerificationPublic.model_validate(found)

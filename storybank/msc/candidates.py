"""Candidates: which stories a round may read, their domains, and the reading pack.

Eligible stories, read live (consent narrowed later takes a story out at once):
- a site round: submitted stories of that site whose date of change falls in the period,
  at any consent level (the site's own panel is inside the site);
- a region or programme round: submitted stories of the sites below whose consent lets
  the text leave its site and whose de-identified version is confirmed; and when the
  round has child rounds (rounds of the period at the units directly below), only the
  stories those rounds selected (a parent round moves to reading only once its child
  rounds have closed).

Candidates are filled in when the round moves to reading (and promoted into a parent
round still in draft when a child round closes); the facilitator may add an eligible
story while the round is in draft or reading. Staff and reviewers of a story's site (and
the facilitator) suggest its domain; the facilitator confirms it.

The reading pack shows the original text only in a site round and only to a member who
reads that site's stories in the original anyway (staff, reviewers, facilitators of the
site); everyone else, and everyone in a region or programme round, reads the confirmed
de-identified version, and a story without one is shown with its text withheld.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storybank.access import (
    BEYOND_SITE,
    Actor,
    confirmed_deidentified,
    may_suggest_domain,
    reads_original,
)
from storybank.audit import record_event
from storybank.errors import FieldProblem, Forbidden, InvalidInput, NotFound
from storybank.models import (
    SITE_LEVEL,
    MscDomain,
    ReportingPeriod,
    RoundCandidate,
    RoundDecision,
    RoundState,
    SelectionRound,
    Story,
    StoryDeidentified,
    StoryStatus,
    Unit,
    require_id,
)
from storybank.msc.redaction import deidentify_reasons
from storybank.msc.rounds import (
    RoundReach,
    child_rounds,
    hold_round_in,
    reach,
    require_reader,
    require_runner,
    round_domains,
    sites_below,
)

TEXT_NAMES = (
    "title",
    "what_mattered",
    "what_happened",
    "what_changed",
    "before_cls",
    "why_significant",
)
OPEN_FOR_CANDIDATES = (RoundState.draft, RoundState.reading)


def _in_period(period: ReportingPeriod) -> ColumnElement[bool]:
    return and_(
        col(Story.change_date) >= period.opens_on, col(Story.change_date) <= period.closes_on
    )


def leaves_site() -> ColumnElement[bool]:
    """A SQL condition: the story's text may be read outside its site (consent and a
    confirmed de-identified version)."""
    return and_(
        col(Story.consent_level).in_([level.value for level in BEYOND_SITE]),
        confirmed_deidentified(),
    )


def _live() -> ColumnElement[bool]:
    return and_(col(Story.status) == StoryStatus.submitted, col(Story.erased_at).is_(None))


def eligible_story_ids(session: Session, found: SelectionRound) -> list[int]:
    """The stories this round may have as candidates now (see the module docstring)."""
    unit = session.get(Unit, found.unit_id)
    period = session.get(ReportingPeriod, found.period_id)
    assert unit is not None and period is not None
    if unit.level == SITE_LEVEL:
        query = select(Story.id).where(Story.site_id == unit.id, _live(), _in_period(period))
        return [i for i in session.exec(query).all() if i is not None]
    children = child_rounds(session, found)
    query = select(Story.id).where(
        col(Story.site_id).in_(sites_below(session, require_id(unit))), _live(), leaves_site()
    )
    if children:
        query = query.where(col(Story.id).in_(_selected_by(children)))
    else:
        query = query.where(_in_period(period))
    return [i for i in session.exec(query.order_by(col(Story.id))).all() if i is not None]


def _selected_by(rounds: list[SelectionRound]) -> Any:
    """Stories selected by those of these rounds that have closed."""
    closed = select(SelectionRound.id).where(
        col(SelectionRound.id).in_([r.id for r in rounds]),
        SelectionRound.state == RoundState.closed,
    )
    return select(RoundDecision.story_id).where(
        col(RoundDecision.round_id).in_(closed), col(RoundDecision.story_id).is_not(None)
    )


def fill_candidates(*, session: Session, found: SelectionRound) -> int:
    """Add every eligible story not yet a candidate (promoted ones with their source round
    and suggested domain); the caller commits. Returns how many were added."""
    present = set(
        session.exec(
            select(RoundCandidate.story_id).where(RoundCandidate.round_id == found.id)
        ).all()
    )
    sources = _selections_below(session, found)
    in_play = {d.id for d in round_domains(session, require_id(found))}
    added = 0
    for story_id in eligible_story_ids(session, found):
        if story_id in present:
            continue
        source = sources.get(story_id)
        domain = source.domain_id if source else None
        session.add(
            RoundCandidate(
                round_id=require_id(found),
                story_id=story_id,
                suggested_domain_id=domain,
                domain_id=domain if domain in in_play else None,
                source_round_id=source.round_id if source else None,
            )
        )
        added += 1
    return added


def _selections_below(session: Session, found: SelectionRound) -> dict[int, RoundDecision]:
    children = child_rounds(session, found)
    if not children:
        return {}
    query = select(RoundDecision).where(col(RoundDecision.round_id).in_([c.id for c in children]))
    return {d.story_id: d for d in session.exec(query).all() if d.story_id is not None}


def suggest_candidate(
    *, session: Session, actor: Actor, round_id: int, story_id: int, domain_id: int | None
) -> RoundCandidate:
    """Suggest a domain for a candidate; adds the story first if it is eligible and not
    yet a candidate. The facilitator, and staff and reviewers of the story's site."""
    found = reach(session=session, actor=actor, round_id=round_id)
    story = session.get(Story, story_id)
    site_id = story.site_id if story else 0
    if not found.runner and not (found.outline and may_suggest_domain(actor, site_id)):
        raise Forbidden(
            "Only the facilitator, or staff and reviewers of the story's site, can "
            "suggest a candidate's domain."
        )
    if domain_id is not None:
        _require_in_play(session, found, domain_id, "domain_id")
    hold_round_in(session, found.round, *OPEN_FOR_CANDIDATES, doing="change the candidates")
    candidate = _candidate_for_story(session, round_id, story_id)
    if candidate is None:
        if story_id not in eligible_story_ids(session, found.round):
            session.rollback()
            raise NotFound(f"Story {story_id} is not an eligible candidate for this round.")
        candidate = RoundCandidate(round_id=round_id, story_id=story_id)
    candidate.suggested_domain_id = domain_id
    candidate.suggested_by_id = actor.id
    session.add(candidate)
    session.flush()
    _audit(session, actor, found.round, "msc.candidate.suggest", candidate, domain_id)
    session.commit()
    return candidate


def confirm_domain(
    *, session: Session, actor: Actor, round_id: int, candidate_id: int, domain_id: int
) -> RoundCandidate:
    """The facilitator confirms the domain a candidate is read and voted in."""
    found = reach(session=session, actor=actor, round_id=round_id)
    require_runner(found)
    candidate = session.get(RoundCandidate, candidate_id)
    if candidate is None or candidate.round_id != round_id:
        raise NotFound(f"There is no candidate with id {candidate_id} in this round.")
    _require_in_play(session, found, domain_id, "domain_id")
    hold_round_in(session, found.round, *OPEN_FOR_CANDIDATES, doing="change the candidates")
    candidate.domain_id = domain_id
    candidate.confirmed_by_id = actor.id
    session.add(candidate)
    _audit(session, actor, found.round, "msc.candidate.confirm", candidate, domain_id)
    session.commit()
    return candidate


def remove_candidate(*, session: Session, actor: Actor, round_id: int, candidate_id: int) -> None:
    """Take a story out of the round while it is reading, before voting (its facilitator).
    Candidates are filled in as the round opens for reading, so a removal in draft would
    not last; in reading it does (the facilitator may still add the story back)."""
    found = reach(session=session, actor=actor, round_id=round_id)
    require_runner(found)
    candidate = session.get(RoundCandidate, candidate_id)
    if candidate is None or candidate.round_id != round_id:
        raise NotFound(f"There is no candidate with id {candidate_id} in this round.")
    hold_round_in(session, found.round, RoundState.reading, doing="remove a candidate")
    _audit(session, actor, found.round, "msc.candidate.remove", candidate, candidate.domain_id)
    session.delete(candidate)
    session.commit()


def _require_in_play(session: Session, found: RoundReach, domain_id: int, name: str) -> None:
    if domain_id not in {d.id for d in round_domains(session, require_id(found.round))}:
        raise InvalidInput(
            f"Domain {domain_id} is not in play in this round.",
            problems=[FieldProblem(name, "Choose one of the round's domains.")],
        )


def _candidate_for_story(session: Session, round_id: int, story_id: int) -> RoundCandidate | None:
    query = select(RoundCandidate).where(
        RoundCandidate.round_id == round_id, RoundCandidate.story_id == story_id
    )
    return session.exec(query).first()


def _audit(
    session: Session,
    actor: Actor,
    found: SelectionRound,
    action: str,
    candidate: RoundCandidate,
    domain_id: int | None,
) -> None:
    record_event(
        session=session,
        actor=actor.user,
        action=action,
        entity="msc_round",
        entity_id=found.id,
        details={
            "candidate_id": candidate.id,
            "story_id": candidate.story_id,
            "domain_id": domain_id,
        },
    )


def available_story_ids(session: Session, found: SelectionRound) -> set[int]:
    """Candidates that can be voted on and chosen now: still submitted and not erased,
    and above site level still allowed to leave their site."""
    query = (
        select(Story.id)
        .join(RoundCandidate, col(RoundCandidate.story_id) == Story.id)
        .where(RoundCandidate.round_id == found.id, _live())
    )
    unit = session.get(Unit, found.unit_id)
    if unit is not None and unit.level != SITE_LEVEL:
        query = query.where(leaves_site())
    return {i for i in session.exec(query).all() if i is not None}


def candidates_by_domain(session: Session, found: SelectionRound) -> dict[int, list[int]]:
    """Available candidates' story ids per confirmed domain."""
    available = available_story_ids(session, found)
    rows = session.exec(select(RoundCandidate).where(RoundCandidate.round_id == found.id)).all()
    grouped: dict[int, list[int]] = {}
    for row in rows:
        if row.domain_id is not None and row.story_id in available:
            grouped.setdefault(row.domain_id, []).append(row.story_id)
    return {domain: sorted(ids) for domain, ids in grouped.items()}


@dataclass
class TrailStep:
    """A round that selected a story: which panel, at which level, when and why."""

    round_id: int
    round_name: str
    unit_name: str
    level: str
    period_name: str
    domain_name: str
    decided_at: datetime
    reasons: str
    criteria: list[dict[str, Any]]
    dissent: str


@dataclass
class PackEntry:
    """A candidate as the reading pack shows it."""

    candidate_id: int
    story_id: int
    domain_id: int | None
    suggested_domain_id: int | None
    source_round_id: int | None
    available: bool
    text_version: str
    site_name: str
    story_type: str | None
    perspective: str | None
    change_date: date | None
    texts: dict[str, str] = field(default_factory=dict)
    community_solutions: list[str] = field(default_factory=list)
    trail: list[TrailStep] = field(default_factory=list)


def reading_pack(*, session: Session, actor: Actor, round_id: int) -> list[PackEntry]:
    """The round's candidates with the text this reader may see (see the module docstring)."""
    found = reach(session=session, actor=actor, round_id=round_id)
    require_reader(found)
    rows = session.exec(
        select(RoundCandidate, Story, Unit.name)
        .join(Story, col(Story.id) == RoundCandidate.story_id)
        .join(Unit, col(Unit.id) == Story.site_id)
        .where(RoundCandidate.round_id == round_id)
        .order_by(col(RoundCandidate.domain_id), col(RoundCandidate.id))
    ).all()
    ids = [story.id for _c, story, _n in rows]
    versions = {
        v.story_id: v
        for v in session.exec(
            select(StoryDeidentified).where(
                col(StoryDeidentified.story_id).in_(ids),
                col(StoryDeidentified.confirmed_at).is_not(None),
            )
        ).all()
    }
    available = available_story_ids(session, found.round)
    trails = selection_trails(session, [i for i in ids if i is not None])
    return [
        _entry(
            found,
            actor,
            c,
            s,
            site,
            versions.get(s.id or 0),
            s.id in available,
            trails.get(s.id or 0, []),
        )
        for c, s, site in rows
    ]


def _entry(
    found: RoundReach,
    actor: Actor,
    candidate: RoundCandidate,
    story: Story,
    site: str,
    version: StoryDeidentified | None,
    available: bool,
    trail: list[TrailStep],
) -> PackEntry:
    original = (
        not found.above_site
        and not (found.member is not None and found.member.is_guest)
        and reads_original(actor, story.site_id)
    )
    source: Any = story if original else version
    shown = available and source is not None
    if not original:
        trail = _trail_outside_site(trail, story, version if shown else None)
    return PackEntry(
        candidate_id=require_id(candidate),
        story_id=candidate.story_id,
        domain_id=candidate.domain_id,
        suggested_domain_id=candidate.suggested_domain_id,
        source_round_id=candidate.source_round_id,
        available=available,
        text_version=("original" if original else "deidentified") if shown else "withheld",
        site_name=site,
        story_type=story.story_type,
        perspective=story.perspective,
        change_date=story.change_date,
        texts={n: getattr(source, n) for n in TEXT_NAMES} if shown else {},
        community_solutions=list(source.community_solutions) if shown else [],
        trail=trail,
    )


def _trail_outside_site(
    trail: list[TrailStep], story: Story, version: StoryDeidentified | None
) -> list[TrailStep]:
    """The trail's reasons as a reader of the de-identified text may see them: in its
    words (see `redaction`), or withheld with the story's text."""
    if version is None:
        return [replace(step, reasons="", dissent="") for step in trail]
    before = [getattr(story, n) for n in TEXT_NAMES] + list(story.community_solutions)
    after = [getattr(version, n) for n in TEXT_NAMES] + list(version.community_solutions)
    return [
        replace(
            step,
            reasons=deidentify_reasons(step.reasons, before, after),
            dissent=deidentify_reasons(step.dissent, before, after),
        )
        for step in trail
    ]


def selection_trails(session: Session, story_ids: list[int]) -> dict[int, list[TrailStep]]:
    """For each story, the closed rounds that selected it, lowest level first."""
    rows = session.execute(
        sa_select(  # type: ignore[call-overload]
            RoundDecision, SelectionRound, Unit, ReportingPeriod, MscDomain
        )
        .join(SelectionRound, col(SelectionRound.id) == RoundDecision.round_id)
        .join(Unit, col(Unit.id) == SelectionRound.unit_id)
        .join(ReportingPeriod, col(ReportingPeriod.id) == SelectionRound.period_id)
        .join(MscDomain, col(MscDomain.id) == RoundDecision.domain_id)
        .where(
            col(RoundDecision.story_id).in_(story_ids),
            col(SelectionRound.state) == RoundState.closed,
        )
        .order_by(col(SelectionRound.closed_at), col(RoundDecision.id))
    ).all()
    trails: dict[int, list[TrailStep]] = {}
    for decision, rnd, unit, period, domain in rows:
        trails.setdefault(decision.story_id or 0, []).append(
            TrailStep(
                round_id=require_id(rnd),
                round_name=rnd.name,
                unit_name=unit.name,
                level=unit.level,
                period_name=period.name,
                domain_name=domain.name,
                decided_at=decision.decided_at,
                reasons=decision.reasons,
                criteria=decision.criteria,
                dissent=decision.dissent,
            )
        )
    return trails

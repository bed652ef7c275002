"""A bank for briefing tests: a story told with a real-sounding name ("Margaret Okafor"),
de-identified as "[Person A]", that a site panel selected quoting the name; a later
site-only story carrying the same codes; and a costed story."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlmodel import Session

from storybank.models import (
    DEIDENTIFIED_FIELDS,
    RoundCandidate,
    RoundDecision,
    RoundState,
    SelectionRound,
    Story,
    StoryDeidentified,
    Unit,
    User,
    require_id,
    utcnow,
)
from tests.builders import make_story, make_user
from tests.msc_builders import make_domain, make_period
from tests.web.test_story_page import confirm_codes

NAMES = ("Margaret", "Okafor")
REASONS = "Mrs Okafor's mornings changed; Margaret Okafor told the panel she walks daily."


@dataclass
class BriefingBank:
    margaret: Story
    kept: Story
    costed: Story
    round_id: int
    period_id: int


def _deidentify(session: Session, story: Story, by: User) -> None:
    texts = {
        name: getattr(story, name)
        .replace("Margaret Okafor", "[Person A]")
        .replace("Margaret", "[Person A]")
        for name in DEIDENTIFIED_FIELDS
    }
    session.add(
        StoryDeidentified(
            story_id=require_id(story),
            **texts,
            community_solutions=list(story.community_solutions),
            confirmed_at=utcnow(),
            confirmed_by_id=by.id,
        )
    )
    session.commit()


def build_briefing_bank(session: Session, site: Unit, staff: User) -> BriefingBank:
    margaret = make_story(
        session,
        site=site,
        author=staff,
        deidentified=False,
        title="Margaret Okafor walks to the shop again",
        what_changed="Margaret Okafor now walks to the shop each morning with a neighbour.",
        why_significant="Margaret says she feels like part of the street again.",
        change_date="2026-02-10",
    )
    _deidentify(session, margaret, staff)
    confirm_codes(session, margaret, staff, ["outcome_3", "wellbeing", "community_connections"])
    kept = make_story(
        session,
        site=site,
        author=staff,
        title="Kept at the site",
        consent_level="site_only",
        change_date="2026-03-20",
    )
    confirm_codes(session, kept, staff, ["outcome_3", "wellbeing"])
    costed = make_story(
        session,
        site=site,
        author=staff,
        title="Fewer care hours",
        change_date="2026-01-15",
        weekly_cost_before=Decimal("300.00"),
        weekly_cost_after=Decimal("174.00"),
    )
    confirm_codes(session, costed, staff, ["outcome_6", "cost_reduction"])
    make_story(session, site=site, author=staff, title="Awaiting review", change_date="2026-03-01")
    round_id, period_id = _selected(session, site, margaret)
    return BriefingBank(margaret, kept, costed, round_id, period_id)


def _selected(session: Session, site: Unit, story: Story) -> tuple[int, int]:
    """A closed site round that selected the story, with reasons quoting its name."""
    period, domain = make_period(session), make_domain(session)
    facilitator = make_user(session, name="Fay Facilitator")
    found = SelectionRound(
        name="Somerset spring round",
        unit_id=require_id(site),
        period_id=period,
        facilitator_id=require_id(facilitator),
        state=RoundState.closed,
        closed_at=datetime(2026, 4, 2, tzinfo=UTC),
    )
    session.add(found)
    session.flush()
    session.add(RoundCandidate(round_id=found.id, story_id=story.id, domain_id=domain))
    session.add(
        RoundDecision(round_id=found.id, domain_id=domain, story_id=story.id, reasons=REASONS)
    )
    session.commit()
    return require_id(found), period

"""A hand-built bank for the monitoring figures: four sites in two regions, stories with
known submission times, codes, MSC rounds and feedback (every expected figure is worked
out by hand in the tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from storybank.models import (
    RoundCandidate,
    RoundDecision,
    RoundFeedback,
    RoundState,
    SelectionRound,
    Story,
    Unit,
    User,
    require_id,
)
from storybank.units import ensure_root
from tests.builders import make_site, make_story, make_user
from tests.msc_builders import make_domain, make_period
from tests.web.test_story_page import confirm_codes

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


def at(month: int, day: int) -> datetime:
    """Noon UTC on a day of 2026."""
    return datetime(2026, month, day, 12, 0, tzinfo=UTC)


@dataclass
class Bank:
    """The bank's places, people and stories by name."""

    sites: dict[str, Unit]
    ann: User
    ben: User
    stories: dict[str, Story] = field(default_factory=dict)


def build_bank(session: Session) -> Bank:
    """Somerset and Bath (South West), Derby and Quietvale (Midlands, no stories)."""
    sites = {
        "Somerset": make_site(session, "Somerset", region="South West"),
        "Bath": make_site(session, "Bath", region="South West"),
        "Derby": make_site(session, "Derby", region="Midlands"),
        "Quietvale": make_site(session, "Quietvale", region="Midlands"),
    }
    ann = make_user(
        session, roles=["staff"], sites=[sites["Somerset"], sites["Bath"]], name="Ann Author"
    )
    ben = make_user(session, roles=["staff"], sites=[sites["Derby"]], name="Ben Writer")
    bank = Bank(sites, ann, ben)
    _stories(session, bank)
    _rounds(session, bank)
    return bank


def _story(session: Session, bank: Bank, name: str, site: str, author: User, **kw: Any) -> None:
    bank.stories[name] = make_story(
        session, site=bank.sites[site], author=author, title=f"Story {name}", **kw
    )


def _stories(session: Session, bank: Bank) -> None:
    ann, ben = bank.ann, bank.ben
    _story(session, bank, "s1", "Somerset", ann, submitted_at=at(6, 20), story_type="learning")
    _story(session, bank, "s2", "Somerset", ann, submitted_at=at(5, 10))
    _story(session, bank, "s3", "Somerset", ann, submitted_at=at(4, 1))
    _story(session, bank, "s4", "Somerset", ann, submitted_at=at(6, 1), consent_level="site_only")
    _story(session, bank, "b1", "Bath", ann, submitted_at=at(3, 1))
    _story(session, bank, "b_erased", "Bath", ann, submitted_at=at(6, 28), erased_at=at(6, 29))
    _story(session, bank, "d1", "Derby", ben, submitted_at=at(6, 25))
    _story(session, bank, "d_draft", "Derby", ben, status="draft", consent_level=None)
    for name, keys in (("s1", ["outcome_3"]), ("s2", ["outcome_1"]), ("d1", ["outcome_2"])):
        confirm_codes(session, bank.stories[name], bank.ann, keys)


def _rounds(session: Session, bank: Bank) -> None:
    """Somerset's site round (closed; feedback to s1 only), the South West region round
    (closed; s1, with feedback), Derby's site round (voting) and a programme round."""
    period, domain = make_period(session), make_domain(session)
    facilitator = make_user(session, name="Fay Facilitator")
    region = session.exec(select(Unit).where(Unit.name == "South West")).one()
    plan = [
        ("Somerset round", bank.sites["Somerset"], RoundState.closed, ["s1", "s2", "s3", "s4"]),
        ("South West round", region, RoundState.closed, ["s1"]),
        ("Derby round", bank.sites["Derby"], RoundState.voting, ["d1"]),
        ("Programme round", ensure_root(session=session), RoundState.voting, ["s1"]),
    ]
    for name, unit, state, names in plan:
        found = SelectionRound(
            name=name,
            unit_id=require_id(unit),
            period_id=period,
            facilitator_id=require_id(facilitator),
            state=state,
            closed_at=at(6, 15) if state == RoundState.closed else None,
        )
        session.add(found)
        session.flush()
        ids = [require_id(bank.stories[n]) for n in names]
        session.add_all(
            RoundCandidate(round_id=found.id, story_id=i, domain_id=domain) for i in ids
        )
        if state == RoundState.closed:
            chosen = bank.stories["s1"]
            session.add(RoundDecision(round_id=found.id, domain_id=domain, story_id=chosen.id))
            session.add(RoundFeedback(round_id=found.id, story_id=chosen.id, author_id=bank.ann.id))
    session.commit()

"""Most Significant Change rounds for a generated bank (`storybank demo --scale N`): one
reporting period per year of stories, a closed round at every site, region and the
programme in each, candidates drawn from the consented stories (site rounds) or the
winners below (region and programme rounds), one selected story per domain with the
panel's reasons, and feedback sent to most candidates' authors (some left outstanding).

The insights' "what panels select" and the meta-monitoring read these at scale.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import extract, select
from sqlmodel import Session, col

from storybank.access import BEYOND_SITE
from storybank.models import (
    MscDomain,
    ReportingPeriod,
    RoundCandidate,
    RoundDecision,
    RoundDomain,
    RoundFeedback,
    RoundState,
    SelectionRound,
    Story,
    StoryStatus,
    Unit,
    VotingMethod,
)
from storybank.msc.domains import ensure_open_domain

CANDIDATES_PER_SITE = 12
FEEDBACK_SHARE = 0.8
REASONS = (
    "The panel chose it because the change lasted and the person said in their own words "
    "why it mattered.",
    "It shows a small, local solution working where a formal service would have been slower.",
    "The panel valued how honestly it described what did not work at first, and what changed.",
    "Several members had seen the same pattern in their own teams; this story told it best.",
)


@dataclass
class RoundsMade:
    """How many rounds, candidates and selections the generator wrote."""

    rounds: int = 0
    candidates: int = 0
    selected: int = 0


def generate_rounds(
    *, session: Session, site_ids: list[int], facilitator_id: int, seed: int = 0
) -> RoundsMade:
    """Closed site, region and programme rounds for every year the stories cover."""
    rng = random.Random(seed)
    domains = _domains(session)
    made = RoundsMade()
    for year in _years(session, site_ids):
        period = _period(session, year)
        winners: dict[int, list[int]] = {}
        for site_id in site_ids:
            candidates = _consented(session, rng, site_id, year)
            if candidates:
                context = _Round(session, rng, period, facilitator_id, domains, made)
                winners.setdefault(_parent(session, site_id), []).extend(
                    context.hold(site_id, [(story, None) for story in candidates])
                )
        _upper_rounds(session, rng, period, facilitator_id, domains, made, winners)
    session.flush()
    return made


def _upper_rounds(
    session: Session,
    rng: random.Random,
    period: ReportingPeriod,
    facilitator_id: int,
    domains: list[int],
    made: RoundsMade,
    winners: dict[int, list[Any]],
) -> None:
    """Region rounds from the site winners, then the programme round from theirs."""
    top: dict[int, list[Any]] = {}
    for region_id, stories in winners.items():
        context = _Round(session, rng, period, facilitator_id, domains, made)
        top.setdefault(_parent(session, region_id), []).extend(context.hold(region_id, stories))
    for root_id, stories in top.items():
        _Round(session, rng, period, facilitator_id, domains, made).hold(root_id, stories)


class _Round:
    """One closed round: its domains, candidates, decisions and feedback."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        period: ReportingPeriod,
        facilitator_id: int,
        domains: list[int],
        made: RoundsMade,
    ) -> None:
        self.session, self.rng, self.period = session, rng, period
        self.facilitator_id, self.domains, self.made = facilitator_id, domains, made

    def hold(self, unit_id: int, stories: list[tuple[Any, int | None]]) -> list[Any]:
        """Write the round; returns its winners as (story row, round id) for the level above."""
        unit = self.session.get(Unit, unit_id)
        closed = datetime.combine(self.period.closes_on, time(12), tzinfo=UTC)
        held = SelectionRound(
            name=f"{unit.name if unit else unit_id} {self.period.name}",
            unit_id=unit_id,
            period_id=self.period.id or 0,
            facilitator_id=self.facilitator_id,
            voting_method=self.rng.choice(list(VotingMethod)).value,
            state=RoundState.closed,
            closed_at=closed,
        )
        self.session.add(held)
        self.session.flush()
        round_id = held.id or 0
        self.session.add_all(RoundDomain(round_id=round_id, domain_id=d) for d in self.domains)
        by_domain: dict[int, list[Any]] = {}
        for story, source in stories:
            domain = self.rng.choice(self.domains)
            by_domain.setdefault(domain, []).append(story)
            self.session.add(
                RoundCandidate(
                    round_id=round_id, story_id=story.id, domain_id=domain, source_round_id=source
                )
            )
            if self.rng.random() < FEEDBACK_SHARE:
                self.session.add(
                    RoundFeedback(
                        round_id=round_id,
                        story_id=story.id,
                        author_id=story.author_id,
                        sent_at=closed,
                    )
                )
        self.made.rounds += 1
        self.made.candidates += len(stories)
        return [(chosen, round_id) for chosen in self._decide(round_id, by_domain, closed)]

    def _decide(self, round_id: int, by_domain: dict[int, list[Any]], at: datetime) -> list[Any]:
        chosen = []
        for domain, stories in sorted(by_domain.items()):
            story = self.rng.choice(stories)
            self.session.add(
                RoundDecision(
                    round_id=round_id,
                    domain_id=domain,
                    story_id=story.id,
                    reasons=self.rng.choice(REASONS),
                    decided_by_id=self.facilitator_id,
                    decided_at=at,
                )
            )
            chosen.append(story)
        self.made.selected += len(chosen)
        return chosen


def _domains(session: Session) -> list[int]:
    ensure_open_domain(session=session)
    found = session.execute(select(col(MscDomain.id)).where(col(MscDomain.active).is_(True)))
    return sorted(int(i) for i in found.scalars())


def _years(session: Session, site_ids: list[int]) -> list[int]:
    year = extract("year", col(Story.change_date))
    query = select(year).where(
        col(Story.site_id).in_(site_ids), col(Story.change_date).is_not(None)
    )
    return sorted({int(y) for y in session.execute(query.distinct()).scalars()})


def _period(session: Session, year: int) -> ReportingPeriod:
    name = f"{year} (generated)"
    found = session.execute(
        select(ReportingPeriod).where(col(ReportingPeriod.name) == name)
    ).scalar()
    if found is not None:
        return found
    period = ReportingPeriod(
        name=name,
        opens_on=date(year, 1, 1),
        closes_on=date(year, 12, 31),
        closed_at=datetime(year, 12, 31, 18, tzinfo=UTC),
    )
    session.add(period)
    session.flush()
    return period


def _consented(session: Session, rng: random.Random, site_id: int, year: int) -> list[Any]:
    """A sample of the site's submitted, consented stories changed in that year."""
    query = (
        select(col(Story.id), col(Story.author_id))
        .where(
            col(Story.site_id) == site_id,
            col(Story.status) == StoryStatus.submitted,
            col(Story.consent_level).in_([level.value for level in BEYOND_SITE]),
            col(Story.erased_at).is_(None),
            extract("year", col(Story.change_date)) == year,
        )
        .order_by(col(Story.id))
    )
    found = list(session.execute(query).all())
    return rng.sample(found, min(CANDIDATES_PER_SITE, len(found)))


def _parent(session: Session, unit_id: int) -> int:
    unit = session.get(Unit, unit_id)
    return (unit.parent_id if unit and unit.parent_id else unit_id) or unit_id

"""Words for a briefing: a filter described as a sentence, and excerpts of story text."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from storybank.models import LABELS, Code, MscDomain, SelectionRound, Unit
from storybank.stories.filtering import outcome_key
from storybank.stories.finding import StoryFilters

EXCERPT_CHARACTERS = 300
EVERYTHING = "All submitted stories you may read"


def long_date(day: date) -> str:
    """1 March 2026."""
    return f"{day.day} {day.strftime('%B %Y')}"


def excerpt(text: str, limit: int = EXCERPT_CHARACTERS) -> str:
    """The text to at most `limit` characters, cut at a word and marked with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def describe_filters(*, session: Session, filters: StoryFilters) -> str:
    """The filter in words: "Submitted stories of Somerset; learning stories; ..."."""
    parts = [*_places(session, filters), *_dates(filters), *_choices(filters)]
    parts += [*_codes(session, filters), *_rounds(session, filters)]
    return f"Submitted stories: {'; '.join(parts)}" if parts else EVERYTHING


def _name(session: Session, model: type[Unit | MscDomain | SelectionRound], key: int) -> str:
    return str(getattr(session.get(model, key), "name", f"#{key}"))


def _places(session: Session, filters: StoryFilters) -> list[str]:
    found = []
    if filters.unit_id is not None:
        unit = session.get(Unit, filters.unit_id)
        found.append(f"of {unit.name} ({unit.level})" if unit else f"of unit #{filters.unit_id}")
    if filters.site_id is not None:
        found.append(f"of {_name(session, Unit, filters.site_id)}")
    return found


def _dates(filters: StoryFilters) -> list[str]:
    start, end = filters.date_from, filters.date_to
    if start and end:
        return [f"changes from {long_date(start)} to {long_date(end)}"]
    if start:
        return [f"changes on or after {long_date(start)}"]
    return [f"changes on or before {long_date(end)}"] if end else []


def _choices(filters: StoryFilters) -> list[str]:
    found = []
    if filters.story_type:
        found.append("learning stories" if filters.story_type == "learning" else "success stories")
    if filters.perspective:
        found.append(f"whose story: {LABELS.get(filters.perspective, filters.perspective)}")
    if filters.contact_route:
        found.append(f"came into contact by: {LABELS.get(filters.contact_route, '')}".rstrip())
    if filters.consent_level:
        found.append(f"consent: {LABELS.get(filters.consent_level, filters.consent_level)}")
    return found


def _codes(session: Session, filters: StoryFilters) -> list[str]:
    keys = [outcome_key(filters.outcome)] if filters.outcome is not None else []
    keys += [filters.theme] if filters.theme else []
    labels = dict(session.exec(select(Code.key, Code.label).where(Code.key.in_(keys))).all())  # type: ignore[attr-defined]
    found = []
    if filters.outcome is not None:
        found.append(f"showing outcome {filters.outcome} ({labels.get(keys[0], '')})")
    if filters.theme:
        found.append(f"showing the theme {labels.get(filters.theme, filters.theme)}")
    return found


def _rounds(session: Session, filters: StoryFilters) -> list[str]:
    verb = "candidates" if filters.selected is None else "selected"
    verb = "not selected" if filters.selected is False else verb
    found = []
    if filters.round_id is not None:
        found.append(f"{verb} in the round {_name(session, SelectionRound, filters.round_id)}")
    if filters.level:
        found.append(f"{verb} at {filters.level} level")
    if filters.msc_domain_id is not None:
        found.append(f"{verb} in the domain {_name(session, MscDomain, filters.msc_domain_id)}")
    if filters.selected is not None and not found:
        found.append("selected by a panel" if filters.selected else "never selected by a panel")
    return found

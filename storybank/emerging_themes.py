"""Emerging themes: topics discovered in the stories of a filter, and the new theme an
admin could propose from one.

Only the stories the actor may read take part, in the text the actor sees (de-identified
from outside a story's site). At most POOL_LIMIT stories (the newest) are read per run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel
from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from nlp.topics import Topic, discover_topics
from storybank.access import Actor, descendants
from storybank.errors import FieldProblem, InvalidInput
from storybank.models import Code, Story, Unit
from storybank.similar_stories import readable_submitted, story_text

POOL_LIMIT = 5000
MAX_TOPICS = 20


@dataclass
class ThemeFilters:
    """Which stories to look for topics in: a unit (a site, or every site below a region),
    and the date of the change."""

    unit_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    n_topics: int = 8


class StoryLink(BaseModel):
    """A story named by its id and title."""

    id: int
    title: str


class ThemeProposal(BaseModel):
    """A new theme drafted from a topic's terms, for an admin to check and add."""

    key: str
    label: str
    description: str
    cue_phrases: list[str]


class TopicFound(BaseModel):
    """One discovered topic, with its example stories and a drafted theme."""

    number: int
    terms: list[str]
    share: float
    story_count: int
    examples: list[StoryLink]
    proposal: ThemeProposal


class TopicsFound(BaseModel):
    """The topics of a filter's stories, and how many stories they came from."""

    stories: int
    topics: list[TopicFound]


def emerging_topics(*, session: Session, actor: Actor, filters: ThemeFilters) -> TopicsFound:
    """Topics in the submitted stories of the filter that the actor may read."""
    if not 1 <= filters.n_topics <= MAX_TOPICS:
        message = f"Ask for between 1 and {MAX_TOPICS} topics."
        raise InvalidInput(message, problems=[FieldProblem("n_topics", message)])
    stories = readable_submitted(
        session=session, actor=actor, where=_conditions(session, filters), limit=POOL_LIMIT
    )
    topics = discover_topics(
        [(s.id or 0, story_text(s)) for s in stories], n_topics=filters.n_topics, seed=0
    )
    titles = {s.id or 0: s.title for s in stories}
    taken = set(session.exec(select(Code.key)).all())
    return TopicsFound(
        stories=len(stories), topics=[_found(topic, titles, taken) for topic in topics]
    )


def _conditions(session: Session, filters: ThemeFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.unit_id is not None:
        rows = session.exec(select(Unit.id, Unit.parent_id)).all()
        below = descendants((unit_id or 0, parent) for unit_id, parent in rows)
        if filters.unit_id not in below:
            message = f"There is no unit with id {filters.unit_id}."
            raise InvalidInput(message, problems=[FieldProblem("unit_id", message)])
        conditions.append(col(Story.site_id).in_(sorted(below[filters.unit_id])))
    if filters.date_from:
        conditions.append(col(Story.change_date) >= filters.date_from)
    if filters.date_to:
        conditions.append(col(Story.change_date) <= filters.date_to)
    return conditions


def _found(topic: Topic, titles: dict[int, str], taken: set[str]) -> TopicFound:
    return TopicFound(
        number=topic.number,
        terms=list(topic.words),
        share=round(topic.share, 4),
        story_count=topic.story_count,
        examples=[StoryLink(id=i, title=titles.get(i, "")) for i in topic.example_ids],
        proposal=propose_theme(topic, taken),
    )


def propose_theme(topic: Topic, taken: set[str]) -> ThemeProposal:
    """A theme drafted from a topic: key and label from its top terms, its terms as cue
    phrases (the admin edits all of it before adding)."""
    words = list(topic.words)
    base = re.sub(r"[^a-z0-9]+", "_", "_".join(words[:2]).lower()).strip("_")[:50] or "topic"
    if len(base) < 3 or not base[0].isalpha():
        base = f"topic_{base}"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    label = ", ".join(words[:3]).capitalize()
    description = (
        "Drafted from an emerging topic; rewrite as the rule a careful coder follows. "
        f"Stories in this topic talk about {', '.join(words[:6])}."
    )
    return ThemeProposal(key=key, label=label, description=description, cue_phrases=words)

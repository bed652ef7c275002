"""Similar stories for a story page, and the near-duplicate warning before submitting.

Only stories the reader may read are ever compared or offered, each in the text the reader
sees (the confirmed de-identified version from outside its site), so a story of another
site without a confirmed de-identified version never appears. The index is built per
request over at most POOL_LIMIT readable submitted stories (the most recent), and kept per
process while those texts are unchanged: fine for a few thousand stories. A bank of 100,000
is compared within that cap (the newest stories); a larger reach needs a shared index.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from threading import Lock

from pydantic import BaseModel
from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from nlp.similarity import SimilarityIndex
from storybank.access import Actor, readable_stories, reads_original
from storybank.models import TEXT_FIELDS, Story, StoryPublic, StoryStatus, Unit
from storybank.stories.finding import as_shown, get_story

POOL_LIMIT = 2000
SIMILAR_LIMIT = 5
SIMILAR_SCORE = 0.05  # below this two stories share little more than common words
NEAR_DUPLICATE_SCORE = 0.4  # a story typed in twice, or retold with small changes
_CACHE_SIZE = 8
_cache: OrderedDict[bytes, SimilarityIndex] = OrderedDict()
_cache_lock = Lock()


class SimilarStory(BaseModel):
    """A story close to another one, as the reader may see it."""

    id: int
    title: str
    site_id: int
    site_name: str
    score: float
    text_version: str  # "original" or "deidentified"


class SubmittedStory(StoryPublic):
    """A story just submitted, with the stories of its site it looks like (a warning)."""

    near_duplicates: list[SimilarStory] = []


def story_text(story: Story) -> str:
    """The story's words for comparing: its title and every long text field."""
    return "\n\n".join([story.title, *(getattr(story, name) or "" for name in TEXT_FIELDS)])


def readable_submitted(
    *, session: Session, actor: Actor, where: Sequence[ColumnElement[bool]] = (), limit: int
) -> list[Story]:
    """The newest submitted stories the actor may read, as the actor may see them."""
    query = (
        select(Story)
        .where(
            readable_stories(actor),
            col(Story.erased_at).is_(None),
            col(Story.status) == StoryStatus.submitted,
            *where,
        )
        .order_by(col(Story.id).desc())
        .limit(limit)
    )
    return as_shown(session=session, actor=actor, stories=list(session.exec(query).all()))


def similar_stories(
    *, session: Session, actor: Actor, story_id: int, limit: int = SIMILAR_LIMIT
) -> list[SimilarStory]:
    """Up to `limit` readable stories most like this one (NotFound if it is not readable)."""
    story = get_story(session=session, actor=actor, story_id=story_id)
    return similar_to(session=session, actor=actor, story=story, limit=limit)


def similar_to(
    *, session: Session, actor: Actor, story: Story, limit: int = SIMILAR_LIMIT
) -> list[SimilarStory]:
    """Readable stories most like a story already known to be readable."""
    return _closest(session, actor, story, [], SIMILAR_SCORE, limit)


def near_duplicates(
    *, session: Session, actor: Actor, story_id: int, limit: int = SIMILAR_LIMIT
) -> list[SimilarStory]:
    """Submitted stories of the same site, readable by the actor, that look like this one
    told again ("this looks like story X"); a warning, never a refusal."""
    story = get_story(session=session, actor=actor, story_id=story_id)
    return near_duplicates_of(session=session, actor=actor, story=story, limit=limit)


def near_duplicates_of(
    *, session: Session, actor: Actor, story: Story, limit: int = SIMILAR_LIMIT
) -> list[SimilarStory]:
    """Near duplicates of a story already known to be readable."""
    same_site = [col(Story.site_id) == story.site_id]
    return _closest(session, actor, story, same_site, NEAR_DUPLICATE_SCORE, limit)


def _closest(
    session: Session,
    actor: Actor,
    story: Story,
    where: list[ColumnElement[bool]],
    min_score: float,
    limit: int,
) -> list[SimilarStory]:
    """The pool's stories closest to `story`, best first, above `min_score`."""
    pool = readable_submitted(
        session=session, actor=actor, where=[*where, col(Story.id) != story.id], limit=POOL_LIMIT
    )
    if not pool:
        return []
    shown = as_shown(session=session, actor=actor, stories=[story])[0]
    texts = [(shown.id or 0, story_text(shown))] + [(s.id or 0, story_text(s)) for s in pool]
    hits = cached_index(texts).most_similar(shown.id or 0, limit, min_score=min_score)
    by_id = {s.id: s for s in pool}
    names = _site_names(session, {by_id[hit.id].site_id for hit in hits})
    return [
        SimilarStory(
            id=hit.id,
            title=by_id[hit.id].title,
            site_id=by_id[hit.id].site_id,
            site_name=names.get(by_id[hit.id].site_id, ""),
            score=hit.score,
            text_version="original"
            if reads_original(actor, by_id[hit.id].site_id)
            else "deidentified",
        )
        for hit in hits
    ]


def cached_index(texts: list[tuple[int, str]]) -> SimilarityIndex:
    """The index of these exact texts, built once per process while they stay the same."""
    digest = hashlib.blake2b(digest_size=20)
    for text_id, text in texts:
        digest.update(f"{text_id}\x00{text}\x01".encode())
    key = digest.digest()
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    index = SimilarityIndex.build(texts)
    with _cache_lock:
        _cache[key] = index
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return index


def _site_names(session: Session, site_ids: set[int]) -> dict[int, str]:
    if not site_ids:
        return {}
    rows = session.exec(select(Unit.id, Unit.name).where(col(Unit.id).in_(site_ids))).all()
    return {unit_id or 0: name for unit_id, name in rows}

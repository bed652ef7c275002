"""Finding and reading stories: one story, filtered lists, the shape the API returns."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storybank.access import SITE_ROLES, Actor, can_read_story, readable_stories, reads_original
from storybank.errors import FieldProblem, InvalidInput, NotFound
from storybank.models import (
    LABELS,
    PERSONAL_FIELDS,
    STORY_FIELDS,
    Code,
    CodeRef,
    Role,
    Story,
    StoryDeidentified,
    StoryPublic,
    Unit,
    User,
)
from storybank.review.final import final_code_ids
from storybank.stories.cursors import (
    BOTH_PAGINGS,
    DEFAULT_SORT,
    SORTS,
    make_cursor,
    order_by,
    read_cursor,
    seek_condition,
)
from storybank.stories.filtering import check_filters, filter_conditions
from storybank.stories.search import SearchQuery, counting_matches, few_matches, hits, matches

# The text fields a search looks in: the title and every long text.
SEARCHABLE = tuple(field.name for field in STORY_FIELDS if field.is_text)
# Search results in order of how well they match (only with a search; offset paging).
RELEVANCE = "relevance"


@dataclass
class StoryFilters:
    """What a story list can be narrowed by."""

    site_id: int | None = None
    status: str | None = None
    perspective: str | None = None
    contact_route: str | None = None
    story_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None
    author_id: int | None = None
    sort: str = DEFAULT_SORT
    # A unit at any level (its sites' stories), a final code, and MSC: candidates in a
    # round, at a level or in a domain, or (with `selected`) the stories chosen there.
    unit_id: int | None = None
    consent_level: str | None = None
    outcome: int | None = None
    theme: str | None = None
    round_id: int | None = None
    level: str | None = None
    msc_domain_id: int | None = None
    selected: bool | None = None


def get_story(*, session: Session, actor: Actor, story_id: int) -> Story:
    """One story the actor may read; NotFound otherwise (existence is not revealed)."""
    story = session.get(Story, story_id)
    if story is None or story.erased_at is not None or not _may_read(session, actor, story):
        raise NotFound(f"There is no story with id {story_id} that you can see.")
    return story


def _may_read(session: Session, actor: Actor, story: Story) -> bool:
    confirmed = reads_original(actor, story.site_id) or deidentified_confirmed(
        session=session, story_id=story.id or 0
    )
    return can_read_story(actor, story, deidentified_confirmed=confirmed)


def deidentified_confirmed(*, session: Session, story_id: int) -> bool:
    """Whether the story has a confirmed de-identified version."""
    found = session.get(StoryDeidentified, story_id)
    return found is not None and found.confirmed_at is not None


@dataclass
class StoryList:
    """One page of a story list: the total that matched, the stories, and the cursor of
    the page after this one (None on the last page)."""

    total: int
    stories: list[Story]
    next_after: str | None = None


def list_stories(
    *,
    session: Session,
    actor: Actor,
    filters: StoryFilters,
    offset: int = 0,
    limit: int = 25,
    after: str | None = None,
) -> StoryList:
    """Stories the actor may read, filtered and sorted, with the exact total that matched;
    a page starts at `offset` or, for deep pages, just after the `after` cursor."""
    listing = story_listing(session=session, actor=actor, filters=filters)
    count = select(func.count()).select_from(Story).where(*listing.counted)
    with counting_matches(session=session, searched=listing.searched):
        total = session.exec(count).one()
    query = listing.ordered(listing.joined(select(Story))).limit(limit + 1)
    if after is not None:
        if offset:
            raise InvalidInput(BOTH_PAGINGS, problems=[FieldProblem("after", BOTH_PAGINGS)])
        query = query.where(seek_condition(listing.sort, read_cursor(after, listing.sort)))
    rows = list(session.exec(query.offset(offset)).all())
    more = len(rows) > limit and not listing.by_relevance
    last = rows[limit - 1] if more else None
    return StoryList(total, rows[:limit], make_cursor(listing.sort, last) if last else None)


@dataclass
class Listing:
    """How a story list finds its stories: the conditions (a search among them, as
    "matches"), and the order: a sort of SORTS with id or, with `scored`, the search
    hits' relevance, joined only to order the page."""

    sort: str
    conditions: list[ColumnElement[bool]]
    scored: Subquery | None = None
    scored_readable: ColumnElement[bool] | None = None
    by_relevance: bool = False
    searched: bool = False
    # The conditions a count uses: the same stories, perhaps found another way round.
    count_conditions: list[ColumnElement[bool]] | None = None

    @property
    def counted(self) -> list[ColumnElement[bool]]:
        """The conditions of the list's count."""
        return self.conditions if self.count_conditions is None else self.count_conditions

    def joined(self, query: Any) -> Any:
        """The query narrowed by the conditions (for a page, with `ordered`)."""
        return query.where(*self.conditions)

    def ordered(self, query: Any) -> Any:
        """The query in the list's order."""
        if self.scored is not None and self.scored_readable is not None:
            query = query.join(self.scored, self.scored.c.story_id == Story.id)
            return query.where(self.scored_readable).order_by(
                self.scored.c.score, col(Story.id).desc()
            )
        return query.order_by(*order_by(self.sort))


def story_listing(*, session: Session, actor: Actor, filters: StoryFilters) -> Listing:
    """The stories a list with these filters shows this actor, in its order."""
    check_filters(session=session, filters=filters)
    search = SearchQuery.parse(filters.q)
    sort = filters.sort if filters.sort in SORTS else DEFAULT_SORT
    listing = Listing(sort, _list_conditions(actor, filters))
    if search:
        listing.searched = True
        base = list(listing.conditions)
        listing.conditions.append(_readable_match(session, actor, search))
        if few_matches(session=session, query=search, **_texts_searched(actor)):
            listing.count_conditions = [*base, _readable_match(session, actor, search, True)]
        if filters.sort == RELEVANCE:
            listing.by_relevance = True
            listing.scored = _search_hits(session, actor, search)
            listing.scored_readable = _hit_is_readable(actor, listing.scored.c.original)
    return listing


def story_conditions(actor: Actor, filters: StoryFilters) -> list[ColumnElement[bool]]:
    """The WHERE conditions on Story of a list with these filters, without the search."""
    return _list_conditions(actor, filters)


def _list_conditions(actor: Actor, filters: StoryFilters) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a story list: visible, not erased, and every filter."""
    conditions = [readable_stories(actor), col(Story.erased_at).is_(None)]
    for name in ("site_id", "status", "perspective", "contact_route", "story_type", "author_id"):
        value = getattr(filters, name)
        if value is not None:
            conditions.append(getattr(Story, name) == value)
    if filters.date_from:
        conditions.append(col(Story.change_date) >= filters.date_from)
    if filters.date_to:
        conditions.append(col(Story.change_date) <= filters.date_to)
    return conditions + filter_conditions(filters)


def _readable_match(
    session: Session, actor: Actor, search: SearchQuery, driven: bool = False
) -> ColumnElement[bool]:
    """The search matches in the text the actor reads: the original inside the story's
    site, the de-identified version outside it (so a removed name finds nothing)."""
    if actor.is_admin:
        return matches(session=session, query=search, original=True, driven=driven)
    inside = sorted(actor.sites_for(*SITE_ROLES))
    original = matches(session=session, query=search, original=True, driven=driven)
    if not actor.sites_for(Role.evaluator) - set(inside):
        # Every story the actor may read is inside their sites (readable_stories): the
        # original text alone, a condition PostgreSQL can take from its GIN index.
        return original
    outside = matches(session=session, query=search, original=False, driven=driven)
    if not inside:
        return outside
    return or_(
        and_(col(Story.site_id).in_(inside), original),
        and_(col(Story.site_id).not_in(inside), outside),
    )


def _search_hits(session: Session, actor: Actor, search: SearchQuery) -> Subquery:
    """The stories the search finds, in the text versions this actor could read."""
    return hits(session=session, query=search, **_texts_searched(actor))


def _texts_searched(actor: Actor) -> dict[str, bool]:
    """Which texts a search looks in for this actor: the original (inside a site they work
    in) and the de-identified versions (for any story read from outside its site)."""
    return {
        "original": actor.is_admin or bool(actor.sites_for(*SITE_ROLES)),
        "redacted": not actor.is_admin,
    }


def _hit_is_readable(actor: Actor, original: ColumnElement[int]) -> ColumnElement[bool]:
    """A search hit counts only in the text the actor reads: the original inside the
    story's site, the de-identified version outside it (so a removed name finds nothing)."""
    if actor.is_admin:
        return original == 1
    inside = sorted(actor.sites_for(*SITE_ROLES))
    return or_(
        and_(col(Story.site_id).in_(inside), original == 1),
        and_(col(Story.site_id).not_in(inside), original == 0),
    )


def as_shown(*, session: Session, actor: Actor, stories: list[Story]) -> list[Story]:
    """The stories as this actor may see them: stories read from outside their site carry
    their de-identified text instead of the original (detached copies; one query)."""
    outside = {s.id for s in stories if not reads_original(actor, s.site_id)}
    if not outside:
        return stories
    versions = deidentified_texts(session=session, story_ids=[i for i in outside if i])
    shown: list[Story] = []
    for story in stories:
        if story.id not in outside:
            shown.append(story)
            continue
        copy = Story.model_validate(story.model_dump())
        for name, value in shown_text(versions.get(story.id or 0)).items():
            setattr(copy, name, value)
        shown.append(copy)
    return shown


def deidentified_texts(*, session: Session, story_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The personal fields of these stories' de-identified versions, by story id (one
    query, plain values: nothing is kept in the session)."""
    if not story_ids:
        return {}
    table = StoryDeidentified.__table__  # type: ignore[attr-defined]
    found = sa_select(table.c.story_id, *(table.c[name] for name in PERSONAL_FIELDS)).where(
        table.c.story_id.in_(story_ids)
    )
    return {row[0]: dict(row._mapping) for row in session.execute(found)}


def shown_text(version: dict[str, Any] | None) -> dict[str, Any]:
    """What a reader outside a story's site sees in place of its personal text: the
    de-identified version's, or nothing when there is none."""
    if version is not None:
        return {name: version[name] for name in PERSONAL_FIELDS}
    return {name: [] if name == "community_solutions" else "" for name in PERSONAL_FIELDS}


def to_public(*, session: Session, actor: Actor, stories: list[Story]) -> list[StoryPublic]:
    """Shape stories for the API as this actor may see them: site and author names,
    confirmed codes, de-identified text outside the site; a fixed number of queries."""
    stories = as_shown(session=session, actor=actor, stories=stories)
    ids = [s.id for s in stories]
    sites = dict(
        session.exec(
            select(Unit.id, Unit.name).where(col(Unit.id).in_({s.site_id for s in stories}))
        ).all()
    )
    authors = dict(
        session.exec(
            select(User.id, User.display_name).where(
                col(User.id).in_({s.author_id for s in stories})
            )
        ).all()
    )
    codes = confirmed_codes(session=session, story_ids=ids)
    return [
        StoryPublic.model_validate(
            {
                **story.model_dump(),
                "site_name": sites.get(story.site_id, ""),
                "author_name": authors.get(story.author_id, ""),
                "codes": codes.get(story.id or 0, []),
                "text_version": (
                    "original" if reads_original(actor, story.site_id) else "deidentified"
                ),
            }
        )
        for story in stories
    ]


def confirmed_codes(*, session: Session, story_ids: list[int | None]) -> dict[int, list[CodeRef]]:
    """The final codes of each story (storybank/review/final.py), outcomes then themes."""
    codes: dict[int, Code] = {}
    finals = final_code_ids(session=session, story_ids=story_ids, codes=codes)
    ordered = sorted(codes.values(), key=lambda c: (c.kind, c.sort_order, c.id or 0))
    result: dict[int, list[CodeRef]] = defaultdict(list)
    for story_id, final in finals.items():
        result[story_id] = [
            CodeRef(key=c.key, kind=c.kind, label=c.label, number=c.number)
            for c in ordered
            if c.id in final
        ]
    return result


def label(value: str | None) -> str:
    """A person-readable label for a stored choice value."""
    return LABELS.get(value or "", value or "")

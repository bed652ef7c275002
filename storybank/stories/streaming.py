"""Every story of a list, a page at a time, as plain rows: for exports of the whole bank.

Each page is one query in the list's order that seeks past the last row of the page
before (keyset paging, no OFFSET and no count). Rows are read as plain mappings, not
ORM objects, so nothing piles up in the session and memory stays bounded however many
stories there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from storybank.access import Actor, reads_original
from storybank.models import Story
from storybank.stories.cursors import SORTS, seek_condition
from storybank.stories.finding import (
    StoryFilters,
    deidentified_texts,
    shown_text,
    story_listing,
)

StoryRow = dict[str, Any]
STORY_TABLE = Story.__table__  # type: ignore[attr-defined]


def story_row_pages(
    *, session: Session, actor: Actor, filters: StoryFilters, page_size: int
) -> Iterator[list[StoryRow]]:
    """The stories the actor may read that match the filters, in the list's order, as
    pages of column values, the text as this actor may see it (`as_shown`)."""
    listing = story_listing(session=session, actor=actor, filters=filters)
    query = listing.ordered(listing.joined(select(STORY_TABLE))).limit(page_size)
    sort_column = SORTS[listing.sort][0]
    after: tuple[Any, int] | None = None
    offset = 0
    while True:
        paged = query.offset(offset) if listing.by_relevance else query
        if after is not None and not listing.by_relevance:
            paged = paged.where(seek_condition(listing.sort, after))
        page = [dict(row) for row in session.execute(paged).mappings()]
        if page:
            yield shown_rows(session=session, actor=actor, rows=page)
        if len(page) < page_size:
            return
        offset += page_size
        after = (page[-1][sort_column], page[-1]["id"])


def shown_rows(*, session: Session, actor: Actor, rows: list[StoryRow]) -> list[StoryRow]:
    """Story rows as this actor may see them: rows read from outside their site carry
    the de-identified text in place of the original (one query)."""
    outside = {row["id"] for row in rows if not reads_original(actor, row["site_id"])}
    versions = deidentified_texts(session=session, story_ids=sorted(outside))
    for row in rows:
        if row["id"] in outside:
            row.update(shown_text(versions.get(row["id"])))
    return rows

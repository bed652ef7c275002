"""Reading one story costs a small, fixed number of database queries, however many codes,
solutions or people it has."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from storybank.models import Code, utcnow
from tests.builders import make_story, token_headers
from tests.web.pages import log_in
from tests.web.test_story_page import confirm_codes


@contextmanager
def counted(engine):
    """The SQL statements run on the engine inside the block."""
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def _story_with_codes(session, somerset, staff, how_many: int) -> int:
    story = make_story(
        session,
        site=somerset,
        author=staff,
        community_solutions=[f"solution {n}" for n in range(how_many)],
        consent_recorded_by_id=staff.id,
        consent_recorded_at=utcnow(),
    )
    keys = session.exec(select(Code.key).limit(how_many)).scalars().all()
    confirm_codes(session, story, staff, keys)
    return story.id


@pytest.mark.parametrize("path", ["/api/v1/stories/{id}", "/stories/{id}"])
def test_a_story_is_read_in_the_same_few_queries_with_two_codes_or_twenty(
    client, session, engine, somerset, staff, path
):
    few = _story_with_codes(session, somerset, staff, 2)
    many = _story_with_codes(session, somerset, staff, 20)
    headers = token_headers(session, staff)
    if path.startswith("/stories"):
        log_in(client, staff)
        headers = {}
    client.get(path.format(id=few), headers=headers)

    counts = []
    for story_id in (few, many):
        with counted(engine) as statements:
            page = client.get(path.format(id=story_id), headers=headers)
        assert page.status_code == 200
        counts.append(len(statements))

    assert counts[0] == counts[1]
    # Sign-in and the actor, the story with its site, author, final codes (review
    # assignments, codings, then the codes they name, read once each) and de-identified
    # state, its suggestions' state, its MSC trail, and the menu's checks. Similar stories
    # load in their own request, so they add nothing here.
    assert counts[1] <= 17, counts

"""The `story_final_codes` table kept in step with final.py's one definition of final codes.

Counts over 100,000 stories must be plain SQL, so each story's final codes are stored.
Every ORM change to a coding, an assignment or an adjudication marks its story stale
(`after_flush`); before the transaction commits the stale stories' rows are rewritten from
`final_code_ids` (`before_commit`), inside the same transaction, so the table can never
disagree with what a story page shows. Bulk inserts that bypass the ORM (import, scale
demo) write the rows themselves with `insert_final_codes`; a bulk delete calls
`mark_stale`. `rebuild_final_codes` rewrites the whole table (repair, tests).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, delete, event, select, update
from sqlmodel import Session, col

from storybank.bulk import add_pairs, add_rows
from storybank.models import Adjudication, Coding, ReviewAssignment, Story, StoryFinalCode
from storybank.review.final import final_code_ids

STALE = "storybank_final_codes_stale"
TRACKED = (Coding, ReviewAssignment, Adjudication)
TABLE = StoryFinalCode.__table__  # type: ignore[attr-defined]
STORIES = Story.__table__  # type: ignore[attr-defined]
# Code ids up to this fit in stories.code_set, a signed 64-bit bit set.
MAX_BIT = 62
# Stories rewritten per statement: well under SQLite's bound-parameter limit.
BATCH = 900


def mark_stale(session: Session, story_ids: Iterable[int | None]) -> None:
    """Have these stories' final codes rewritten before the transaction commits."""
    session.info.setdefault(STALE, set()).update(i for i in story_ids if i is not None)


def code_set_of(code_ids: Iterable[int]) -> int:
    """Code ids as the bit set stories.code_set holds (ids past MAX_BIT are left out)."""
    return sum(1 << code_id for code_id in set(code_ids) if 0 <= code_id <= MAX_BIT)


def refresh_final_codes(*, session: Session, story_ids: Iterable[int]) -> None:
    """Rewrite the stored final codes of these stories from their codings now."""
    ids = sorted(set(story_ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        finals = final_code_ids(session=session, story_ids=batch)
        session.execute(delete(TABLE).where(TABLE.c.story_id.in_(batch)))
        pairs = [(s, c) for s, codes in finals.items() for c in codes]
        add_rows(session, TABLE, [{"story_id": s, "code_id": c} for s, c in sorted(set(pairs))])
        _write_code_sets(session, {i: code_set_of(finals.get(i, ())) for i in batch})


def insert_final_codes(session: Session, pairs: Iterable[tuple[int, int]]) -> int:
    """Insert the final-code rows of new stories (once each); returns how many rows.

    The stories' rows must already hold their code sets (`code_set_of` of the same codes,
    given when they are inserted): setting them afterwards would rewrite every new story
    row a second time, with all its indexes and, on PostgreSQL, its search document.
    """
    found = sorted(set(pairs))
    add_pairs(session, TABLE, ("story_id", "code_id"), found)
    return len(found)


def _write_code_sets(session: Session, code_sets: dict[int, int]) -> None:
    """Set stories.code_set, one executemany statement for all the stories given."""
    if not code_sets:
        return
    change = (
        update(STORIES)
        .where(STORIES.c.id == bindparam("story"))
        .values(code_set=bindparam("codes"))
    )
    session.execute(change, [{"story": s, "codes": c} for s, c in sorted(code_sets.items())])


def rebuild_final_codes(*, session: Session) -> int:
    """Rewrite every story's stored final codes; returns how many rows it holds now."""
    session.execute(delete(TABLE))
    ids = list(session.execute(select(col(Story.id)).order_by(col(Story.id))).scalars())
    refresh_final_codes(session=session, story_ids=ids)
    return len(session.execute(select(TABLE.c.story_id)).all())


def _note_changes(session: Session, _context: Any) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    mark_stale(session, (o.story_id for o in changed if isinstance(o, TRACKED)))


def _refresh_before_commit(session: Session) -> None:
    session.flush()
    stale = session.info.pop(STALE, None)
    if stale:
        refresh_final_codes(session=session, story_ids=stale)


def _forget_stale(session: Session, *_args: Any) -> None:
    session.info.pop(STALE, None)


def keep_final_codes_in_step() -> None:
    """Register the session hooks (once; idempotent)."""
    if event.contains(Session, "after_flush", _note_changes):
        return
    event.listen(Session, "after_flush", _note_changes)
    event.listen(Session, "before_commit", _refresh_before_commit)
    event.listen(Session, "after_rollback", _forget_stale)


def stored_final_codes(*, session: Session) -> dict[int, set[int]]:
    """Every story's stored final code ids (tests and repair checks)."""
    found: dict[int, set[int]] = {}
    for story_id, code_id in session.execute(select(TABLE.c.story_id, TABLE.c.code_id)):
        found.setdefault(story_id, set()).add(code_id)
    return found


def stored_code_sets(*, session: Session) -> dict[int, int]:
    """Every story's stored code set that is not empty (tests and repair checks)."""
    rows = session.execute(select(STORIES.c.id, STORIES.c.code_set).where(STORIES.c.code_set != 0))
    return {story_id: int(codes) for story_id, codes in rows}

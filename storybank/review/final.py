"""A story's final codes: the one definition the counts, lists, pages and exports use.

- Never reviewed here (no assignment; demo and imported codings): every confirmed coding.
- Coded by one reviewer: that reviewer's codes, once they have finished.
- Blind double coded: the codes both coders applied, plus each code they disagreed on that
  an adjudicator included, once both have finished and every disagreement is adjudicated.
Until then the story has no final codes, so nothing of a coder's work shows to others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from storybank.models import Adjudication, Code, Coding, ReviewAssignment


@dataclass
class StoryCoding:
    """Who is coding one story, what each applied, and what was adjudicated."""

    story_id: int
    assignments: list[ReviewAssignment] = field(default_factory=list)
    codes_by_coder: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    adjudicated: dict[int, bool] = field(default_factory=dict)

    @property
    def coders(self) -> list[int]:
        """The assigned reviewers in position order."""
        return [a.reviewer_id for a in sorted(self.assignments, key=lambda a: a.position)]

    @property
    def all_finished(self) -> bool:
        """True when every assigned reviewer has finished."""
        return all(a.finished_at is not None for a in self.assignments)

    @property
    def double(self) -> bool:
        """True when two reviewers code the story blind."""
        return len(self.assignments) == 2

    def disputed(self) -> set[int]:
        """Codes exactly one of two finished blind coders applied."""
        if not (self.double and self.all_finished):
            return set()
        first, second = (self.codes_by_coder.get(r, set()) for r in self.coders)
        return first ^ second

    def awaiting_adjudication(self) -> set[int]:
        """Disputed codes nobody has adjudicated yet."""
        return self.disputed() - set(self.adjudicated)

    def final(self) -> frozenset[int] | None:
        """The final code ids, or None while coding or adjudication is unfinished."""
        if not self.assignments:
            return frozenset().union(*self.codes_by_coder.values())
        if not self.all_finished:
            return None
        if not self.double:
            return frozenset(self.codes_by_coder.get(self.coders[0], set()))
        if self.awaiting_adjudication():
            return None
        first, second = (self.codes_by_coder.get(r, set()) for r in self.coders)
        included = {code for code, yes in self.adjudicated.items() if yes}
        return frozenset((first & second) | (self.disputed() & included))


def story_codings(
    *, session: Session, story_ids: Iterable[int | None], codes: dict[int, Code] | None = None
) -> dict[int, StoryCoding]:
    """Each story's assignments, codes per coder and adjudications (two or three queries);
    the Code rows met on the way are put in `codes` if given."""
    ids = [i for i in story_ids if i is not None]
    result = {story_id: StoryCoding(story_id) for story_id in ids}
    if not ids:
        return result
    for assignment in session.exec(
        select(ReviewAssignment).where(col(ReviewAssignment.story_id).in_(ids))
    ).all():
        result[assignment.story_id].assignments.append(assignment)
    for story_id, coder_id, code_id in session.exec(
        select(Coding.story_id, Coding.coder_id, Coding.code_id).where(
            col(Coding.story_id).in_(ids)
        )
    ).all():
        result[story_id].codes_by_coder[coder_id].add(code_id)
    if codes is not None:
        _add_codes(session, result.values(), codes)
    _add_adjudications(session, [c for c in result.values() if c.double and c.all_finished])
    return result


def _add_codes(session: Session, codings: Iterable[StoryCoding], codes: dict[int, Code]) -> None:
    """The Code rows of every code applied, read once each (a codebook is small; a page
    of stories has thousands of codings)."""
    wanted = set().union(*(c for coding in codings for c in coding.codes_by_coder.values()))
    wanted -= set(codes)
    if wanted:
        for code in session.exec(select(Code).where(col(Code.id).in_(sorted(wanted)))).all():
            codes[code.id or 0] = code


def _add_adjudications(session: Session, codings: list[StoryCoding]) -> None:
    if not codings:
        return
    by_story = {coding.story_id: coding for coding in codings}
    for story_id, code_id, included in session.exec(
        select(Adjudication.story_id, Adjudication.code_id, Adjudication.included).where(
            col(Adjudication.story_id).in_(list(by_story))
        )
    ).all():
        by_story[story_id].adjudicated[code_id] = included


def final_code_ids(
    *, session: Session, story_ids: Iterable[int | None], codes: dict[int, Code] | None = None
) -> dict[int, frozenset[int]]:
    """The final code ids of each story that has them (see the module's definition)."""
    found = story_codings(session=session, story_ids=story_ids, codes=codes)
    return {sid: final for sid, coding in found.items() if (final := coding.final()) is not None}

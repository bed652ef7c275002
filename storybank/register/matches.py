"""Register rows whose reference is a story already in the bank: skipped, or the story updated.

Without `update` a matching row is skipped (a re-imported export changes nothing). With it,
the story fields the file has columns for are rewritten from the row; its site, author,
status, consent, times and codes stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from storybank.access import Actor, can_read_story, require_story_writer
from storybank.errors import Forbidden
from storybank.models import STORY_FIELD_NAMES, TEXT_FIELDS, Story, StoryStatus
from storybank.register.rows import Problems, RowChecker, read_cells, validated_fields
from storybank.stories import missing_for_submit

LOOKUP_BATCH = 500
NOT_YOURS = "This reference belongs to a story you may not change."


@dataclass
class StoryMatch:
    """A row whose reference is an existing story's: `action` is skip, update or unchanged."""

    row: int
    story_id: int
    action: str
    message: str


@dataclass
class PlannedUpdate:
    """New values for a story's fields, to write if it is still at `version`."""

    row: int
    story_id: int
    version: int
    before: dict[str, Any]
    changes: dict[str, Any]


def stories_by_reference(*, session: Session, references: Iterable[str]) -> dict[str, Story]:
    """The stories holding any of these references, keyed by reference."""
    wanted = sorted(set(references))
    found: dict[str, Story] = {}
    for start in range(0, len(wanted), LOOKUP_BATCH):
        batch = wanted[start : start + LOOKUP_BATCH]
        found |= {
            s.reference: s
            for s in session.exec(select(Story).where(col(Story.reference).in_(batch)))
        }
    return found


def check_match(
    checker: RowChecker, row: int, raw: dict[str, Any], story: Story, *, update: bool
) -> tuple[StoryMatch | None, PlannedUpdate | None, Problems]:
    """What happens to a row matching `story`: skipped, or checked as the story's new fields."""
    assert story.id is not None
    if not _may_change(checker.actor, story):
        return None, None, [("reference", NOT_YOURS)]
    if not update:
        skipped = f"Matches story {story.id}; skipped (import with update to change it)."
        return StoryMatch(row, story.id, "skip", skipped), None, []
    if story.erased_at is not None:
        return None, None, [("reference", f"Story {story.id} was erased; it cannot be updated.")]
    problems: Problems = []
    changes = _changes(checker, raw, story, problems)
    if changes is None:
        return None, None, problems
    if not changes:
        return (
            StoryMatch(row, story.id, "unchanged", f"Matches story {story.id}; no change."),
            None,
            [],
        )
    before = {name: getattr(story, name) for name in changes}
    plan = PlannedUpdate(row, story.id, story.version, before, changes)
    message = f"Matches story {story.id}; updates {', '.join(sorted(changes))}."
    return StoryMatch(row, story.id, "update", message), plan, []


def _changes(
    checker: RowChecker, raw: dict[str, Any], story: Story, problems: Problems
) -> dict[str, Any] | None:
    """The story fields the row changes, in stored form; None (and problems) if it cannot."""
    values = read_cells(raw, problems)
    _check_same_site(checker, story, values.get("site"), problems)
    given = {name: values.get(name) for name in STORY_FIELD_NAMES if name in raw}
    stored = validated_fields(given, problems, keep_empty=True)
    if stored is None or problems:
        return None
    changes = {
        name: value for name, value in _as_stored(stored).items() if getattr(story, name) != value
    }
    if story.status == StoryStatus.submitted:
        probe = Story(**{**story.model_dump(), **changes})
        problems.extend((p.field, p.message) for p in missing_for_submit(probe))
    return None if problems else changes


def _may_change(actor: Actor, story: Story) -> bool:
    if not can_read_story(actor, story, deidentified_confirmed=False):
        return False
    try:
        require_story_writer(actor, story.site_id)
    except Forbidden:
        return False
    return True


def _check_same_site(
    checker: RowChecker, story: Story, name: str | None, problems: Problems
) -> None:
    """An import does not move a story to another site."""
    site = next((s for s in checker.sites.values() if s.id == story.site_id), None)
    if name and site is not None and name.strip().lower() != site.name.strip().lower():
        problems.append(
            ("site", f"Story {story.id} belongs to {site.name}; an import does not move it.")
        )


def _as_stored(values: dict[str, Any]) -> dict[str, Any]:
    """Empty cells as the story stores them: '' for text, [] for community solutions."""
    cleared = {"title", *TEXT_FIELDS}
    return {
        name: ("" if name in cleared else [] if name == "community_solutions" else None)
        if value is None
        else value
        for name, value in values.items()
    }

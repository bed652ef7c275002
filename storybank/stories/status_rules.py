"""What may be done to a story in each status: one rule each, enforced by the services that
write stories and asked by the pages that decide which actions to offer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from storybank.errors import Conflict
from storybank.models import LABELS, StoryStatus

NOT_EDITABLE = {
    StoryStatus.submitted: (
        "This story has been submitted, and submitted stories cannot be edited. To change it, "
        "withdraw it and write it again as a new draft, or ask an admin for help."
    ),
    StoryStatus.withdrawn: (
        "This story has been withdrawn, and withdrawn stories cannot be edited. Write a new "
        "draft instead, or ask an admin for help."
    ),
}
ALREADY_WITHDRAWN = "This story has already been withdrawn."


class HasStatus(Protocol):
    """A stored story or its public shape: anything with a story status."""

    status: str


@dataclass(frozen=True)
class Allowed:
    """Which changes a story's status allows (the actor's own rights are checked apart)."""

    edit: bool
    submit: bool
    change_consent: bool
    withdraw: bool


def allowed(story: HasStatus) -> Allowed:
    """Every status rule at once, for a page deciding which actions to offer."""
    return Allowed(
        edit=may_edit(story),
        submit=may_submit(story),
        change_consent=may_change_consent(story),
        withdraw=may_withdraw(story),
    )


def may_edit(story: HasStatus) -> bool:
    """Only a draft can be edited."""
    return story.status == StoryStatus.draft


def require_editable(story: HasStatus) -> None:
    """Only drafts can be edited; for any other story say why, and what to do instead."""
    if not may_edit(story):
        message = NOT_EDITABLE.get(StoryStatus(story.status), NOT_EDITABLE[StoryStatus.submitted])
        raise Conflict(message, code="not_editable")


def may_submit(story: HasStatus) -> bool:
    """Only a draft can be submitted."""
    return story.status == StoryStatus.draft


def require_submittable(story: HasStatus) -> None:
    """A Conflict for a story that is no longer a draft."""
    if not may_submit(story):
        raise Conflict(
            f"This story is {_status(story)}, so it can no longer be submitted. "
            "Open the story to see it.",
            code="wrong_status",
        )


def may_change_consent(story: HasStatus) -> bool:
    """A draft's or a submitted story's consent can change; a withdrawn story keeps its last."""
    return story.status in (StoryStatus.draft, StoryStatus.submitted)


def require_consent_changeable(story: HasStatus) -> None:
    """A Conflict for a story whose consent can no longer change."""
    if not may_change_consent(story):
        raise Conflict(
            f"This story is {_status(story)}, so its consent can no longer be changed. "
            "Open the story to see it.",
            code="wrong_status",
        )


def may_withdraw(story: HasStatus) -> bool:
    """A draft or a submitted story can be withdrawn, once."""
    return story.status != StoryStatus.withdrawn


def require_withdrawable(story: HasStatus) -> None:
    """A Conflict for a story that has already been withdrawn."""
    if not may_withdraw(story):
        raise Conflict(ALREADY_WITHDRAWN, code="already_withdrawn")


def _status(story: HasStatus) -> str:
    return LABELS.get(story.status, story.status).lower()

"""Writing, submitting, withdrawing, finding and reading change stories."""

from storybank.models import Story
from storybank.stories.finding import (
    StoryFilters,
    confirmed_codes,
    get_story,
    label,
    list_stories,
    to_public,
)
from storybank.stories.writing import (
    FIELD_NAMES,
    STALE_MESSAGE,
    create_draft,
    missing_for_submit,
    record_consent,
    require_editable,
    submit_story,
    update_draft,
    withdraw_story,
)

__all__ = [
    "FIELD_NAMES",
    "STALE_MESSAGE",
    "Story",
    "StoryFilters",
    "confirmed_codes",
    "create_draft",
    "get_story",
    "label",
    "list_stories",
    "missing_for_submit",
    "record_consent",
    "require_editable",
    "submit_story",
    "to_public",
    "update_draft",
    "withdraw_story",
]

"""Writing, submitting, withdrawing, finding and reading change stories."""

from storybank.models import Story
from storybank.stories.deidentifying import (
    get_deidentified,
    lapse_confirmation,
    save_deidentified,
)
from storybank.stories.finding import (
    StoryFilters,
    StoryList,
    as_shown,
    confirmed_codes,
    deidentified_confirmed,
    get_story,
    label,
    list_stories,
    to_public,
)
from storybank.stories.personal_data import personal_data_in, propose_deidentified
from storybank.stories.status_rules import (
    Allowed,
    allowed,
    may_change_consent,
    may_edit,
    may_submit,
    may_withdraw,
    require_consent_changeable,
    require_editable,
    require_submittable,
    require_withdrawable,
)
from storybank.stories.writing import (
    FIELD_NAMES,
    STALE_MESSAGE,
    create_draft,
    missing_for_submit,
    record_consent,
    submit_story,
    update_draft,
    withdraw_story,
)

__all__ = [
    "FIELD_NAMES",
    "STALE_MESSAGE",
    "Allowed",
    "Story",
    "StoryFilters",
    "StoryList",
    "allowed",
    "as_shown",
    "confirmed_codes",
    "create_draft",
    "deidentified_confirmed",
    "get_deidentified",
    "get_story",
    "label",
    "lapse_confirmation",
    "list_stories",
    "may_change_consent",
    "may_edit",
    "may_submit",
    "may_withdraw",
    "missing_for_submit",
    "personal_data_in",
    "propose_deidentified",
    "record_consent",
    "require_consent_changeable",
    "require_editable",
    "require_submittable",
    "require_withdrawable",
    "save_deidentified",
    "submit_story",
    "to_public",
    "update_draft",
    "withdraw_story",
]

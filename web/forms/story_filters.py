"""The story list's filter form (read from the query string) and its pagination."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from pydantic import Field, StringConstraints, field_validator

from storybank.models import ConsentLevel, ContactRoute, Id, Perspective, StoryStatus, StoryType
from storybank.stories import StoryFilters
from web.forms.dates import DateRangeQuery

PAGE_SIZE = 25
# Pages up to this one link to the next by page number; deeper pages by cursor, which
# the database finds through an index instead of counting past every earlier story.
CURSOR_FROM_PAGE = 5
DATE_LABELS = {"date_from": "Changed on or after", "date_to": "Changed on or before"}
CARRIED = {"unit_id", "round_id", "level", "msc_domain_id", "selected"}
SORT_OPTIONS = (
    ("relevance", "Best match"),
    ("-updated_at", "Recently updated"),
    ("-change_date", "Date of change, newest first"),
    ("change_date", "Date of change, oldest first"),
    ("title", "Title, A to Z"),
)


class StoryListQuery(DateRangeQuery):
    """The filter form's fields; an empty field means 'any'."""

    site_id: Id | None = None
    status: StoryStatus | None = None
    perspective: Perspective | None = None
    contact_route: ContactRoute | None = None
    story_type: StoryType | None = None
    outcome: int | None = Field(default=None, ge=1, le=6)
    theme: str | None = Field(default=None, pattern="^[a-z][a-z0-9_]{0,63}$")
    consent_level: ConsentLevel | None = None
    # Set by links from the insights pages; kept as hidden fields by the form.
    unit_id: Id | None = None
    round_id: Id | None = None
    level: str | None = Field(default=None, pattern="^[a-z][a-z0-9_]{0,23}$")
    msc_domain_id: Id | None = None
    selected: bool | None = None
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    sort: str | None = Field(default=None, pattern="^(relevance|-?(updated_at|change_date|title))$")
    page: int | None = Field(default=None, ge=1, le=100_000)
    after: str | None = Field(default=None, max_length=500)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_any(cls, value: Any) -> Any:
        return None if value == "" else value

    @property
    def page_number(self) -> int:
        return self.page or 1

    @property
    def offset(self) -> int:
        return (self.page_number - 1) * PAGE_SIZE

    def filters(self) -> StoryFilters:
        """The service's filters for this query."""
        values = self.model_dump(exclude={"page", "after", "sort", *self.DATE_BOXES})
        return StoryFilters(
            **{**values, **self.dates}, sort=self.sort or ("relevance" if self.q else "-updated_at")
        )

    def link(self, page: int, after: str | None = None) -> str:
        """The list URL for another page, keeping every filter (and the cursor to start
        after, for a deep page)."""
        chosen = self.model_dump(mode="json", exclude={"page", "after"}, exclude_none=True)
        cursor = {"after": after} if after else {}
        return "/stories?" + urlencode({**chosen, "page": page, **cursor})

    def export_link(self, path: str) -> str:
        """An export's URL carrying this list's filters (as the API reads them)."""
        chosen = {
            name: value.isoformat() if hasattr(value, "isoformat") else value
            for name, value in vars(self.filters()).items()
            if value is not None and name != "sort"
        }
        return f"{path}?{urlencode(chosen)}" if chosen else path

    def cursor_link(self, next_after: str | None) -> str | None:
        """The next page's URL by cursor, once the list is past its first pages."""
        if next_after is None or self.page_number < CURSOR_FROM_PAGE:
            return None
        return self.link(self.page_number + 1, after=next_after)

    @property
    def has_more_filters(self) -> bool:
        """Whether a filter other than the search words is set (the filter panel opens)."""
        return bool(self.model_dump(exclude={"page", "after", "sort", "q"}, exclude_none=True))

    @property
    def carried(self) -> dict[str, Any]:
        """The filters an insights link set that the form has no box for (hidden fields)."""
        return self.model_dump(mode="json", include=CARRIED, exclude_none=True)

    @property
    def is_filtered(self) -> bool:
        return bool(self.model_dump(exclude={"page", "after", "sort"}, exclude_none=True))

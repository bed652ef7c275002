"""The story list's filter form (read from the query string) and its pagination."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from pydantic import Field, StringConstraints, field_validator

from storybank.models import ContactRoute, Id, Perspective, StoryStatus, StoryType
from storybank.stories import StoryFilters
from web.forms.dates import DateRangeQuery

PAGE_SIZE = 25
DATE_LABELS = {"date_from": "Changed on or after", "date_to": "Changed on or before"}
SORT_OPTIONS = (
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
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    sort: str | None = Field(default=None, pattern="^-?(updated_at|change_date|title)$")
    page: int | None = Field(default=None, ge=1, le=100_000)

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
        values = self.model_dump(exclude={"page", "sort", *self.DATE_BOXES})
        return StoryFilters(**{**values, **self.dates}, sort=self.sort or "-updated_at")

    def link(self, page: int) -> str:
        """The list URL for another page, keeping every filter."""
        chosen = self.model_dump(mode="json", exclude={"page"}, exclude_none=True)
        return "/stories?" + urlencode({**chosen, "page": page})

    @property
    def has_more_filters(self) -> bool:
        """Whether a filter other than the search words is set (the filter panel opens)."""
        return bool(self.model_dump(exclude={"page", "sort", "q"}, exclude_none=True))

    @property
    def is_filtered(self) -> bool:
        return bool(self.model_dump(exclude={"page", "sort"}, exclude_none=True))

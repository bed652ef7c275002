"""The story list's filter form (read from the query string) and its pagination."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from pydantic import (
    BaseModel,
    Field,
    PrivateAttr,
    StringConstraints,
    field_validator,
    model_validator,
)

from storybank.models import ContactRoute, Id, Perspective, StoryStatus, StoryType
from storybank.stories import StoryFilters
from web.forms.dates import PARTS, DateInput, DateProblem, date_boxes, read_date

PAGE_SIZE = 25
# Pages up to this one link to the next by page number; deeper pages by cursor, which
# the database finds through an index instead of counting past every earlier story.
CURSOR_FROM_PAGE = 5
DateText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
DATE_FILTERS = {
    "date_from": "The date to search from",
    "date_to": "The date to search up to",
}
DATE_LABELS = {"date_from": "Changed on or after", "date_to": "Changed on or before"}
DATE_BOXES = {f"{name}_{part}" for name in DATE_FILTERS for part in PARTS}
SORT_OPTIONS = (
    ("-updated_at", "Recently updated"),
    ("-change_date", "Date of change, newest first"),
    ("change_date", "Date of change, oldest first"),
    ("title", "Title, A to Z"),
)


class StoryListQuery(BaseModel):
    """The filter form's fields; an empty field means 'any'."""

    site_id: Id | None = None
    status: StoryStatus | None = None
    perspective: Perspective | None = None
    contact_route: ContactRoute | None = None
    story_type: StoryType | None = None
    # Each date as day, month and year boxes, or as one day-first text (3/11/2026).
    date_from: DateText | None = None
    date_from_day: DateText | None = None
    date_from_month: DateText | None = None
    date_from_year: DateText | None = None
    date_to: DateText | None = None
    date_to_day: DateText | None = None
    date_to_month: DateText | None = None
    date_to_year: DateText | None = None
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    sort: str | None = Field(default=None, pattern="^-?(updated_at|change_date|title)$")
    page: int | None = Field(default=None, ge=1, le=100_000)
    after: str | None = Field(default=None, max_length=500)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_any(cls, value: Any) -> Any:
        return None if value == "" else value

    _dates: dict[str, date | None] = PrivateAttr(default_factory=dict)
    _date_problems: dict[str, DateProblem] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _read_dates(self) -> StoryListQuery:
        typed = self.model_dump()
        for name, subject in DATE_FILTERS.items():
            try:
                self._dates[name] = read_date(DateInput.from_form(typed, name), subject)
            except DateProblem as problem:
                self._date_problems[name] = problem
        return self

    @property
    def date_problems(self) -> dict[str, DateProblem]:
        """The dates that could not be read (their filter is left out)."""
        return self._date_problems

    def date_values(self) -> dict[str, str]:
        """What the date boxes show: what was typed, or a one-text date split into boxes."""
        values: dict[str, str] = {}
        for name in DATE_FILTERS:
            boxes = {f"{name}_{part}": getattr(self, f"{name}_{part}") or "" for part in PARTS}
            if not any(boxes.values()) and (read := self._dates.get(name)):
                boxes = date_boxes(name, read)
            elif not any(boxes.values()):
                boxes[f"{name}_day"] = getattr(self, name) or ""
            values.update(boxes)
        return values

    @property
    def page_number(self) -> int:
        return self.page or 1

    @property
    def offset(self) -> int:
        return (self.page_number - 1) * PAGE_SIZE

    def filters(self) -> StoryFilters:
        """The service's filters for this query."""
        values = self.model_dump(exclude={"page", "after", "sort", *DATE_BOXES})
        return StoryFilters(**{**values, **self._dates}, sort=self.sort or "-updated_at")

    def link(self, page: int, after: str | None = None) -> str:
        """The list URL for another page, keeping every filter (and the cursor to start
        after, for a deep page)."""
        chosen = self.model_dump(mode="json", exclude={"page", "after"}, exclude_none=True)
        cursor = {"after": after} if after else {}
        return "/stories?" + urlencode({**chosen, "page": page, **cursor})

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
    def is_filtered(self) -> bool:
        return bool(self.model_dump(exclude={"page", "after", "sort"}, exclude_none=True))

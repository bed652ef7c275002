"""Change stories, and the schemas used to write and read them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from uuid import uuid4

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator
from pydantic import Field as Check
from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, Numeric, String, Text, text
from sqlmodel import Field, SQLModel

from storybank.models.base import Id, Int64, UTCDateTime, utcnow


class Perspective(StrEnum):
    """Whose perspective the story is told from / who it is about."""

    individual = "individual"
    family_carer = "family_carer"
    staff = "staff"
    service = "service"
    organisation = "organisation"
    community = "community"


class ContactRoute(StrEnum):
    """How the person came into contact."""

    hub_walk_in = "hub_walk_in"
    council_referral = "council_referral"
    ongoing_support = "ongoing_support"
    gp_health = "gp_health"
    other = "other"


class StoryType(StrEnum):
    """A success story, or a learning story about something that did not go well."""

    success = "success"
    learning = "learning"


class StoryStatus(StrEnum):
    """Where a story is in its life."""

    draft = "draft"
    submitted = "submitted"
    withdrawn = "withdrawn"


class ConsentLevel(StrEnum):
    """How far the story's text may travel; ordered from narrowest to widest."""

    site_only = "site_only"
    programme_anonymised = "programme_anonymised"
    publishable_anonymised = "publishable_anonymised"


LABELS: dict[str, str] = {
    "individual": "An individual",
    "family_carer": "A family member or carer",
    "staff": "Staff",
    "service": "A service",
    "organisation": "An organisation",
    "community": "A community",
    "hub_walk_in": "Walked into a community hub",
    "council_referral": "Referral to the council",
    "ongoing_support": "Ongoing support from a worker",
    "gp_health": "GP or health service",
    "other": "Other",
    "success": "Success story",
    "learning": "Learning story (something did not go well)",
    "draft": "Draft",
    "submitted": "Submitted",
    "withdrawn": "Withdrawn",
    "site_only": "Site only: the text stays within the site",
    "programme_anonymised": "Programme-wide, anonymised",
    "publishable_anonymised": "Publishable, anonymised",
}

TEXT_FIELDS = ("what_mattered", "what_happened", "what_changed", "before_cls", "why_significant")
SUBMIT_REQUIRED = (
    "title",
    "perspective",
    "contact_route",
    "what_happened",
    "what_changed",
    "why_significant",
    "story_type",
    "change_date",
)

Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
Solution = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Money = Annotated[Decimal, Check(ge=0, le=100_000, max_digits=8, decimal_places=2)]


# The story list reads only stories that are not erased, in one of its sorts: partial
# indexes on (sort column, id) over those stories serve each sort (both directions) and
# the deep pages a cursor seeks to; (site_id, updated_at, id) and (status, updated_at, id)
# serve a site's or a status's stories newest first. Each ends with erased_at (always
# empty there) so that SQLite can count the matching stories from the index alone
# instead of reading every row of the table.
LIVE_STORIES = text("erased_at IS NULL")
LIST_INDEXES = {
    "ix_stories_live_updated": ("updated_at", "id", "erased_at"),
    "ix_stories_live_created": ("created_at", "id", "erased_at"),
    "ix_stories_live_change_date": ("change_date", "id", "erased_at"),
    "ix_stories_live_title": ("title", "id", "erased_at"),
    "ix_stories_live_site_updated": ("site_id", "updated_at", "id", "erased_at"),
    "ix_stories_live_status_updated": ("status", "updated_at", "id", "erased_at"),
}


def list_indexes() -> tuple[Index, ...]:
    """The story list's partial indexes, as the table declares them."""
    return tuple(
        Index(name, *columns, sqlite_where=LIVE_STORIES, postgresql_where=LIVE_STORIES)
        for name, columns in LIST_INDEXES.items()
    )


def new_reference() -> str:
    """A fresh story reference: a random UUID as 36 characters."""
    return str(uuid4())


class Story(SQLModel, table=True):
    """A change story: what changed, for whom, who helped and why it matters."""

    __tablename__ = "stories"
    __table_args__ = list_indexes()
    id: int | None = Field(default=None, primary_key=True)
    # A stable reference that register exports carry, so a re-import finds the same story.
    reference: str = Field(
        default_factory=new_reference, sa_type=String(36), unique=True, index=True
    )
    site_id: int = Field(
        sa_column=Column(Integer, ForeignKey("units.id"), index=True, nullable=False)
    )
    author_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id"), index=True, nullable=False)
    )
    title: str = Field(default="", sa_type=String(200))
    perspective: str | None = Field(default=None, sa_type=String(24), index=True)
    contact_route: str | None = Field(default=None, sa_type=String(24), index=True)
    what_mattered: str = Field(default="", sa_type=Text)
    what_happened: str = Field(default="", sa_type=Text)
    what_changed: str = Field(default="", sa_type=Text)
    before_cls: str = Field(default="", sa_type=Text)
    community_solutions: list[str] = Field(default_factory=list, sa_type=JSON)
    why_significant: str = Field(default="", sa_type=Text)
    story_type: str | None = Field(default=None, sa_type=String(16), index=True)
    change_date: date | None = Field(default=None, index=True)
    weekly_cost_before: Decimal | None = Field(default=None, sa_type=Numeric(10, 2))
    weekly_cost_after: Decimal | None = Field(default=None, sa_type=Numeric(10, 2))
    consent_level: str | None = Field(default=None, sa_type=String(32))
    consent_recorded_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    consent_recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default=StoryStatus.draft, sa_type=String(16), index=True)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1


class StoryFields(BaseModel):
    """The writable fields of a story; every one optional while it is a draft."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    perspective: Perspective | None = None
    contact_route: ContactRoute | None = None
    what_mattered: LongText | None = None
    what_happened: LongText | None = None
    what_changed: LongText | None = None
    before_cls: LongText | None = None
    community_solutions: list[Solution] | None = Check(default=None, max_length=30)
    why_significant: LongText | None = None
    story_type: StoryType | None = None
    change_date: date | None = None
    weekly_cost_before: Money | None = None
    weekly_cost_after: Money | None = None

    @field_validator("change_date")
    @classmethod
    def _not_in_future(cls, value: date | None) -> date | None:
        if value is not None and value > date.today():
            raise ValueError("the date of the change cannot be in the future")
        return value


class StoryCreate(StoryFields):
    """A new draft: the site it belongs to plus any fields written so far."""

    site_id: Id


class StoryUpdate(StoryFields):
    """Changes to a draft; `version` is the one the writer last saw (optimistic locking)."""

    version: Int64


class ConsentIn(BaseModel):
    """The consent level the person gave, recorded by the current user."""

    model_config = ConfigDict(extra="forbid")

    level: ConsentLevel
    version: Int64


class SubmitIn(BaseModel):
    """Submit a draft; consent may be recorded in the same step."""

    model_config = ConfigDict(extra="forbid")

    version: Int64
    consent_level: ConsentLevel | None = None


class VersionIn(BaseModel):
    """A state change that only needs the version the caller last saw."""

    model_config = ConfigDict(extra="forbid")

    version: Int64
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class CodeRef(BaseModel):
    """A confirmed code on a story, as shown with the story."""

    key: str
    kind: str
    label: str
    number: int | None = None


class StoryPublic(BaseModel):
    """A story as the API returns it."""

    id: int
    reference: str
    site_id: int
    site_name: str
    author_id: int
    author_name: str
    title: str
    perspective: str | None
    contact_route: str | None
    what_mattered: str
    what_happened: str
    what_changed: str
    before_cls: str
    community_solutions: list[str]
    why_significant: str
    story_type: str | None
    change_date: date | None
    weekly_cost_before: Decimal | None
    weekly_cost_after: Decimal | None
    consent_level: str | None
    consent_recorded_by_id: int | None
    consent_recorded_at: datetime | None
    status: str
    submitted_at: datetime | None
    withdrawn_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    codes: list[CodeRef] = []
    text_version: str = Check(
        default="original",
        description="'original', or 'deidentified' when read from outside the story's site "
        "(names and personal details replaced).",
    )


class StoryPage(BaseModel):
    """One page of a story list, with the total that matched."""

    total: int
    offset: int
    limit: int
    items: list[StoryPublic]
    next: str | None = Check(
        default=None,
        description="A cursor for the next page (send it as `after`, with the same filters "
        "and sort); null on the last page. Deep pages are quicker by cursor than by offset.",
    )

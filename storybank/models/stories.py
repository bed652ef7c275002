"""Change stories, and the schemas used to write and read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from uuid import uuid4

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator
from pydantic import Field as Check
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    false,
    text,
)
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


class FieldKind(StrEnum):
    """What a story field holds, which decides how each layer reads, writes and shows it."""

    line = "line"  # one line of text
    long_text = "long_text"  # free paragraphs
    choice = "choice"  # one of an enum's values
    lines = "lines"  # a list of short texts, one a line
    date = "date"
    money = "money"  # an amount in pounds


@dataclass(frozen=True)
class StoryField:
    """One writable field of a story: the single definition the services, the register
    and the web form all derive their field lists from."""

    name: str
    label: str  # how a message names it: "<label> is needed before submitting."
    kind: FieldKind
    needed_to_submit: bool = False
    personal: bool = False  # free text that may name people, so it is de-identified
    choices: type[StrEnum] | None = None

    @property
    def is_text(self) -> bool:
        """A text stored as a string ("" when empty): searched, and kept in de-identified form."""
        return self.kind in (FieldKind.line, FieldKind.long_text)


STORY_FIELDS: tuple[StoryField, ...] = (
    StoryField("title", "A title", FieldKind.line, needed_to_submit=True, personal=True),
    StoryField(
        "perspective",
        "Whose story it is",
        FieldKind.choice,
        needed_to_submit=True,
        choices=Perspective,
    ),
    StoryField(
        "contact_route",
        "How the person came into contact",
        FieldKind.choice,
        needed_to_submit=True,
        choices=ContactRoute,
    ),
    StoryField("what_mattered", "What mattered to the person", FieldKind.long_text, personal=True),
    StoryField(
        "what_happened", "What happened", FieldKind.long_text, needed_to_submit=True, personal=True
    ),
    StoryField(
        "what_changed", "What changed", FieldKind.long_text, needed_to_submit=True, personal=True
    ),
    StoryField(
        "before_cls",
        "What would have happened before Community Led Support",
        FieldKind.long_text,
        personal=True,
    ),
    StoryField(
        "community_solutions", "The community solutions used", FieldKind.lines, personal=True
    ),
    StoryField(
        "why_significant",
        "Why this change is significant",
        FieldKind.long_text,
        needed_to_submit=True,
        personal=True,
    ),
    StoryField(
        "story_type",
        "Whether it is a success or a learning story",
        FieldKind.choice,
        needed_to_submit=True,
        choices=StoryType,
    ),
    StoryField("change_date", "The date of the change", FieldKind.date, needed_to_submit=True),
    StoryField("weekly_cost_before", "The weekly cost before", FieldKind.money),
    StoryField("weekly_cost_after", "The weekly cost after", FieldKind.money),
)
STORY_FIELD_NAMES = tuple(field.name for field in STORY_FIELDS)
TEXT_FIELDS = tuple(field.name for field in STORY_FIELDS if field.kind == FieldKind.long_text)
SUBMIT_REQUIRED = tuple(field.name for field in STORY_FIELDS if field.needed_to_submit)
PERSONAL_FIELDS = tuple(field.name for field in STORY_FIELDS if field.personal)


def story_field(name: str) -> StoryField:
    """The definition of one story field by name; KeyError for a name that is not one."""
    return _BY_NAME[name]


_BY_NAME = {field.name: field for field in STORY_FIELDS}

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
    # What an evaluator's list filters on: submitted, shareable consent, their sites, a
    # confirmed de-identified version (so SQLite counts that list from this index alone).
    "ix_stories_live_shared": (
        "status",
        "consent_level",
        "site_id",
        "erased_at",
        "deidentified_confirmed",
    ),
    # Everything an insight filters and counts by, so that a count over 100,000 stories
    # reads this index alone (SQLite) instead of every story row.
    "ix_stories_live_insights": (
        "status",
        "site_id",
        "change_date",
        "code_set",
        "consent_level",
        "deidentified_confirmed",
        "story_type",
        "perspective",
        "contact_route",
        "erased_at",
    ),
}
# Stories with a confirmed de-identified version (the flag that triggers on
# story_deidentified keep in step, migration 0011), newest first, with every column an
# evaluator's list checks: that list and its count are read from this index alone.
EVALUABLE_INDEX = "ix_stories_live_confirmed_updated"
EVALUABLE_COLUMNS = (
    "updated_at",
    "id",
    "site_id",
    "status",
    "consent_level",
    "erased_at",
    "deidentified_confirmed",
)
EVALUABLE_SQLITE = text("erased_at IS NULL AND deidentified_confirmed = 1")
EVALUABLE_POSTGRESQL = text("erased_at IS NULL AND deidentified_confirmed")


def list_indexes() -> tuple[Index, ...]:
    """The story list's partial indexes, as the table declares them."""
    evaluable = Index(
        EVALUABLE_INDEX,
        *EVALUABLE_COLUMNS,
        sqlite_where=EVALUABLE_SQLITE,
        postgresql_where=EVALUABLE_POSTGRESQL,
    )
    return (
        *(
            Index(name, *columns, sqlite_where=LIVE_STORIES, postgresql_where=LIVE_STORIES)
            for name, columns in LIST_INDEXES.items()
        ),
        evaluable,
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
    # Whether story_deidentified holds a confirmed version of this story: kept in step by
    # triggers on that table (migration 0011), never written by the services.
    deidentified_confirmed: bool = Field(
        default=False, sa_column_kwargs={"server_default": false()}
    )
    # The story's final codes as a bit set (bit n for code id n, ids up to 62), kept in step
    # with story_final_codes by storybank/review/final_table.py (migration 0014): the
    # evaluator's counts read it from one index instead of joining every coding.
    code_set: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default=text("0"))
    )


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

"""De-identified versions of stories: the text that may leave the story's site."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints
from pydantic import Field as Check
from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, Text, text
from sqlmodel import Field, SQLModel

from storybank.models.base import UTCDateTime, utcnow
from storybank.models.stories import STORY_FIELDS

CONFIRMED = text("confirmed_at IS NOT NULL")

# The story fields that carry free text and so have a de-identified counterpart (the
# community solutions, a list, have theirs too: see PERSONAL_FIELDS).
DEIDENTIFIED_FIELDS = tuple(
    field.name for field in STORY_FIELDS if field.personal and field.is_text
)


class StoryDeidentified(SQLModel, table=True):
    """A story's text fields with names and personal details replaced, kept beside the
    original. Only a confirmed version is ever shown outside the story's site; editing the
    original's text lapses the confirmation (confirmed_at goes back to None)."""

    __tablename__ = "story_deidentified"
    # The confirmed versions, which is what an evaluator's list asks for story by story.
    __table_args__ = (
        Index(
            "ix_story_deidentified_confirmed_story",
            "story_id",
            sqlite_where=CONFIRMED,
            postgresql_where=CONFIRMED,
        ),
    )
    story_id: int = Field(
        sa_column=Column(Integer, ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True)
    )
    title: str = Field(default="", sa_type=Text)
    what_mattered: str = Field(default="", sa_type=Text)
    what_happened: str = Field(default="", sa_type=Text)
    what_changed: str = Field(default="", sa_type=Text)
    before_cls: str = Field(default="", sa_type=Text)
    why_significant: str = Field(default="", sa_type=Text)
    community_solutions: list[str] = Field(default_factory=list, sa_type=JSON)
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    confirmed_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id"), nullable=True)
    )


LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
Solution = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class DeidentifiedIn(BaseModel):
    """A de-identified version as written by a staff member or reviewer of the site.

    `version` is the version of the de-identified text the writer last saw (0 when there
    is none yet); `confirm` says it is checked and may be shown outside the site."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    what_mattered: LongText = ""
    what_happened: LongText = ""
    what_changed: LongText = ""
    before_cls: LongText = ""
    why_significant: LongText = ""
    community_solutions: list[Solution] = Check(default_factory=list, max_length=30)
    version: Annotated[int, Check(ge=0, le=2**31)]
    confirm: bool = False


class PersonalDataFound(BaseModel):
    """A piece of personal data the detector found in one of the story's fields.

    `start`/`end` are character offsets into the original field (for community solutions,
    into its lines joined by newlines); `replacement` is what the proposal puts there."""

    field: str
    kind: str = Check(
        description="person_name, phone, email, postcode, nhs_number, date_of_birth or address"
    )
    start: int
    end: int
    text: str
    replacement: str


class ProposedDeidentified(BaseModel):
    """The detector's proposal for the de-identified version, for a person to check."""

    title: str
    what_mattered: str
    what_happened: str
    what_changed: str
    before_cls: str
    why_significant: str
    community_solutions: list[str]


class DeidentifiedPublic(BaseModel):
    """A story's de-identified version and whether it is confirmed.

    With nothing saved yet, the text fields hold the original, `proposed` the detector's
    de-identified version to start from, and `found` what it found (when asked for)."""

    story_id: int
    title: str
    what_mattered: str
    what_happened: str
    what_changed: str
    before_cls: str
    why_significant: str
    community_solutions: list[str]
    version: int
    saved: bool
    confirmed: bool
    confirmed_at: datetime | None
    confirmed_by_id: int | None
    updated_at: datetime | None
    proposed: ProposedDeidentified | None = Check(
        default=None,
        description="When no version is saved: the detector's proposal, names replaced "
        'consistently ("[Person A]") and other details by kind ("[phone]"). Not confirmed.',
    )
    found: list[PersonalDataFound] = Check(
        default_factory=list,
        description="When no version is saved: each piece of personal data the detector "
        "found in the original, with its replacement in `proposed`.",
    )

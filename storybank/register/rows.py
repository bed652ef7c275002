"""Checking one register row for a new story: cells, site, author, fields, status, times, codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any, cast

from pydantic import ValidationError
from sqlmodel import Session, col, select

from storybank.access import Actor, load_actor, require_story_writer
from storybank.accounts import find_user_by_email
from storybank.errors import Forbidden
from storybank.models import (
    STORY_FIELD_NAMES,
    SUBMIT_REQUIRED,
    Code,
    CodeKind,
    Role,
    Story,
    StoryFields,
    StoryStatus,
    Unit,
    utcnow,
)
from storybank.register import cells
from storybank.register.columns import Column, Kind, find_column
from storybank.stories import missing_for_submit
from storybank.units import list_sites, unit_key

Problems = list[tuple[str, str]]


@dataclass
class PlannedStory:
    """A good row, ready to be written."""

    row: int
    reference: str | None
    site_id: int
    author_id: int
    values: dict[str, Any]
    status: str
    consent_level: str | None
    code_ids: list[int]
    code_keys: list[str]
    submitted_at: datetime | None = None
    withdrawn_at: datetime | None = None


@dataclass
class RowChecker:
    """Checks one row at a time against sites, accounts and the codebook loaded once."""

    session: Session
    actor: Actor
    sites: dict[str, Unit]
    outcomes: dict[int, Code]
    themes: dict[str, Code]
    authors: dict[str, Actor | None] = field(default_factory=dict)
    references: dict[str, int] = field(default_factory=dict)

    @property
    def keeps_history(self) -> bool:
        """Whether the file's authors and times are kept: only for an admin's import."""
        return self.actor.is_admin

    @classmethod
    def load(cls, session: Session, actor: Actor) -> RowChecker:
        """A checker with the sites and active codes read once."""
        codes = session.exec(select(Code).where(col(Code.active).is_(True))).all()
        themes = {c.key.lower(): c for c in codes if c.kind == CodeKind.theme}
        themes |= {c.label.lower(): c for c in codes if c.kind == CodeKind.theme}
        return cls(
            session=session,
            actor=actor,
            sites={s.name_key: s for s in list_sites(session=session)},
            outcomes={c.number: c for c in codes if c.kind == CodeKind.outcome and c.number},
            themes=themes,
        )

    def check(self, row: int, raw: dict[str, Any]) -> tuple[PlannedStory | None, Problems]:
        """The row's story ready to write, or None and every (column, problem) found in it."""
        problems: Problems = []
        values = read_cells(raw, problems)
        self.claim_reference(row, values.get("reference"), problems)
        site = self._site(values.get("site"), problems)
        author = self._author(values.get("author_email"), site, problems)
        fields = {name: values[name] for name in STORY_FIELD_NAMES if values.get(name) is not None}
        stored = validated_fields(fields, problems)
        status = values.get("status") or StoryStatus.submitted.value
        if status == StoryStatus.submitted:
            _check_submittable(fields, values.get("consent_level"), problems)
        times = self._times(status, values, problems)
        codes = self._codes(values.get("outcomes", []), values.get("themes", []), problems)
        if problems or site is None or author is None or stored is None:
            return None, problems
        plan = PlannedStory(
            row=row,
            reference=values.get("reference"),
            site_id=site.id or 0,
            author_id=author.id,
            values=stored,
            status=status,
            consent_level=values.get("consent_level"),
            code_ids=[c.id or 0 for c in codes],
            code_keys=[c.key for c in codes],
            **times,
        )
        return plan, []

    def claim_reference(self, row: int, reference: str | None, problems: Problems) -> None:
        """A reference may appear on one row of a file only."""
        if reference is None:
            return
        first = self.references.setdefault(reference, row)
        if first != row:
            problems.append(("reference", f"Row {first} has the same reference."))

    def _times(self, status: str, values: dict[str, Any], problems: Problems) -> dict[str, Any]:
        """The submitted and withdrawn times an admin's file gives (others' are not used)."""
        if not self.keeps_history:
            return {}
        times = {name: values.get(name) for name in ("submitted_at", "withdrawn_at")}
        if times["submitted_at"] and status == StoryStatus.draft:
            problems.append(("submitted_at", "A draft has not been submitted; leave this empty."))
        if times["withdrawn_at"] and status != StoryStatus.withdrawn:
            problems.append(("withdrawn_at", "Only a withdrawn story has a withdrawn time."))
        for name, moment in times.items():
            if moment is not None and moment > utcnow():
                problems.append((name, "This time is in the future."))
        return times

    def _site(self, name: str | None, problems: Problems) -> Unit | None:
        if not name:
            problems.append(("site", "A site is needed."))
            return None
        site = self.sites.get(unit_key(name))
        if site is None or site.id is None:
            problems.append(
                ("site", f"There is no site called {name!r}. Sites are not created by an import.")
            )
            return None
        try:
            require_story_writer(self.actor, site.id)
        except Forbidden as refused:
            problems.append(("site", f"{site.name}: {refused.message}"))
            return None
        return site

    def _author(self, email: str | None, site: Unit | None, problems: Problems) -> Actor | None:
        if not email or not self.keeps_history:
            return self.actor
        if email not in self.authors:
            user = find_user_by_email(session=self.session, email=email)
            self.authors[email] = (
                load_actor(session=self.session, user=user)
                if user is not None and user.is_active
                else None
            )
        author = self.authors[email]
        if author is None:
            problems.append(("author_email", f"No active account has the email {email!r}."))
            return None
        if site is not None and not author.works_in(site.id or 0, Role.staff):
            problems.append(
                ("author_email", f"{email} does not hold the staff role for {site.name}.")
            )
            return None
        return author

    def _codes(self, outcomes: list[int], themes: list[str], problems: Problems) -> list[Code]:
        found: list[Code] = []
        for number in outcomes:
            if number in self.outcomes:
                found.append(self.outcomes[number])
            else:
                problems.append(("outcomes", f"Outcome {number} is not in the codebook."))
        for key in themes:
            if key in self.themes:
                found.append(self.themes[key])
            else:
                problems.append(("themes", f"{key!r} is not a theme key of the codebook."))
        return list({c.id: c for c in found}.values())


def read_cells(raw: dict[str, Any], problems: Problems) -> dict[str, Any]:
    """Each cell as its column's kind; a cell that cannot be read is a problem."""
    values: dict[str, Any] = {}
    for name, value in raw.items():
        column = find_column(name)
        assert column is not None
        try:
            values[name] = _read_cell(column, value)
        except cells.CellProblem as problem:
            problems.append((name, str(problem)))
    return values


def _read_cell(column: Column, value: Any) -> Any:
    match column.kind:
        case Kind.choice:
            return cells.read_choice(column, value)
        case Kind.date:
            return cells.read_date(value)
        case Kind.money:
            return cells.read_money(value)
        case Kind.solutions:
            return cells.read_solutions(value)
        case Kind.outcomes:
            return cells.read_outcomes(value)
        case Kind.themes:
            return cells.read_keys(value)
        case Kind.email:
            return cells.cell_text(value).lower() or None
        case Kind.reference:
            return cells.read_reference(value)
        case Kind.timestamp:
            return cells.read_timestamp(value)
        case _:
            return cells.cell_text(value) or None


def validated_fields(
    fields: dict[str, Any], problems: Problems, *, keep_empty: bool = False
) -> dict[str, Any] | None:
    """The fields checked by the story schema, in stored form; None if any is bad.

    With `keep_empty`, an empty field stays in the result as None (to clear it).
    """
    try:
        checked = StoryFields.model_validate(fields)
    except ValidationError as error:
        for item in error.errors():
            message = str(item["msg"]).removeprefix("Value error, ")
            problems.append((str(item["loc"][0]), message[:1].upper() + message[1:] + "."))
        return None
    return {
        name: getattr(value, "value", value)
        for name, value in checked.model_dump(exclude_none=not keep_empty).items()
        if name in fields
    }


def _check_submittable(fields: dict[str, Any], consent: str | None, problems: Problems) -> None:
    """The submit rule of the story service: required fields and a consent level."""
    already = {column for column, _ in problems}
    # The rule reads only these attributes; a plain object is far cheaper than a Story.
    probe = SimpleNamespace(
        **{**dict.fromkeys(SUBMIT_REQUIRED), **fields, "consent_level": consent}
    )
    for missing in missing_for_submit(cast(Story, probe)):
        if missing.field not in already:
            problems.append((missing.field, missing.message))

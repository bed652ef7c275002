"""Looking after the codebook: add a theme, edit a code, retire or reactivate it, delete an
unused theme. Every change is audited.

The six outcomes are fixed: none can be added, renumbered, re-parented, retired or
deleted (their wording can be edited). Retiring (active = false) keeps the code and every
coding that uses it; the code is no longer offered or suggested for new stories. Only a
theme that no story was ever coded with, and that no other code sits under, can be
deleted (a mistyped new theme, say); one in use can only be retired.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storybank.access import Actor, require_role
from storybank.audit import record_event
from storybank.codebook import get_code_by_key, list_codes
from storybank.errors import Conflict, FieldProblem, InvalidInput
from storybank.models import Code, CodeKind, CodePublic, Coding, Role, utcnow

KEY_PATTERN = r"^[a-z][a-z0-9_]{2,63}$"
KEY_RULE = "3 to 64 characters: lower-case letters, digits and _, starting with a letter"
Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Example = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


class CodeEdit(BaseModel):
    """The editable parts of a code; on an update only the fields sent are changed. Kind
    and number are not among them (outcomes are fixed), and unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    label: Label | None = None
    description: Description | None = None
    cue_phrases: list[Phrase] | None = Field(default=None, max_length=200)
    examples: list[Example] | None = Field(default=None, max_length=50)
    parent_key: str | None = Field(default=None, max_length=64)
    active: bool | None = None

    @field_validator("cue_phrases", "examples")
    @classmethod
    def _no_repeats(cls, value: list[str] | None) -> list[str] | None:
        """The same phrase twice is kept once (case-insensitively), in first order."""
        if value is None:
            return None
        seen: dict[str, str] = {}
        for item in value:
            seen.setdefault(item.casefold(), item)
        return list(seen.values())


class ThemeCreate(CodeEdit):
    """A new theme: its key (fixed once made), label, and optionally the rest."""

    key: Annotated[str, StringConstraints(strip_whitespace=True, pattern=KEY_PATTERN)]
    label: Label
    source: Annotated[str, StringConstraints(max_length=40)] = "admin"


def add_theme(*, session: Session, actor: Actor, data: ThemeCreate) -> CodePublic:
    """Add a theme at the end of the codebook; Conflict if the key is taken."""
    require_role(actor, Role.admin)
    code = stage_theme(session=session, actor=actor, data=data)
    session.commit()
    return public_code(session=session, key=code.key)


def stage_theme(*, session: Session, actor: Actor, data: ThemeCreate) -> Code:
    """Add a theme (audited) in the session's transaction, without committing it: for a
    change made of many steps, committed or rolled back as one."""
    require_role(actor, Role.admin)
    if session.exec(select(Code.id).where(Code.key == data.key)).first() is not None:
        raise _duplicate(data.key)
    last = session.exec(select(func.max(Code.sort_order))).one() or 0
    code = Code(kind=CodeKind.theme, key=data.key, label=data.label, sort_order=last + 1)
    _apply(session, code, data, set(data.model_fields_set) - {"key", "source"} | {"label"})
    session.add(code)
    try:
        session.flush()
    except IntegrityError as exc:  # another admin added the same key at the same moment
        session.rollback()
        raise _duplicate(data.key) from exc
    record_event(
        session=session,
        actor=actor.user,
        action="code.add",
        entity="code",
        entity_id=code.key,
        details={"kind": code.kind, "source": data.source},
        after=_values(code),
    )
    return code


def update_code(*, session: Session, actor: Actor, key: str, data: CodeEdit) -> CodePublic:
    """Change the fields sent; retiring or reactivating is `active`. Outcomes stay fixed."""
    require_role(actor, Role.admin)
    code = get_code_by_key(session=session, key=key)
    if stage_update(session=session, actor=actor, code=code, data=data):
        session.commit()
    return public_code(session=session, key=code.key)


def stage_update(*, session: Session, actor: Actor, code: Code, data: CodeEdit) -> list[str]:
    """Change the fields sent (audited) without committing; the names of those changed."""
    require_role(actor, Role.admin)
    if code.kind == CodeKind.outcome and data.active is False:
        raise Conflict(
            f"Outcome {code.number} cannot be retired: the six CLS outcomes are fixed.",
            code="outcome_fixed",
        )
    before = _values(code)
    _apply(session, code, data, set(data.model_fields_set))
    after = _values(code)
    changed = sorted(name for name in after if after[name] != before[name])
    if changed:
        code.updated_at = utcnow()
        session.add(code)
        record_event(
            session=session,
            actor=actor.user,
            action=_action(before, after),
            entity="code",
            entity_id=code.key,
            details={"fields": changed},
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    return changed


def delete_theme(*, session: Session, actor: Actor, key: str) -> None:
    """Delete a theme no story was ever coded with; Conflict (retire it instead) otherwise."""
    require_role(actor, Role.admin)
    code = get_code_by_key(session=session, key=key)
    if code.kind == CodeKind.outcome:
        raise Conflict(
            f"Outcome {code.number} cannot be deleted: the six CLS outcomes are fixed.",
            code="outcome_fixed",
        )
    if uses(session=session, code=code):
        raise _in_use(key)
    before = _values(code)
    session.delete(code)
    try:
        session.flush()
    except IntegrityError as exc:  # something else (a suggestion, say) still points at it
        session.rollback()
        raise _in_use(key) from exc
    record_event(
        session=session,
        actor=actor.user,
        action="code.delete",
        entity="code",
        entity_id=key,
        before=before,
    )
    session.commit()


def uses(*, session: Session, code: Code) -> int:
    """How many codings and child codes use this code (0 = it could be deleted)."""
    codings = session.exec(select(func.count()).where(Coding.code_id == code.id)).one()
    children = session.exec(select(func.count()).where(Code.parent_id == code.id)).one()
    return int(codings) + int(children)


def coding_counts(*, session: Session) -> dict[str, int]:
    """How many stories each code has been confirmed on (codes never used are absent)."""
    rows = session.exec(
        select(Code.key, func.count(func.distinct(Coding.story_id)))
        .join(Coding, col(Coding.code_id) == Code.id)
        .group_by(Code.key)
    ).all()
    return {key: int(count) for key, count in rows}


def public_code(*, session: Session, key: str) -> CodePublic:
    """One code as the API shows it (retired codes too)."""
    found = [c for c in list_codes(session=session, include_inactive=True) if c.key == key]
    if not found:
        get_code_by_key(session=session, key=key)  # raises NotFound
    return found[0]


def _apply(session: Session, code: Code, data: CodeEdit, sent: set[str]) -> None:
    """Copy the sent fields onto the code (the parent by key, checked)."""
    for name in ("label", "description", "cue_phrases", "examples", "active"):
        value = getattr(data, name)
        if name in sent and value is not None:
            setattr(code, name, value)
    if "parent_key" in sent:
        code.parent_id = _parent_id(session, code, data.parent_key or None)


def _parent_id(session: Session, code: Code, parent_key: str | None) -> int | None:
    """The id of a valid parent for this code, or None for no parent."""
    if parent_key is None:
        return None
    if code.kind == CodeKind.outcome:
        raise _bad_parent("An outcome cannot sit under another code.")
    parent = session.exec(select(Code).where(Code.key == parent_key)).first()
    if parent is None:
        raise _bad_parent(f"There is no code with key {parent_key!r} to put it under.")
    seen: set[int | None] = set()
    current: Code | None = parent
    while current is not None and current.id not in seen:
        if current.key == code.key:
            raise _bad_parent("A code cannot sit under itself or under one of its own children.")
        seen.add(current.id)
        current = session.get(Code, current.parent_id) if current.parent_id else None
    return parent.id


def _values(code: Code) -> dict[str, object]:
    """What the audit log keeps of a code (no personal text: the codebook is ours)."""
    return {
        "label": code.label,
        "description": code.description,
        "cue_phrases": list(code.cue_phrases),
        "examples": list(code.examples),
        "parent_id": code.parent_id,
        "active": code.active,
    }


def _action(before: dict[str, object], after: dict[str, object]) -> str:
    if before["active"] != after["active"]:
        return "code.reactivate" if after["active"] else "code.retire"
    return "code.edit"


def _duplicate(key: str) -> Conflict:
    return Conflict(
        f"There is already a code with key {key!r}. Choose another key.",
        code="duplicate_key",
        problems=[FieldProblem("key", f"The key {key!r} is already used.")],
    )


def _in_use(key: str) -> Conflict:
    return Conflict(
        f"The code {key!r} is in use (stories are coded with it, or codes sit under it), so "
        "it cannot be deleted. Retire it instead: it stays on those stories.",
        code="code_in_use",
    )


def _bad_parent(message: str) -> InvalidInput:
    return InvalidInput(message, problems=[FieldProblem("parent_key", message)])

"""Writing a codebook file's entries: new codes become themes, existing ones are updated
under the codebook's rules (storybank/codebook_admin.py), in one transaction, audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, select

from storybank.access import Actor
from storybank.audit import record_event
from storybank.codebook_admin import CodeEdit, ThemeCreate, stage_theme, stage_update
from storybank.errors import FieldProblem, InvalidInput, StorybankError
from storybank.exchange.qdc_reading import QdcEntry
from storybank.models import Code


@dataclass
class CodebookImport:
    """What importing a codebook did: the keys added, updated and left as they were."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def apply_entries(*, session: Session, actor: Actor, entries: list[QdcEntry]) -> CodebookImport:
    """Add or update every entry, parents first; on any refusal nothing is written."""
    result = CodebookImport()
    try:
        for entry in entries:
            _apply_entry(session, actor, entry, result)
    except StorybankError:
        session.rollback()
        raise
    record_event(
        session=session,
        actor=actor.user,
        action="codebook.import",
        entity="codebook",
        entity_id="qdc",
        details={"added": result.added, "updated": result.updated, "codes": len(entries)},
    )
    session.commit()
    return result


def _apply_entry(session: Session, actor: Actor, entry: QdcEntry, result: CodebookImport) -> None:
    """Update the code with the entry's key, or add it as a theme."""
    code = session.exec(select(Code).where(Code.key == entry.key)).first()
    values: dict[str, Any] = {
        "label": entry.label,
        "description": entry.description,
        "parent_key": entry.parent_key,
        "active": entry.active,
    }
    if entry.cue_phrases is not None:
        values["cue_phrases"] = entry.cue_phrases
    try:
        if code is None:
            data = ThemeCreate.model_validate({**values, "key": entry.key, "source": "qdc"})
            stage_theme(session=session, actor=actor, data=data)
            result.added.append(entry.key)
            return
        changed = stage_update(
            session=session, actor=actor, code=code, data=CodeEdit.model_validate(values)
        )
    except ValidationError as exc:
        raise _invalid(entry, exc) from exc
    except StorybankError as exc:
        exc.message = f"The {entry.where} cannot be imported: {exc.message}"
        exc.problems = [FieldProblem(entry.where, p.message) for p in exc.problems] or [
            FieldProblem(entry.where, exc.message)
        ]
        raise
    (result.updated if changed else result.unchanged).append(entry.key)


def _invalid(entry: QdcEntry, exc: ValidationError) -> InvalidInput:
    """The field problems of one entry, each naming the code and the field."""
    problems = [
        FieldProblem(f"{entry.where}: {'.'.join(str(p) for p in error['loc'])}", error["msg"])
        for error in exc.errors()
    ]
    return InvalidInput(
        f"The {entry.where} cannot be imported: {problems[0].field} {problems[0].message}",
        problems=problems,
    )

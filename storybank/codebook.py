"""The codebook: the six CLS outcomes and the themes, loaded from the shipped data file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sqlmodel import Session, col, select

from storybank.audit import record_event
from storybank.errors import NotFound
from storybank.models import Code, CodeKind, CodePublic, User, utcnow

CODEBOOK_FILE = "codebook.toml"
UPDATABLE = ("kind", "number", "label", "description", "cue_phrases", "examples", "sort_order")


def shipped_codebook() -> dict[str, Any]:
    """The codebook data file that ships inside the package."""
    text = resources.files("storybank.data").joinpath(CODEBOOK_FILE).read_text("utf-8")
    return tomllib.loads(text)


@dataclass
class CodebookLoad:
    """What loading the codebook changed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_extra: list[str] = field(default_factory=list)


def load_codebook(
    *, session: Session, actor: User | None, data: dict[str, Any] | None = None
) -> CodebookLoad:
    """Add or update codes from the codebook file; idempotent, never deletes a code."""
    data = data or shipped_codebook()
    existing = {code.key: code for code in session.exec(select(Code)).all()}
    result = CodebookLoad()
    for order, entry in enumerate(data["code"]):
        values = {name: entry.get(name) for name in UPDATABLE if name != "sort_order"}
        values["sort_order"] = order
        values["cue_phrases"] = values["cue_phrases"] or []
        values["examples"] = values["examples"] or []
        code = existing.get(entry["key"])
        if code is None:
            code = Code(key=entry["key"], **values)
            existing[code.key] = code
            result.added.append(code.key)
        elif any(getattr(code, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(code, name, value)
            code.updated_at = utcnow()
            result.updated.append(code.key)
        else:
            result.unchanged.append(code.key)
        session.add(code)
    session.flush()
    for entry in data["code"]:
        parent = existing.get(entry.get("parent") or "")
        existing[entry["key"]].parent_id = parent.id if parent else None
    file_keys = {entry["key"] for entry in data["code"]}
    result.kept_extra = sorted(set(existing) - file_keys)
    if result.added or result.updated:
        record_event(
            session=session,
            actor=actor,
            action="codebook.load",
            entity="codebook",
            entity_id=data.get("version", "-"),
            details={"added": result.added, "updated": result.updated},
        )
    session.commit()
    return result


def list_codes(
    *, session: Session, kind: CodeKind | None = None, include_inactive: bool = False
) -> list[CodePublic]:
    """The codebook in its set order: outcomes 1-6, then themes."""
    query = select(Code).order_by(col(Code.sort_order), col(Code.id))
    if kind is not None:
        query = query.where(Code.kind == kind.value)
    if not include_inactive:
        query = query.where(col(Code.active).is_(True))
    codes = list(session.exec(query).all())
    keys = {code.id: code.key for code in session.exec(select(Code)).all()}
    return [
        CodePublic(
            id=code.id or 0,
            kind=code.kind,
            key=code.key,
            number=code.number,
            label=code.label,
            description=code.description,
            parent_key=keys.get(code.parent_id),
            cue_phrases=code.cue_phrases,
            examples=code.examples,
            active=code.active,
        )
        for code in codes
    ]


def get_code_by_key(*, session: Session, key: str) -> Code:
    """One code by its key, or NotFound."""
    code = session.exec(select(Code).where(Code.key == key)).first()
    if code is None:
        raise NotFound(f"There is no code with key {key!r}.")
    return code


def code_key_for_outcome(number: int) -> str:
    """The codebook key of a numbered CLS outcome (evaluation files use the numbers)."""
    return f"outcome_{number}"

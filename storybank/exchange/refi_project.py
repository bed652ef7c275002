"""The stories a person may read as a REFI-QDA project (.qdpx), for NVivo, ATLAS.ti, MAXQDA.

The .qdpx is a zip: `project.qde` (the XML: users, the codebook, the case variables, one
case and one text source per story with its final codes) and `sources/<guid>.txt` (each
story's plain text), plus `suggestions.csv` (every model suggestion for those stories: its
state, confidence and model version). It holds exactly what the story list shows this
person for these filters, in the text they may read (`story_row_pages`: `readable_stories`
and `as_shown`), coded with the stories' final codes only (storybank/review/final.py).

People: the exporting person, and by display name only the coders of the stories read
inside their site; a story read from outside its site names no coder. The file is built a
page of stories at a time in temporary files, so memory stays bounded however many.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree import ElementTree as ET

from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.audit import record_event
from storybank.exchange.guids import guid
from storybank.exchange.project_parts import Names, PageParts, page_parts
from storybank.exchange.project_sources import date_time, variable_elements
from storybank.exchange.refi_codebook import ORIGIN, code_elements
from storybank.exchange.schemas import PROJECT_NS, xml_safe
from storybank.models import Code, User, utcnow
from storybank.stories import StoryFilters
from storybank.stories.streaming import story_row_pages

PAGE_SIZE = 500
SUGGESTION_COLUMNS = (
    "story_guid",
    "story_reference",
    "code_key",
    "state",
    "confidence",
    "model_version",
)
PROJECT_NAME = "storybank change stories"


@dataclass
class ProjectCounts:
    """How many stories, codings (code on a selection) and suggestions the file holds."""

    stories: int = 0
    codings: int = 0
    suggestions: int = 0
    coders: set[int] = field(default_factory=set)


@dataclass
class ProjectFile:
    """A written .qdpx in a temporary file (open at its start; closing deletes it)."""

    file: IO[bytes]
    counts: ProjectCounts


def export_project_qdpx(
    *,
    session: Session,
    actor: Actor,
    filters: StoryFilters,
    progress: Callable[[int], None] | None = None,
) -> ProjectFile:
    """The stories this actor may read that match the filters, as a .qdpx (audited)."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it, which deletes it)
    try:
        counts = write_project_qdpx(
            session=session, actor=actor, filters=filters, target=target, progress=progress
        )
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return ProjectFile(target, counts)


def write_project_qdpx(
    *,
    session: Session,
    actor: Actor,
    filters: StoryFilters,
    target: IO[bytes],
    progress: Callable[[int], None] | None = None,
) -> ProjectCounts:
    """Write the .qdpx to a binary stream; the counts of what it holds."""
    counts = ProjectCounts()
    codes = list(session.exec(select(Code).order_by(col(Code.sort_order), col(Code.id))).all())
    with (
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive,
        tempfile.TemporaryFile() as cases,
        tempfile.TemporaryFile() as sources,
        tempfile.TemporaryFile() as suggestions,
    ):
        lines = io.TextIOWrapper(suggestions, encoding="utf-8-sig", newline="", write_through=True)
        writer = csv.writer(lines)
        writer.writerow(SUGGESTION_COLUMNS)
        names = Names.load(session)
        pages = story_row_pages(session=session, actor=actor, filters=filters, page_size=PAGE_SIZE)
        for rows in pages:
            parts = page_parts(session=session, actor=actor, rows=rows, codes=codes, names=names)
            _write_page(archive, parts, cases, sources, writer, counts)
            if progress is not None:
                progress(counts.stories)
        with archive.open("project.qde", "w") as qde:
            _write_qde(qde, session, actor, codes, cases, sources, counts)
        lines.flush()
        suggestions.seek(0)
        with archive.open("suggestions.csv", "w") as sidecar:
            shutil.copyfileobj(suggestions, sidecar)
        lines.detach()
    _record_export(session, actor, filters, counts)
    return counts


def _write_page(
    archive: zipfile.ZipFile,
    parts: PageParts,
    cases: IO[bytes],
    sources: IO[bytes],
    writer: Any,
    counts: ProjectCounts,
) -> None:
    """One page of stories: their text files, case and source elements, suggestions."""
    for story in parts.stories:
        archive.writestr(f"sources/{story.guid}.txt", story.text.encode("utf-8"))
        cases.write(ET.tostring(story.case, encoding="utf-8"))
        sources.write(ET.tostring(story.source, encoding="utf-8"))
        counts.stories += 1
        counts.codings += story.codings
    counts.coders |= parts.coders
    for line in parts.suggestions:
        writer.writerow(line)
        counts.suggestions += 1


def _write_qde(
    qde: IO[bytes],
    session: Session,
    actor: Actor,
    codes: list[Code],
    cases: IO[bytes],
    sources: IO[bytes],
    counts: ProjectCounts,
) -> None:
    """project.qde: the parts in the order the schema sets, cases and sources copied in."""
    me = guid("user", actor.id)
    now = date_time(utcnow())
    qde.write(b'<?xml version="1.0" encoding="utf-8"?>\n')
    head = (
        f'<Project xmlns="{PROJECT_NS}" name="{PROJECT_NAME}" origin="{ORIGIN}" '
        f'creatingUserGUID="{me}" creationDateTime="{now}">'
    )
    qde.write(head.encode())
    qde.write(ET.tostring(_users(session, {actor.id, *counts.coders}), encoding="utf-8"))
    book = ET.Element("CodeBook")
    book_codes = ET.SubElement(book, "Codes")
    book_codes.extend(code_elements(codes))
    qde.write(ET.tostring(book, encoding="utf-8"))
    qde.write(ET.tostring(variable_elements(), encoding="utf-8"))
    for name, part in (("Cases", cases), ("Sources", sources)):
        if counts.stories:
            part.seek(0)
            qde.write(f"<{name}>".encode())
            shutil.copyfileobj(part, qde)
            qde.write(f"</{name}>".encode())
    qde.write(b"</Project>\n")


def _users(session: Session, user_ids: set[int]) -> ET.Element:
    """<Users>: each by display name only (no e-mail, no id of ours)."""
    users = ET.Element("Users")
    found = session.exec(
        select(User.id, User.display_name).where(col(User.id).in_(sorted(user_ids)))
    ).all()
    for user_id, name in sorted(found):
        ET.SubElement(users, "User", {"guid": guid("user", user_id), "name": xml_safe(name)})
    return users


def _record_export(
    session: Session, actor: Actor, filters: StoryFilters, counts: ProjectCounts
) -> None:
    """Audit that the project left storybank (which filters and how many, not which text)."""
    chosen = {
        name: str(value)
        for name, value in vars(filters).items()
        if value is not None and name not in ("q", "sort")
    }
    record_event(
        session=session,
        actor=actor.user,
        action="project.export",
        entity="project",
        entity_id="qdpx",
        details={"filters": chosen, "search": bool(filters.q), "stories": counts.stories},
    )
    session.commit()

"""The story register: import a CSV or XLSX file (or only check it), export it as a download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel

from api.deps import CurrentActor, SessionDep, SettingsDep, StoryFiltersDep, require_roles
from api.errors import error_body
from api.responses import CSV_TYPE, XLSX_TYPE, ErrorPublic, file_download, file_responses
from storybank.access import Actor
from storybank.models import Role
from storybank.register import exporter
from storybank.register.importer import ImportRejected, ImportReport, check_import, import_stories

router = APIRouter(tags=["register"])
# Only story writers may import; checked before the upload is looked at.
ImporterActor = Annotated[Actor, Depends(require_roles(Role.staff))]


class ImportProblemPublic(BaseModel):
    """One bad cell: the spreadsheet row (the header is row 1), the column and the problem."""

    row: int
    column: str
    message: str


class StoryMatchPublic(BaseModel):
    """A row whose reference is an existing story's; `action` is skip, update or unchanged."""

    row: int
    story_id: int
    action: str
    message: str


class ImportReportPublic(BaseModel):
    """What an import (or a dry run) found and, for a real import, the stories it wrote."""

    dry_run: bool
    format: str
    rows: int
    good_rows: int
    problems: list[ImportProblemPublic]
    ignored_columns: list[str]
    matches: list[StoryMatchPublic]
    notes: list[str]
    created_story_ids: list[int]
    updated_story_ids: list[int]


class ImportRejectedPublic(ErrorPublic):
    """A real import refused for bad rows: the error, and the report of every problem."""

    report: ImportReportPublic | None = None


def _public(report: ImportReport, dry_run: bool) -> ImportReportPublic:
    return ImportReportPublic(
        dry_run=dry_run,
        format=report.format,
        rows=report.rows,
        good_rows=report.good_rows,
        problems=[ImportProblemPublic(**vars(problem)) for problem in report.problems],
        ignored_columns=report.ignored_columns,
        matches=[StoryMatchPublic(**vars(match)) for match in report.matches],
        notes=report.notes,
        created_story_ids=report.created_story_ids,
        updated_story_ids=report.updated_story_ids,
    )


@router.post(
    "/imports",
    response_model=ImportReportPublic,
    summary="Import stories from a CSV or XLSX register; dry_run=true only checks every row",
    description=(
        "A row whose `reference` is an existing story's is skipped, or with update=true "
        "updates that story's fields. Only an admin's import keeps the file's author_email, "
        "submitted_at and withdrawn_at."
    ),
    responses={
        413: {
            "model": ErrorPublic,
            "description": "The file is larger, or has more rows, than the import limits.",
        },
        415: {"model": ErrorPublic, "description": "The file is neither CSV (UTF-8) nor XLSX."},
        422: {
            "model": ImportRejectedPublic,
            "description": "Bad rows or no file: nothing was written; `report` (when the file "
            "was read) lists every problem.",
        },
    },
)
def import_register(
    file: UploadFile,
    session: SessionDep,
    actor: ImporterActor,
    settings: SettingsDep,
    dry_run: bool = False,
    update: bool = False,
) -> ImportReportPublic | JSONResponse:
    content = file.file.read(settings.max_import_bytes + 1)
    name = file.filename or ""
    if dry_run:
        report = check_import(
            session=session,
            actor=actor,
            filename=name,
            content=content,
            update=update,
            settings=settings,
        )
        return _public(report, dry_run=True)
    try:
        report = import_stories(
            session=session,
            actor=actor,
            filename=name,
            content=content,
            update=update,
            settings=settings,
        )
    except ImportRejected as rejected:
        body = error_body(
            rejected.code,
            rejected.message,
            [{"field": p.field, "message": p.message} for p in rejected.problems],
        )
        assert rejected.report is not None
        body["report"] = _public(rejected.report, dry_run=False).model_dump()
        return JSONResponse(body, status_code=422)
    return _public(report, dry_run=False)


@router.get(
    "/exports/stories.csv",
    summary="Download the story register you may read, as CSV",
    response_class=StreamingResponse,
    responses=file_responses(CSV_TYPE),
)
def export_csv(
    session: SessionDep, actor: CurrentActor, filters: StoryFiltersDep
) -> StreamingResponse:
    rows = exporter.export_register(session=session, actor=actor, filters=filters)
    exporter.record_export(session=session, actor=actor, filters=filters, format="csv")
    return file_download(
        exporter.csv_chunks(rows), media_type=CSV_TYPE, filename=exporter.register_filename("csv")
    )


@router.get(
    "/exports/stories.xlsx",
    summary="Download the story register you may read, as XLSX",
    response_class=StreamingResponse,
    responses=file_responses(XLSX_TYPE),
)
def export_xlsx(
    session: SessionDep, actor: CurrentActor, filters: StoryFiltersDep
) -> StreamingResponse:
    codes = exporter.codebook_for_export(session=session)
    rows = exporter.export_register(session=session, actor=actor, filters=filters)
    exporter.record_export(session=session, actor=actor, filters=filters, format="xlsx")
    chunks = exporter.xlsx_chunks(rows, codes=codes)
    return file_download(chunks, media_type=XLSX_TYPE, filename=exporter.register_filename("xlsx"))

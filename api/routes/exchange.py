"""REFI-QDA exchange: the codebook as a .qdc file and back, the stories as a .qdpx project."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import IO

from fastapi import APIRouter, Response, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from api.deps import AdminActor, CurrentActor, SessionDep, StoryFiltersDep
from api.responses import ErrorPublic, file_download, file_responses
from storybank.exchange.qdc_reading import MAX_QDC_BYTES
from storybank.exchange.refi_codebook import export_codebook_qdc, import_codebook_qdc
from storybank.exchange.refi_project import export_project_qdpx

router = APIRouter(tags=["exchange"])
QDC_TYPE = "application/xml"
QDPX_TYPE = "application/zip"
CHUNK = 64 * 1024


class CodebookImportPublic(BaseModel):
    """What importing a codebook did: the keys added, updated and left as they were."""

    added: list[str]
    updated: list[str]
    unchanged: list[str]


@router.get(
    "/codebook/export.qdc",
    summary="Download the codebook as a REFI-QDA codebook (.qdc, urn:QDA-XML:codebook:1.0)",
    response_class=Response,
    responses=file_responses(QDC_TYPE),
)
def export_qdc(session: SessionDep, actor: CurrentActor) -> Response:
    content = export_codebook_qdc(session=session, actor=actor)
    disposition = f'attachment; filename="storybank-codebook-{date.today():%Y%m%d}.qdc"'
    return Response(content, media_type=QDC_TYPE, headers={"Content-Disposition": disposition})


@router.post(
    "/codebook/import-qdc",
    response_model=CodebookImportPublic,
    summary="Import a REFI-QDA codebook (.qdc): new codes become themes (admins)",
    description=(
        "The file is checked against the REFI-QDA codebook schema first. Codes are matched "
        "by the key in their description's storybank block, else by GUID, else by name; "
        "existing codes are updated under the codebook's rules and none is deleted. The "
        "whole file is imported, or nothing."
    ),
    responses={
        409: {"model": ErrorPublic, "description": "A code would clash with one here."},
        413: {"model": ErrorPublic, "description": f"The file is over {MAX_QDC_BYTES} bytes."},
        422: {"model": ErrorPublic, "description": "Not XML, not a codebook, or not valid."},
    },
)
def import_qdc(file: UploadFile, session: SessionDep, actor: AdminActor) -> CodebookImportPublic:
    content = file.file.read(MAX_QDC_BYTES + 1)
    report = import_codebook_qdc(session=session, actor=actor, content=content)
    return CodebookImportPublic(**vars(report))


@router.get(
    "/exports/project.qdpx",
    summary="Download the stories you may read as a REFI-QDA project (.qdpx)",
    description=(
        "The same stories as the story list with these filters, in the text you may read, "
        "coded with their final codes; suggestions in suggestions.csv inside the zip."
    ),
    response_class=StreamingResponse,
    responses=file_responses(QDPX_TYPE),
)
def export_qdpx(
    session: SessionDep, actor: CurrentActor, filters: StoryFiltersDep
) -> StreamingResponse:
    made = export_project_qdpx(session=session, actor=actor, filters=filters)
    name = f"storybank-stories-{date.today():%Y%m%d}.qdpx"
    return file_download(_chunks(made.file), media_type=QDPX_TYPE, filename=name)


def _chunks(file: IO[bytes]) -> Iterator[bytes]:
    """The file in chunks; closing it at the end deletes the temporary file."""
    with file:
        while chunk := file.read(CHUNK):
            yield chunk

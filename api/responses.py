"""Shared response pieces: file downloads, and the error answers every operation documents."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any

from fastapi.responses import StreamingResponse
from pydantic import BaseModel

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def file_download(
    chunks: Iterator[bytes] | Iterator[str], *, media_type: str, filename: str
) -> StreamingResponse:
    """A streamed attachment whose first chunk is made before the response starts.

    Whatever fails before then is an ordinary error answer; a failure later cuts the
    connection, so the file is visibly incomplete rather than ending as if whole.
    """
    encoded = (c.encode("utf-8") if isinstance(c, str) else c for c in chunks)
    first = next(encoded, b"")
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return StreamingResponse(chain([first], encoded), media_type=media_type, headers=headers)


class ProblemPublic(BaseModel):
    """One bad field and what is wrong with it."""

    field: str
    message: str


class ErrorDetail(BaseModel):
    """A stable code, a message a person can act on, and the bad fields if any."""

    code: str
    message: str
    problems: list[ProblemPublic]


class ErrorPublic(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail


ERROR_DESCRIPTIONS = {
    400: "The request body could not be read (e.g. it is not UTF-8 JSON).",
    401: "Not signed in: no valid API token or session.",
    403: "Signed in, but not allowed to do this (or a browser session's CSRF token is missing).",
    404: "Not found, or not visible to you.",
    409: "Conflicts with the current state: a stale `version`, a duplicate or a wrong status.",
    413: "The request body is larger than the limit.",
    415: "The uploaded file is of a kind that cannot be read.",
    422: "Invalid input; `problems` names each bad field.",
    429: "Too many failed attempts: wait the seconds in the Retry-After header, then try again.",
    503: "The database is busy (another writer holds a lock): nothing was saved; retry "
    "after the seconds in the Retry-After header.",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` entries of these error statuses, all in the one error shape."""
    return {
        status: {"model": ErrorPublic, "description": ERROR_DESCRIPTIONS[status]}
        for status in statuses
    }


# What any API operation may answer; the app adds these to every router.
COMMON_ERRORS = errors(400, 401, 403, 404, 409, 413, 422, 503)


def file_responses(media_type: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` entry of a file download in this media type."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {200: {"description": "The file, as an attachment.", "content": {media_type: binary}}}

"""Errors that services raise; the API and web layers map them to responses."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldProblem:
    """One problem with one input field."""

    field: str
    message: str


@dataclass
class StorybankError(Exception):
    """Base error: a stable code and a message a person can act on."""

    message: str
    code: str = "error"
    problems: list[FieldProblem] = field(default_factory=list)
    status: int = 400

    def __str__(self) -> str:
        return self.message


@dataclass
class NotFound(StorybankError):
    """The thing asked for does not exist (or is not visible to this person)."""

    code: str = "not_found"
    status: int = 404


@dataclass
class Conflict(StorybankError):
    """The request clashes with the current state (stale version, duplicate, wrong status)."""

    code: str = "conflict"
    status: int = 409


@dataclass
class InvalidInput(StorybankError):
    """The input breaks a rule; `problems` names each bad field."""

    code: str = "invalid_input"
    status: int = 422


@dataclass
class Forbidden(StorybankError):
    """The person is known but may not do this."""

    code: str = "forbidden"
    status: int = 403


@dataclass
class Unauthorised(StorybankError):
    """No valid login or token."""

    code: str = "not_authenticated"
    status: int = 401


@dataclass
class TooLarge(StorybankError):
    """The request or file is bigger than allowed."""

    code: str = "too_large"
    status: int = 413


@dataclass
class UnsupportedFile(StorybankError):
    """An uploaded file is not of a kind we read (e.g. neither CSV nor XLSX)."""

    code: str = "unsupported_file_type"
    status: int = 415


@dataclass
class TooManyRequests(StorybankError):
    """Throttled: try again later."""

    code: str = "too_many_requests"
    status: int = 429
    retry_after: int = 60

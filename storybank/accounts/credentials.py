"""Passwords (argon2) and the hashing of secret tokens."""

from __future__ import annotations

import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from storybank.errors import FieldProblem, InvalidInput

_hasher = PasswordHasher()


MIN_PASSWORD = 10


TOKEN_PREFIX = "sbk_"


GENERIC_LOGIN_ERROR = "That email and password do not match an active account."


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _hasher.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """Whether the password matches the stored argon2 hash (False for no hash)."""
    if not stored:
        _hasher.hash(password)  # spend the same time, so timing does not reveal accounts
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _password_problems(password: str | None) -> list[FieldProblem]:
    if password is not None and len(password) < MIN_PASSWORD:
        return [FieldProblem("password", f"Use at least {MIN_PASSWORD} characters.")]
    if password is not None and len(password) > 256:
        return [FieldProblem("password", "Use at most 256 characters.")]
    return []


def _check_password(password: str) -> None:
    if problems := _password_problems(password):
        raise InvalidInput(f"A password needs {MIN_PASSWORD} to 256 characters.", problems=problems)

"""Passwords (argon2) and the hashing of secret tokens."""

from __future__ import annotations

import hashlib
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from storybank.config import Settings
from storybank.errors import FieldProblem, InvalidInput

_hasher = PasswordHasher()


MIN_PASSWORD = 10


TOKEN_PREFIX = "sbk_"
# The token-hashing key is derived from the secret for this one use.
TOKEN_HASH_PURPOSE = b"storybank token hashes"


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


def token_digest(token: str, settings: Settings) -> str:
    """What is stored for a secret token (login session, API token, held form): its
    HMAC-SHA256 keyed by the installation's secret, so a copy of the database alone cannot
    be checked against guessed or stolen tokens. A new secret ends every session and token."""
    key = hmac.new(settings.secret().encode(), TOKEN_HASH_PURPOSE, hashlib.sha256).digest()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def _password_problems(password: str | None) -> list[FieldProblem]:
    if password is not None and len(password) < MIN_PASSWORD:
        return [FieldProblem("password", f"Use at least {MIN_PASSWORD} characters.")]
    if password is not None and len(password) > 256:
        return [FieldProblem("password", "Use at most 256 characters.")]
    return []


def _check_password(password: str) -> None:
    if problems := _password_problems(password):
        raise InvalidInput(f"A password needs {MIN_PASSWORD} to 256 characters.", problems=problems)

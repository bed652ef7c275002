"""User accounts: passwords, roles and sites, throttled sign-in, sessions, API tokens."""

from storybank.accounts.credentials import (
    GENERIC_LOGIN_ERROR,
    MIN_PASSWORD,
    TOKEN_PREFIX,
    hash_password,
    password_matches,
)
from storybank.accounts.logins import (
    NewSession,
    authenticate,
    end_session,
    ended_session,
    resolve_session,
    start_session,
)
from storybank.accounts.tokens import (
    create_api_token,
    list_api_tokens,
    resolve_api_token,
    revoke_api_token,
    token_is_live,
)
from storybank.accounts.users import (
    UserSummary,
    create_user,
    find_user_by_email,
    get_user,
    list_users,
    reset_password,
    set_active,
    set_memberships,
)

__all__ = [
    "GENERIC_LOGIN_ERROR",
    "MIN_PASSWORD",
    "TOKEN_PREFIX",
    "NewSession",
    "UserSummary",
    "authenticate",
    "create_api_token",
    "create_user",
    "end_session",
    "ended_session",
    "find_user_by_email",
    "get_user",
    "hash_password",
    "list_api_tokens",
    "list_users",
    "password_matches",
    "reset_password",
    "resolve_api_token",
    "resolve_session",
    "revoke_api_token",
    "set_active",
    "set_memberships",
    "start_session",
    "token_is_live",
]

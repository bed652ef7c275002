"""User accounts: passwords, grants (role at a unit), throttled sign-in, sessions, API tokens."""

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
    end_all_sessions,
    end_session,
    resolve_session,
    start_session,
)
from storybank.accounts.passwords import PasswordChanged, change_own_password
from storybank.accounts.tokens import (
    create_api_token,
    list_api_tokens,
    resolve_api_token,
    revoke_all_tokens,
    revoke_api_token,
    token_is_live,
)
from storybank.accounts.users import (
    GrantPair,
    UserSummary,
    create_user,
    find_user_by_email,
    get_user,
    grant_role,
    grants_of,
    list_users,
    reset_password,
    revoke_role,
    set_active,
    update_user,
)

__all__ = [
    "GENERIC_LOGIN_ERROR",
    "MIN_PASSWORD",
    "TOKEN_PREFIX",
    "GrantPair",
    "NewSession",
    "PasswordChanged",
    "UserSummary",
    "authenticate",
    "change_own_password",
    "create_api_token",
    "create_user",
    "end_all_sessions",
    "end_session",
    "find_user_by_email",
    "get_user",
    "grant_role",
    "grants_of",
    "hash_password",
    "list_api_tokens",
    "list_users",
    "password_matches",
    "reset_password",
    "resolve_api_token",
    "resolve_session",
    "revoke_all_tokens",
    "revoke_api_token",
    "revoke_role",
    "set_active",
    "start_session",
    "token_is_live",
    "update_user",
]

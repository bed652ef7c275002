"""The signed-in person: who am I, and my personal API tokens."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentActor, SessionDep, SettingsDep, client_address
from api.responses import errors
from storybank import accounts
from storybank.models import Id

router = APIRouter(tags=["account"])


class MePublic(BaseModel):
    """The signed-in person."""

    id: int
    email: str
    display_name: str
    roles: list[str]
    site_ids: list[int]
    grants: list[dict[str, str | int]]


class PasswordChangeIn(BaseModel):
    """The current password, to prove it is you, and the new one."""

    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class TokenIn(BaseModel):
    """A new token's name and lifetime."""

    name: str = Field(min_length=1, max_length=80)
    days: int = Field(default=90, ge=1, le=366)


class TokenPublic(BaseModel):
    """A token as listed (never the secret)."""

    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class NewTokenPublic(TokenPublic):
    """A token just created: `token` is shown this once and never again."""

    token: str


@router.get("/me", summary="Who am I: roles and sites")
def read_me(actor: CurrentActor) -> MePublic:
    return MePublic(
        id=actor.id,
        email=actor.user.email,
        display_name=actor.user.display_name,
        roles=sorted(actor.roles),
        site_ids=sorted(actor.site_ids),
        grants=[{"role": role, "unit_id": unit} for role, unit in sorted(actor.grants)],
    )


@router.get("/tokens", summary="My API tokens")
def list_tokens(session: SessionDep, actor: CurrentActor) -> list[TokenPublic]:
    tokens = accounts.list_api_tokens(session=session, actor=actor)
    return [TokenPublic.model_validate(t.model_dump()) for t in tokens]


@router.post("/tokens", status_code=201, summary="Create an API token (shown once)")
def create_token(
    data: TokenIn, session: SessionDep, settings: SettingsDep, actor: CurrentActor
) -> NewTokenPublic:
    raw, token = accounts.create_api_token(
        session=session, settings=settings, actor=actor, name=data.name, days=data.days
    )
    return NewTokenPublic.model_validate({**token.model_dump(), "token": raw})


@router.delete("/tokens/{token_id}", summary="Revoke an API token")
def revoke_token(token_id: Id, session: SessionDep, actor: CurrentActor) -> TokenPublic:
    token = accounts.revoke_api_token(session=session, actor=actor, token_id=token_id)
    return TokenPublic.model_validate(token.model_dump())


PASSWORD_CHANGE_HELP = (
    "Every API token you have is revoked (this one too, if you call with a token) and every "
    "other login session ends; the browser session making the call stays signed in. "
    "A wrong current password answers 422 with code `wrong_current_password` and the field "
    "`current_password`, and counts as a failed login (repeated failures answer 429). "
    "A new password that breaks the password rule answers 422 naming `new_password`."
)


@router.post(
    "/account/password",
    status_code=204,
    summary="Change my password (revokes all my API tokens)",
    description=PASSWORD_CHANGE_HELP,
    responses=errors(429),
)
def change_password(
    data: PasswordChangeIn,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    actor: CurrentActor,
) -> None:
    login = getattr(request.state, "login_session", None)
    accounts.change_own_password(
        session=session,
        settings=settings,
        actor=actor,
        current_password=data.current_password,
        new_password=data.new_password,
        keep_session_id=login.id if login else None,
        address=client_address(request),
    )

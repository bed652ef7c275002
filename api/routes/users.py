"""Admin: users and their grants (role at a unit)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AdminActor, SessionDep
from storybank import accounts
from storybank.models import Id, Role

router = APIRouter(tags=["admin"])
DbId = Field(ge=1, le=2**63 - 1)


class GrantIn(BaseModel):
    """A role held at a unit (a site, a region or the programme)."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    unit_id: Id = DbId


class UserPublic(BaseModel):
    """A user as admins see them (never the password hash)."""

    id: int
    email: str
    display_name: str
    is_active: bool
    grants: list[GrantIn]
    created_at: datetime
    last_login_at: datetime | None


class UserIn(BaseModel):
    """A new user with their grants."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254)
    display_name: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=accounts.MIN_PASSWORD, max_length=256)
    grants: list[GrantIn] = Field(default_factory=list, max_length=500)


class UserChange(BaseModel):
    """Changes to a user: every grant at once, and/or active."""

    model_config = ConfigDict(extra="forbid")

    grants: list[GrantIn] | None = Field(default=None, max_length=500)
    is_active: bool | None = None


class PasswordIn(BaseModel):
    """A new password set by an admin."""

    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=accounts.MIN_PASSWORD, max_length=256)


def _pairs(grants: list[GrantIn]) -> list[accounts.GrantPair]:
    return [(g.role.value, g.unit_id) for g in grants]


def _summary(session: SessionDep, user_id: Id) -> UserPublic:
    user = accounts.get_user(session=session, user_id=user_id)
    held = accounts.grants_of(session=session, user_id=user_id)
    return UserPublic.model_validate(
        {**user.model_dump(), "grants": [{"role": r, "unit_id": u} for r, u in held]}
    )


@router.get("/users", summary="Every user with their grants (admin)")
def list_users(session: SessionDep, actor: AdminActor) -> list[UserPublic]:
    return [
        UserPublic.model_validate(
            {**s.user.model_dump(), "grants": [{"role": r, "unit_id": u} for r, u in s.grants]}
        )
        for s in accounts.list_users(session=session)
    ]


@router.post("/users", status_code=201, summary="Add a user (admin)")
def add_user(data: UserIn, session: SessionDep, actor: AdminActor) -> UserPublic:
    user = accounts.create_user(
        session=session,
        actor=actor.user,
        email=data.email,
        display_name=data.display_name,
        password=data.password,
        grants=_pairs(data.grants),
    )
    return _summary(session, user.id or 0)


@router.patch("/users/{user_id}", summary="Replace grants and/or change active state (admin)")
def change_user(
    user_id: Id, data: UserChange, session: SessionDep, actor: AdminActor
) -> UserPublic:
    accounts.update_user(
        session=session,
        actor=actor.user,
        user_id=user_id,
        grants=_pairs(data.grants) if data.grants is not None else None,
        active=data.is_active,
    )
    return _summary(session, user_id)


@router.post("/users/{user_id}/grants", status_code=201, summary="Grant a role at a unit (admin)")
def add_grant(user_id: Id, data: GrantIn, session: SessionDep, actor: AdminActor) -> UserPublic:
    accounts.grant_role(
        session=session,
        actor=actor.user,
        user_id=user_id,
        role=data.role.value,
        unit_id=data.unit_id,
    )
    return _summary(session, user_id)


@router.delete("/users/{user_id}/grants/{role}/{unit_id}", summary="Revoke a grant (admin)")
def revoke_grant(
    user_id: Id, role: Role, unit_id: Id, session: SessionDep, actor: AdminActor
) -> UserPublic:
    accounts.revoke_role(
        session=session, actor=actor.user, user_id=user_id, role=role.value, unit_id=unit_id
    )
    return _summary(session, user_id)


@router.post("/users/{user_id}/password", summary="Set a new password (admin)")
def set_password(
    user_id: Id, data: PasswordIn, session: SessionDep, actor: AdminActor
) -> UserPublic:
    accounts.reset_password(
        session=session, actor=actor.user, user_id=user_id, password=data.password
    )
    return _summary(session, user_id)

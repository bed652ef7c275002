"""Admin: users, their roles and sites; sites."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import AdminActor, SessionDep
from storybank import accounts
from storybank.models import Role
from storybank.sites import create_site

router = APIRouter(tags=["admin"])


class UserPublic(BaseModel):
    """A user as admins see them (never the password hash)."""

    id: int
    email: str
    display_name: str
    is_active: bool
    roles: list[str]
    site_ids: list[int]
    created_at: datetime
    last_login_at: datetime | None


class UserIn(BaseModel):
    """A new user."""

    email: str = Field(min_length=3, max_length=254)
    display_name: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=accounts.MIN_PASSWORD, max_length=256)
    roles: list[Role] = Field(min_length=1, max_length=6)
    site_ids: list[int] = Field(default_factory=list, max_length=500)


class UserChange(BaseModel):
    """Changes to a user: roles and sites together, and/or active."""

    roles: list[Role] | None = Field(default=None, max_length=6)
    site_ids: list[int] | None = Field(default=None, max_length=500)
    is_active: bool | None = None


class PasswordIn(BaseModel):
    """A new password set by an admin."""

    password: str = Field(min_length=accounts.MIN_PASSWORD, max_length=256)


class SiteIn(BaseModel):
    """A new site."""

    name: str = Field(min_length=1, max_length=120)
    region: str = Field(default="", max_length=120)


class SiteOut(BaseModel):
    """A site just created."""

    id: int
    name: str
    region: str


def _public(summary: accounts.UserSummary) -> UserPublic:
    return UserPublic.model_validate(
        {**summary.user.model_dump(), "roles": summary.roles, "site_ids": summary.site_ids}
    )


def _summary(session: SessionDep, user_id: int) -> UserPublic:
    found = [s for s in accounts.list_users(session=session) if s.user.id == user_id]
    return _public(found[0])


@router.get("/users", summary="Every user with roles and sites (admin)")
def list_users(session: SessionDep, actor: AdminActor) -> list[UserPublic]:
    return [_public(s) for s in accounts.list_users(session=session)]


@router.post("/users", status_code=201, summary="Add a user (admin)")
def add_user(data: UserIn, session: SessionDep, actor: AdminActor) -> UserPublic:
    user = accounts.create_user(
        session=session,
        actor=actor.user,
        email=data.email,
        display_name=data.display_name,
        password=data.password,
        roles=[r.value for r in data.roles],
        site_ids=data.site_ids,
    )
    return _summary(session, user.id or 0)


@router.patch("/users/{user_id}", summary="Change roles, sites or active state (admin)")
def change_user(
    user_id: int, data: UserChange, session: SessionDep, actor: AdminActor
) -> UserPublic:
    current = _summary(session, accounts.get_user(session=session, user_id=user_id).id or 0)
    if data.roles is not None or data.site_ids is not None:
        roles = [r.value for r in data.roles] if data.roles is not None else current.roles
        sites = data.site_ids if data.site_ids is not None else current.site_ids
        accounts.set_memberships(
            session=session, actor=actor.user, user_id=user_id, roles=roles, site_ids=sites
        )
    if data.is_active is not None:
        accounts.set_active(
            session=session, actor=actor.user, user_id=user_id, active=data.is_active
        )
    return _summary(session, user_id)


@router.post("/users/{user_id}/password", summary="Set a new password (admin)")
def set_password(
    user_id: int, data: PasswordIn, session: SessionDep, actor: AdminActor
) -> UserPublic:
    accounts.reset_password(
        session=session, actor=actor.user, user_id=user_id, password=data.password
    )
    return _summary(session, user_id)


@router.post("/sites", status_code=201, summary="Add a site (admin)")
def add_site(data: SiteIn, session: SessionDep, actor: AdminActor) -> SiteOut:
    site = create_site(session=session, actor=actor.user, name=data.name, region=data.region)
    return SiteOut(id=site.id or 0, name=site.name, region=site.region)

"""Organisational units: the sites a person works in, the unit tree, adding and moving."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AdminActor, CurrentActor, SessionDep, SettingsDep
from storybank import units
from storybank.models import Id

router = APIRouter(tags=["units"])


class SitePublic(BaseModel):
    """A site as the API returns it; `region` is the name of the unit above it."""

    id: int
    name: str
    region: str
    parent_id: int | None


class UnitPublic(BaseModel):
    """A unit of the tree: a site, a region or the programme."""

    id: int
    name: str
    level: str
    parent_id: int | None
    depth: int = 0
    sites_covered: int = 0


class UnitIn(BaseModel):
    """A new unit under a parent of a higher level."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    level: str = Field(min_length=1, max_length=24)
    parent_id: int | None = Field(default=None, ge=1, le=2**63 - 1)


class UnitMove(BaseModel):
    """A unit's new parent (null: the top of the tree)."""

    model_config = ConfigDict(extra="forbid")

    parent_id: int | None = Field(ge=1, le=2**63 - 1)


@router.get("/sites", summary="Sites your grants cover (admins: every site)")
def read_sites(session: SessionDep, actor: CurrentActor) -> list[SitePublic]:
    parents = units.parent_names(session=session)
    return [
        SitePublic(
            id=site.id or 0,
            name=site.name,
            region=parents.get(site.id or 0, ""),
            parent_id=site.parent_id,
        )
        for site in units.visible_sites(session=session, actor=actor)
    ]


@router.get("/units", summary="The unit tree, parents before children")
def read_units(session: SessionDep, actor: CurrentActor) -> list[UnitPublic]:
    return [
        UnitPublic(**node.unit.model_dump(), depth=node.depth, sites_covered=node.sites)
        for node in units.unit_tree(session=session)
    ]


@router.post("/units", status_code=201, summary="Add a unit (admin)")
def add_unit(
    data: UnitIn, session: SessionDep, settings: SettingsDep, actor: AdminActor
) -> UnitPublic:
    unit = units.create_unit(
        session=session,
        actor=actor.user,
        name=data.name,
        level=data.level,
        parent_id=data.parent_id,
        levels=settings.unit_levels,
    )
    return UnitPublic(**unit.model_dump())


@router.patch("/units/{unit_id}", summary="Move a unit under another parent (admin)")
def move_unit(
    unit_id: Id, data: UnitMove, session: SessionDep, settings: SettingsDep, actor: AdminActor
) -> UnitPublic:
    unit = units.move_unit(
        session=session,
        actor=actor.user,
        unit_id=unit_id,
        parent_id=data.parent_id,
        levels=settings.unit_levels,
    )
    return UnitPublic(**unit.model_dump())

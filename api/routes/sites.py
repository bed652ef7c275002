"""Sites."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import CurrentActor, SessionDep
from storybank.sites import visible_sites

router = APIRouter(prefix="/sites", tags=["sites"])


class SitePublic(BaseModel):
    """A site as the API returns it."""

    id: int
    name: str
    region: str


@router.get("", summary="Sites you work in (admins and evaluators: the sites granted)")
def read_sites(session: SessionDep, actor: CurrentActor) -> list[SitePublic]:
    return [
        SitePublic(id=site.id or 0, name=site.name, region=site.region)
        for site in visible_sites(session=session, actor=actor)
    ]

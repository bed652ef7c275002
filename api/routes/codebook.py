"""The codebook: CLS outcomes and themes."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CurrentActor, SessionDep
from storybank.codebook import list_codes
from storybank.models import CodeKind, CodePublic

router = APIRouter(prefix="/codebook", tags=["codebook"])


@router.get("", summary="The codebook: outcomes 1-6, then themes")
def read_codebook(
    session: SessionDep,
    actor: CurrentActor,
    kind: CodeKind | None = None,
    include_inactive: bool = False,
) -> list[CodePublic]:
    return list_codes(session=session, kind=kind, include_inactive=include_inactive)

"""Model versions: their figures, status, acceptance rates and reliability (admins, reviewers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from api.deps import SessionDep, require_roles
from storybank.access import Actor
from storybank.learning import list_versions, version_detail
from storybank.learning.versions import VERSION_PATTERN
from storybank.models import ModelVersionDetail, ModelVersionPublic, Role

router = APIRouter(prefix="/models", tags=["models"])
ModelReader = Annotated[Actor, Depends(require_roles(Role.admin, Role.reviewer))]


@router.get("", summary="Model versions, newest first, with figures and acceptance rates")
def read_models(session: SessionDep, actor: ModelReader) -> list[ModelVersionPublic]:
    return list_versions(session=session)


@router.get("/{version}", summary="One model version: comparison and reliability table too")
def read_model(
    session: SessionDep,
    actor: ModelReader,
    version: Annotated[str, Path(max_length=64, pattern=VERSION_PATTERN)],
) -> ModelVersionDetail:
    return version_detail(session=session, version=version)

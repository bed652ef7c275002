"""The codebook: CLS outcomes and themes; admins add, edit, retire and delete themes."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import AdminActor, CurrentActor, SessionDep
from storybank import codebook_admin
from storybank.codebook import list_codes
from storybank.codebook_admin import CodeEdit, ThemeCreate
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


@router.post("", status_code=201, summary="Add a theme (admins; outcomes are fixed)")
def add_theme(data: ThemeCreate, session: SessionDep, actor: AdminActor) -> CodePublic:
    return codebook_admin.add_theme(session=session, actor=actor, data=data)


@router.patch(
    "/{key}",
    summary="Edit a code; `active: false` retires it (outcomes cannot be retired)",
)
def update_code(key: str, data: CodeEdit, session: SessionDep, actor: AdminActor) -> CodePublic:
    return codebook_admin.update_code(session=session, actor=actor, key=key, data=data)


@router.delete("/{key}", status_code=204, summary="Delete a theme no story was ever coded with")
def delete_theme(key: str, session: SessionDep, actor: AdminActor) -> Response:
    codebook_admin.delete_theme(session=session, actor=actor, key=key)
    return Response(status_code=204)

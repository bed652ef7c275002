"""The model versions page: figures, status, acceptance rates (admins and reviewers read it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from starlette.responses import Response

from api.deps import SessionDep
from storybank.access import Actor, require_role
from storybank.learning import list_versions, version_detail
from storybank.learning.versions import VERSION_PATTERN
from storybank.models import Role
from web.deps import PageActor
from web.templating import render

router = APIRouter(include_in_schema=False)
SUMMARY_LABELS = {
    "outcome_micro_f1": "Outcome micro-F1",
    "outcome_macro_f1": "Outcome macro-F1",
    "outcome_mean_kappa": "Outcome mean kappa",
    "theme_micro_f1": "Theme micro-F1",
    "theme_macro_f1": "Theme macro-F1",
    "theme_mean_kappa": "Theme mean kappa",
}
TRAINED_VIA = {
    "command": "The command line",
    "background": "A background retrain",
    "demo": "The demo loader",
}


def model_reader(actor: PageActor) -> Actor:
    """The signed-in admin or reviewer; the 403 page for anyone else."""
    require_role(actor, Role.admin, Role.reviewer)
    return actor


ModelReader = Annotated[Actor, Depends(model_reader)]


@router.get("/admin/models")
def models_page(request: Request, session: SessionDep, actor: ModelReader) -> Response:
    versions = list_versions(session=session)
    active = next((item for item in versions if item.status == "active"), None)
    context = {"versions": versions, "active": active, "summary_labels": SUMMARY_LABELS}
    context["trained_via"] = TRAINED_VIA
    return render(request, "admin/models.html", context)


@router.get("/admin/models/{version}")
def model_page(
    request: Request,
    session: SessionDep,
    actor: ModelReader,
    version: Annotated[str, Path(max_length=64, pattern=VERSION_PATTERN)],
) -> Response:
    detail = version_detail(session=session, version=version)
    context = {"model": detail, "summary_labels": SUMMARY_LABELS, "trained_via": TRAINED_VIA}
    return render(request, "admin/model.html", context)

"""Agreement figures: reviewer pairs' blind double coding, and model versions against the
final codes, per code (the same figures as the /insights/agreement page)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import CurrentActor, SessionDep
from storybank.insights.agreement import ReviewerAgreement, reviewer_agreement
from storybank.insights.agreement_scope import AgreementFilters
from storybank.insights.model_agreement import ModelAgreement, model_agreement

router = APIRouter(prefix="/insights/agreement", tags=["insights"])


def agreement_filters(
    unit_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> AgreementFilters:
    """A unit (a site, or every site below it) and the dates of the change."""
    return AgreementFilters(unit_id=unit_id, date_from=date_from, date_to=date_to)


FiltersDep = Annotated[AgreementFilters, Depends(agreement_filters)]


@router.get(
    "",
    summary="Agreement between blind double coders, per code, and what to adjudicate",
    description="Over the stories two reviewers coded blind and both finished, that you may "
    "read: per code the 2x2 counts, percent agreement, Cohen's kappa and Krippendorff's alpha "
    "(null with a note when not defined), an overall row, and (reviewers and admins) the "
    "disagreements still to adjudicate. For reviewers, evaluators and admins.",
)
def read_reviewer_agreement(
    session: SessionDep, actor: CurrentActor, filters: FiltersDep
) -> ReviewerAgreement:
    return reviewer_agreement(session=session, actor=actor, filters=filters)


@router.get(
    "/model",
    summary="Each model version's suggestions against the final codes, per code",
    description="Over the coded stories you may read that a version suggested codes for: "
    "precision, recall, Cohen's kappa and percent agreement per code. Reviewers decide with "
    "the suggestions in view, so these flatter the model. For reviewers, evaluators, admins.",
)
def read_model_agreement(
    session: SessionDep, actor: CurrentActor, filters: FiltersDep
) -> ModelAgreement:
    return model_agreement(session=session, actor=actor, filters=filters)

"""Reviewer agreement at story grain: for each code, over the stories two reviewers coded
blind and both finished, how often they agree (percent, Cohen's kappa, Krippendorff's
alpha), and the disagreements still to adjudicate. Who sees what: agreement_scope.py."""

from __future__ import annotations

from statistics import fmean

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Subquery, and_, case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storybank.access import Actor
from storybank.insights.agreement_scope import (
    AgreementFilters,
    CodeRef,
    agreement_stories,
    code_ref,
    reported_codes,
)
from storybank.insights.reliability import (
    ALPHA_UNDEFINED,
    KAPPA_UNDEFINED,
    PairCounts,
    cohen_kappa,
    krippendorff_alpha,
    percent_agreement,
)
from storybank.models import Code, Coding, ReviewAssignment, Role, Story, StoryStatus, User
from storybank.review.final import story_codings

DISAGREEMENT_LIMIT = 500


class CodeAgreement(BaseModel):
    """How the two blind coders of the same stories compare on one code."""

    code: CodeRef
    stories: int
    both_applied: int
    only_first: int
    only_second: int
    neither: int
    percent_agreement: float | None
    kappa: float | None
    kappa_note: str | None
    alpha: float | None
    alpha_note: str | None


class OverallAgreement(BaseModel):
    """Every code decision together: mean kappa over the codes where it is defined, and
    alpha and percent agreement over all (story, code) decisions."""

    decisions: int
    percent_agreement: float | None
    mean_kappa: float | None
    codes_with_kappa: int
    alpha: float | None


class Disagreement(BaseModel):
    """A code one blind coder applied and the other did not, not yet adjudicated."""

    story_id: int
    story_title: str
    code: CodeRef
    applied_by: list[str]
    adjudicate_url: str


class ReviewerAgreement(BaseModel):
    """Agreement between blind double coders, per code and overall, with what to adjudicate."""

    stories: int
    codes: list[CodeAgreement]
    overall: OverallAgreement
    disagreements: list[Disagreement]
    disagreements_total: int
    disagreements_shown: bool


def double_coded(condition: ColumnElement[bool]) -> Subquery:
    """(story_id, first, second): stories two reviewers coded blind, both finished."""
    first, second = aliased(ReviewAssignment), aliased(ReviewAssignment)
    return (
        select(
            col(first.story_id).label("story_id"),
            col(first.reviewer_id).label("first"),
            col(second.reviewer_id).label("second"),
        )
        .join(second, and_(col(second.story_id) == first.story_id, col(second.position) == 2))
        .join(Story, col(Story.id) == first.story_id)
        .where(col(first.position) == 1, col(first.finished_at).is_not(None))
        .where(col(second.finished_at).is_not(None), condition)
        .subquery()
    )


def _applied(pairs: Subquery) -> Subquery:
    """(story_id, code_id, by_first, by_second): each code either coder applied."""
    by = [
        func.max(case((col(Coding.coder_id) == pairs.c[who], 1), else_=0)).label(f"by_{who}")
        for who in ("first", "second")
    ]
    return (
        select(pairs.c.story_id, col(Coding.code_id), *by)
        .join(Coding, col(Coding.story_id) == pairs.c.story_id)
        .where(col(Coding.coder_id).in_([pairs.c.first, pairs.c.second]))
        .group_by(pairs.c.story_id, col(Coding.code_id))
        .subquery()
    )


def _counts_per_code(session: Session, pairs: Subquery) -> tuple[int, dict[int, PairCounts]]:
    """The number of stories and, per code applied in any, the 2x2 counts (in SQL)."""
    stories = session.exec(select(func.count()).select_from(pairs)).one()
    applied = _applied(pairs)
    first, second = applied.c.by_first, applied.c.by_second
    rows = session.exec(
        select(
            applied.c.code_id,
            func.sum(first * second),
            func.sum(first * (1 - second)),
            func.sum((1 - first) * second),
        ).group_by(applied.c.code_id)
    ).all()
    counts = {}
    for code_id, both, only_first, only_second in rows:
        both, only_first, only_second = int(both), int(only_first), int(only_second)
        counts[code_id] = PairCounts(
            both, only_first, only_second, stories - both - only_first - only_second
        )
    return stories, counts


def _code_row(code: Code, counts: PairCounts) -> CodeAgreement:
    kappa, alpha = cohen_kappa(counts), krippendorff_alpha([counts])
    return CodeAgreement(
        code=code_ref(code),
        stories=counts.n,
        both_applied=counts.both,
        only_first=counts.only_first,
        only_second=counts.only_second,
        neither=counts.neither,
        percent_agreement=percent_agreement(counts),
        kappa=kappa,
        kappa_note=KAPPA_UNDEFINED if kappa is None and counts.n else None,
        alpha=alpha,
        alpha_note=ALPHA_UNDEFINED if alpha is None and counts.n else None,
    )


def overall(rows: list[CodeAgreement], counts: list[PairCounts]) -> OverallAgreement:
    """The overall row from the per-code rows and their counts."""
    kappas = [row.kappa for row in rows if row.kappa is not None]
    total = sum(counts, PairCounts())
    return OverallAgreement(
        decisions=total.n,
        percent_agreement=percent_agreement(total),
        mean_kappa=fmean(kappas) if kappas else None,
        codes_with_kappa=len(kappas),
        alpha=krippendorff_alpha(counts),
    )


def reviewer_agreement(
    *,
    session: Session,
    actor: Actor,
    filters: AgreementFilters | None = None,
    stories: ColumnElement[bool] | None = None,
) -> ReviewerAgreement:
    """Per-code and overall agreement of blind double coders over the readable stories in
    the filter, and the disagreements the actor may adjudicate."""
    condition = agreement_stories(
        session=session, actor=actor, filters=filters or AgreementFilters(), stories=stories
    )
    pairs = double_coded(condition)
    n, counts = _counts_per_code(session, pairs)
    codes = reported_codes(session=session, used=counts)
    table = [(code, counts.get(code.id or 0, PairCounts(neither=n))) for code in codes]
    rows = [_code_row(code, c) for code, c in table] if n else []
    shown = actor.is_admin or bool(actor.sites_for(Role.reviewer))
    found = _disagreements(session, actor, pairs, codes) if shown else []
    return ReviewerAgreement(
        stories=n,
        codes=rows,
        overall=overall(rows, [c for _code, c in table] if n else []),
        disagreements=found[:DISAGREEMENT_LIMIT],
        disagreements_total=len(found),
        disagreements_shown=shown,
    )


def _disagreements(
    session: Session, actor: Actor, pairs: Subquery, codes: list[Code]
) -> list[Disagreement]:
    """Disputed codes not yet adjudicated, on submitted stories the actor may adjudicate
    (a reviewer of the site; admins see them all), as review/final.py defines them."""
    applied = _applied(pairs)
    disputed = select(applied.c.story_id).where(applied.c.by_first != applied.c.by_second)
    query = select(Story.id, Story.title, Story.site_id).where(
        col(Story.id).in_(disputed.distinct()), col(Story.status) == StoryStatus.submitted
    )
    if not actor.is_admin:
        query = query.where(col(Story.site_id).in_(sorted(actor.sites_for(Role.reviewer))))
    stories = session.exec(query.order_by(col(Story.id))).all()
    codings = story_codings(session=session, story_ids=[story_id for story_id, _t, _s in stories])
    by_id = {code.id: code for code in codes}
    position = {code.id: i for i, code in enumerate(codes)}
    names = _coder_names(session, {r for c in codings.values() for r in c.coders})
    found = []
    for story_id, title, _site in stories:
        coding = codings[story_id or 0]
        for code_id in sorted(coding.awaiting_adjudication(), key=lambda c: position.get(c, 0)):
            applied_by = [names[r] for r in coding.coders if code_id in coding.codes_by_coder[r]]
            found.append(
                Disagreement(
                    story_id=story_id or 0,
                    story_title=title,
                    code=code_ref(by_id[code_id]) if code_id in by_id else _unknown(code_id),
                    applied_by=applied_by,
                    adjudicate_url=f"/review/{story_id}/adjudicate",
                )
            )
    return found


def _unknown(code_id: int) -> CodeRef:
    return CodeRef(key=f"code_{code_id}", label=f"Code {code_id}", kind="", number=None)


def _coder_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.display_name).where(col(User.id).in_(ids))).all()
    return {user_id or 0: name for user_id, name in rows}

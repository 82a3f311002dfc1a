"""The review-abuse HTTP API under /api/v1: a store's flagged reviews and its reports; the operator's queue, folds,
sanctions and a manual scoring pass."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, Field

from mercato.kernel.http import ERROR_RESPONSES, require_operator, require_principal, runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.reviews import abuse_service as service
from mercato.reviews.model.abuse_views import (
    NOTE_MAX,
    SANCTION_REASON_MAX,
    FlaggedReview,
    QueueItem,
    ReportReason,
    ReportView,
    RiskView,
    SanctionView,
)

router = APIRouter(tags=["reviews"], responses=ERROR_RESPONSES)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(require_principal)]
Operator = Annotated[Principal, Depends(require_operator)]
Id = Annotated[str, Field(min_length=1, max_length=26)]


class ReportRead(BaseModel):
    id: str
    review_id: str
    store_id: str
    reason: ReportReason
    note: str
    created_at: datetime

    @classmethod
    def of(cls, r: ReportView) -> ReportRead:
        return cls(id=r.id, review_id=r.review_id, store_id=r.store_id, reason=r.reason, note=r.note,
                   created_at=r.created_at)


class FlaggedReviewRead(BaseModel):
    review_id: str
    store_id: str
    product_id: str
    rating: int
    text: str
    created_at: datetime
    folded: bool
    flagged: bool
    risk_score: float | None
    reason_codes: list[str]
    reports: list[ReportRead]

    @classmethod
    def of(cls, r: FlaggedReview) -> FlaggedReviewRead:
        return cls(review_id=r.review_id, store_id=r.store_id, product_id=r.product_id, rating=r.rating,
                   text=r.text, created_at=r.created_at, folded=r.folded, flagged=r.flagged, risk_score=r.score,
                   reason_codes=list(r.reason_codes), reports=[ReportRead.of(x) for x in r.reports])


class RiskRead(BaseModel):
    score: float
    flagged: bool
    reasons: list[dict[str, object]]
    computed_at: datetime

    @classmethod
    def of(cls, r: RiskView) -> RiskRead:
        return cls(score=r.score, flagged=r.flagged, reasons=list(r.reasons), computed_at=r.computed_at)


class SanctionRead(BaseModel):
    id: str
    consumer_id: str
    reason: str
    starts_at: datetime
    ends_at: datetime
    lifted_at: datetime | None

    @classmethod
    def of(cls, s: SanctionView) -> SanctionRead:
        return cls(id=s.id, consumer_id=s.consumer_id, reason=s.reason, starts_at=s.starts_at, ends_at=s.ends_at,
                   lifted_at=s.lifted_at)


class QueueItemRead(BaseModel):
    review: FlaggedReviewRead
    consumer_id: str
    risk: RiskRead | None
    sanction: SanctionRead | None

    @classmethod
    def of(cls, item: QueueItem) -> QueueItemRead:
        return cls(review=FlaggedReviewRead.of(item.review), consumer_id=item.review.consumer_id,
                   risk=RiskRead.of(item.risk) if item.risk else None,
                   sanction=SanctionRead.of(item.sanction) if item.sanction else None)


class ReportCreate(BaseModel):
    reason: ReportReason
    note: str = Field(default="", max_length=NOTE_MAX)


class SanctionCreate(BaseModel):
    until: AwareDatetime
    reason: str = Field(min_length=1, max_length=SANCTION_REASON_MAX)


class FoldRead(BaseModel):
    review_id: str
    folded: bool


# --- merchants ----------------------------------------------------------------------------------------------------

@router.get("/merchant/stores/{store_id}/reviews/flagged", response_model=list[FlaggedReviewRead])
def list_flagged(store_id: Id, rt: Rt, me: Me) -> list[FlaggedReviewRead]:
    """The store's flagged or reported reviews, newest first (needs `orders`)."""
    return [FlaggedReviewRead.of(r) for r in service.flagged_reviews(rt, me, store_id)]


@router.post("/merchant/stores/{store_id}/reviews/{review_id}/report", response_model=ReportRead, status_code=201)
def report(store_id: Id, review_id: Id, body: ReportCreate, rt: Rt, me: Me) -> ReportRead:
    """Report a review of the store; 409 `review_already_reported` the second time."""
    return ReportRead.of(service.report_review(rt, me, store_id, review_id, body.reason.value, body.note))


# --- operators ----------------------------------------------------------------------------------------------------

@router.get("/ops/reviews/abuse", response_model=list[QueueItemRead])
def queue(rt: Rt, op: Operator) -> list[QueueItemRead]:
    """Flagged and reported reviews with the reviewer's risk, reasons and any sanction in force."""
    return [QueueItemRead.of(item) for item in service.abuse_queue(rt, op)]


@router.post("/ops/reviews/abuse/score", status_code=202)
def score(rt: Rt, op: Operator) -> dict[str, str]:
    """Queue a scoring pass now."""
    service.request_scoring(rt, op)
    return {"status": "queued"}


@router.post("/ops/reviews/{review_id}/fold", response_model=FoldRead)
def fold(review_id: Id, rt: Rt, op: Operator) -> FoldRead:
    """Fold: the review stays visible but leaves the scores; 409 `review_fold_unchanged` if already folded."""
    service.fold_review(rt, op, review_id)
    return FoldRead(review_id=review_id, folded=True)


@router.post("/ops/reviews/{review_id}/unfold", response_model=FoldRead)
def unfold(review_id: Id, rt: Rt, op: Operator) -> FoldRead:
    service.unfold_review(rt, op, review_id)
    return FoldRead(review_id=review_id, folded=False)


@router.get("/ops/reviewers/{user_id}/sanctions", response_model=list[SanctionRead])
def sanctions(user_id: Id, rt: Rt, op: Operator) -> list[SanctionRead]:
    return [SanctionRead.of(s) for s in service.reviewer_sanctions(rt, op, user_id)]


@router.post("/ops/reviewers/{user_id}/sanction", response_model=SanctionRead, status_code=201)
def sanction(user_id: Id, body: SanctionCreate, rt: Rt, op: Operator) -> SanctionRead:
    """Bar the consumer from reviewing until `until`; 409 `reviewer_already_sanctioned` while one is in force."""
    return SanctionRead.of(service.sanction_reviewer(rt, op, user_id, body.until, body.reason))


@router.post("/ops/reviewers/{user_id}/lift", response_model=SanctionRead)
def lift(user_id: Id, rt: Rt, op: Operator) -> SanctionRead:
    """Lift the sanction in force; 409 `reviewer_not_sanctioned` when there is none."""
    return SanctionRead.of(service.lift_sanction(rt, op, user_id))

"""credit API: the consumer's own credit rating, its factors and the quick-refund terms it earns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from mercato.credit import service
from mercato.credit.model import Factor, QuickRefundTerms
from mercato.kernel.http import ERROR_RESPONSES, require_principal, runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime

router = APIRouter(tags=["credit"], responses=ERROR_RESPONSES)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(require_principal)]


class FactorRead(BaseModel):
    name: str
    points: int = Field(description="added to the score (negative: taken away)")
    key: str = Field(description="the explanation's message key")

    @classmethod
    def of(cls, f: Factor) -> FactorRead:
        return cls(name=f.name, points=f.points, key=f.key)


class QuickRefundTermsRead(BaseModel):
    tier: str
    per_order_max: int = Field(description="fen: the most refunded at once on one order")
    outstanding_max: int = Field(description="fen: the most advanced and not yet recovered at one time")

    @classmethod
    def of(cls, t: QuickRefundTerms) -> QuickRefundTermsRead:
        return cls(tier=t.tier, per_order_max=t.per_order_max, outstanding_max=t.outstanding_max)


class CreditRead(BaseModel):
    """The consumer's rating; `score` and `tier` are null until the first rating (after an order completes, or the
    nightly pass)."""

    score: int | None = Field(description="350-950")
    tier: str | None = Field(description="low, fair, good, great or excellent")
    computed_at: datetime | None
    factors: list[FactorRead] = Field(description="the contributions behind the score, largest first")
    quick_refund: QuickRefundTermsRead | None = Field(description="null: the tier earns no quick refund")
    advice: list[str] = Field(description="message keys: how to raise the score, most useful first")


@router.get("/me/credit", response_model=CreditRead)
def my_credit(rt: Rt, me: Me) -> CreditRead:
    o = service.credit_overview(rt, me)
    return CreditRead(
        score=o.score.value if o.score else None, tier=o.score.tier.value if o.score else None,
        computed_at=o.computed_at, factors=[FactorRead.of(f) for f in o.score.factors] if o.score else [],
        quick_refund=QuickRefundTermsRead.of(o.terms) if o.terms else None, advice=list(o.advice))

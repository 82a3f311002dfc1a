"""credit pages: the consumer's "my credit" page (the score, the tier, the factors in plain words, the quick-refund
terms and how to raise it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from mercato.credit import service
from mercato.credit.model import MAX_SCORE, MIN_SCORE, TIER_ORDER, tier_floor
from mercato.kernel.http import runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.web import render
from mercato.web.guards import PageRoute, page_principal

router = APIRouter(route_class=PageRoute)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(page_principal)]


@router.get("/account/credit", response_class=HTMLResponse)
def credit_page(request: Request, rt: Rt, me: Me) -> Response:
    tiers = [(tier.value, tier_floor(tier)) for tier in TIER_ORDER]
    return render(request, "credit/credit.html", overview=service.credit_overview(rt, me), tiers=tiers,
                  min_score=MIN_SCORE, max_score=MAX_SCORE)

"""The operator's promotion pages under /ops/promotions: the platform's promotions with their counts, the form
(festivals, subsidy prices, member prices, platform vouchers), pause / resume / end, and red-envelope campaigns."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.catalog import service as catalog
from mercato.kernel.errors import DomainError
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.pricing import service
from mercato.pricing._web_common import Operator, Posted, Rt, echo_form, failed, first, flash
from mercato.pricing.forms import blank_form, draft_of_form, form_of
from mercato.pricing.model import Kind
from mercato.pricing.model.drafts import PLATFORM_KINDS
from mercato.pricing.model.views import SegmentKind, check_segment
from mercato.web import render
from mercato.web.guards import PageRoute

router = APIRouter(route_class=PageRoute)
PLATFORM_KIND_ORDER = [k for k in Kind if k in PLATFORM_KINDS]


def _list_page(request: Request, rt: Runtime, me: Principal, **context: Any) -> HTMLResponse:
    promotions = service.platform_promotions(rt, me)
    return render(request, "pricing/ops_promotions.html", promotions=promotions, kinds=PLATFORM_KIND_ORDER,
                  segments=list(SegmentKind), now=rt.clock.now(), ops_section="promotions",
                  status_code=context.pop("status_code", 200), **context)


@router.get("/ops/promotions", response_class=HTMLResponse)
def ops_promotions_page(request: Request, rt: Rt, me: Operator, done: str = "") -> Response:
    return _list_page(request, rt, me, notice=flash(done))


@router.post("/ops/promotions/{promotion_id}/status", response_class=HTMLResponse)
def ops_status_submit(request: Request, rt: Rt, me: Operator, promotion_id: str, form: Posted) -> Response:
    action = first(form, "action")
    service.set_platform_promotion_status(rt, me, promotion_id, action)
    return RedirectResponse(f"/ops/promotions?done={action}", status_code=303)


@router.post("/ops/promotions/{promotion_id}/campaign", response_class=HTMLResponse)
def campaign_submit(request: Request, rt: Rt, me: Operator, promotion_id: str, form: Posted) -> Response:
    try:
        days = int(first(form, "days") or 0) if first(form, "days").strip().isdigit() else -1
        segment = check_segment(first(form, "segment"), days)
        service.issue_campaign(rt, me, promotion_id, segment)
    except DomainError as exc:
        return _list_page(request, rt, me, **failed(exc, ()))
    return RedirectResponse("/ops/promotions?done=campaign", status_code=303)


# --- the form -----------------------------------------------------------------------------------------------------

def _form_page(request: Request, rt: Runtime, me: Principal, promotion_id: str | None, form: dict[str, Any],
               **context: Any) -> HTMLResponse:
    view = service.platform_promotion(rt, me, promotion_id) if promotion_id else None
    action = f"/ops/promotions/{promotion_id}" if promotion_id else "/ops/promotions/new"
    return render(request, "pricing/promotion_form.html", form=form, view=view, action=action, owner="platform",
                  kinds=PLATFORM_KIND_ORDER, skus=[], verticals=catalog.category_tree(rt).roots, now=rt.clock.now(),
                  ops_section="promotions", status_code=context.pop("status_code", 200), **context)


@router.get("/ops/promotions/new", response_class=HTMLResponse)
def ops_new_page(request: Request, rt: Rt, me: Operator, kind: str = "platform_voucher") -> Response:
    chosen = Kind(kind) if kind in {k.value for k in PLATFORM_KINDS} else Kind.PLATFORM_VOUCHER
    form = blank_form(chosen)
    if chosen is Kind.PLATFORM_VOUCHER:
        form["claimable"] = False
    return _form_page(request, rt, me, None, form)


@router.post("/ops/promotions/new", response_class=HTMLResponse)
def ops_new_submit(request: Request, rt: Rt, me: Operator, form: Posted) -> Response:
    try:
        service.create_platform_promotion(rt, me, draft_of_form(form))
    except DomainError as exc:
        return _form_page(request, rt, me, None, echo_form(form), **failed(exc))
    return RedirectResponse("/ops/promotions?done=created", status_code=303)


@router.get("/ops/promotions/{promotion_id}", response_class=HTMLResponse)
def ops_edit_page(request: Request, rt: Rt, me: Operator, promotion_id: str) -> Response:
    view = service.platform_promotion(rt, me, promotion_id)
    return _form_page(request, rt, me, promotion_id, form_of(view.draft))


@router.post("/ops/promotions/{promotion_id}", response_class=HTMLResponse)
def ops_edit_submit(request: Request, rt: Rt, me: Operator, promotion_id: str, form: Posted) -> Response:
    try:
        service.update_platform_promotion(rt, me, promotion_id, draft_of_form(form))
    except DomainError as exc:
        return _form_page(request, rt, me, promotion_id, echo_form(form), **failed(exc))
    return RedirectResponse("/ops/promotions?done=updated", status_code=303)

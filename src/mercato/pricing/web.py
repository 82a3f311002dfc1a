"""The pricing pages: the merchant's promotions and festival opt-ins (`/merchant/promotions`), a store's coupons to
claim (`/coupons?store_id=`), the consumer's vouchers (`/account/vouchers`); the operator's pages are included from
`_web_ops`. A merchant page acts for the store named by `store_id`, else the person's first store."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.catalog import service as catalog
from mercato.kernel.errors import DomainError
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.pricing import service
from mercato.pricing._web_common import Me, Posted, Rt, echo_form, failed, first, flash, promotion_stores
from mercato.pricing._web_ops import router as ops_router
from mercato.pricing.forms import blank_form, draft_of_form, form_of
from mercato.pricing.model import Kind
from mercato.pricing.model.drafts import STORE_KINDS
from mercato.stores import service as stores
from mercato.stores.model import chosen_membership
from mercato.web import render
from mercato.web.guards import PageRoute, local_redirect_target

router = APIRouter(route_class=PageRoute)
router.include_router(ops_router)
SKU_CHOICES = 100
STORE_KIND_ORDER = [k for k in Kind if k in STORE_KINDS]


def _merchant_context(rt: Runtime, me: Principal, store_id: str) -> dict[str, Any]:
    memberships = promotion_stores(rt, me)
    membership = chosen_membership(memberships, store_id)
    return {"memberships": memberships, "membership": membership,
            "store": membership.store if membership else None}


# --- the merchant's list ------------------------------------------------------------------------------------------

@router.get("/merchant/promotions", response_class=HTMLResponse)
def merchant_promotions_page(request: Request, rt: Rt, me: Me, store_id: str = "", done: str = "") -> Response:
    context = _merchant_context(rt, me, store_id)
    store = context["store"]
    promotions = service.store_promotions(rt, me, store.id) if store else []
    festivals = service.store_festivals(rt, me, store.id) if store else []
    return render(request, "pricing/merchant_promotions.html", promotions=promotions, festivals=festivals,
                  kinds=STORE_KIND_ORDER, now=rt.clock.now(), notice=flash(done), **context)


@router.post("/merchant/promotions/{promotion_id}/status", response_class=HTMLResponse)
def merchant_status_submit(request: Request, rt: Rt, me: Me, promotion_id: str, form: Posted) -> Response:
    store_id, action = first(form, "store_id"), first(form, "action")
    service.set_store_promotion_status(rt, me, store_id, promotion_id, action)
    return RedirectResponse(f"/merchant/promotions?store_id={store_id}&done={action}", status_code=303)


@router.post("/merchant/festivals/{promotion_id}", response_class=HTMLResponse)
def festival_submit(request: Request, rt: Rt, me: Me, promotion_id: str, form: Posted) -> Response:
    store_id = first(form, "store_id")
    if first(form, "action") == "leave":
        service.leave_festival(rt, me, store_id, promotion_id)
        done = "left"
    else:
        service.join_festival(rt, me, store_id, promotion_id)
        done = "joined"
    return RedirectResponse(f"/merchant/promotions?store_id={store_id}&done={done}", status_code=303)


# --- the merchant's form ------------------------------------------------------------------------------------------

def _sku_choices(rt: Runtime, me: Principal, store_id: str) -> list[Any]:
    """The store's SKUs to pick from (the first 100 of its stock table; none without the stock permission)."""
    try:
        return [row for row in catalog.store_stock_rows(rt, me, store_id, limit=SKU_CHOICES).items if row.sku]
    except DomainError:
        return []


def _form_page(request: Request, rt: Runtime, me: Principal, store_id: str, promotion_id: str | None,
               form: dict[str, Any], **context: Any) -> HTMLResponse:
    base = _merchant_context(rt, me, store_id)
    store = base["store"]
    view = service.store_promotion(rt, me, store.id, promotion_id) if store and promotion_id else None
    action = f"/merchant/promotions/{promotion_id}" if promotion_id else "/merchant/promotions/new"
    return render(request, "pricing/promotion_form.html", form=form, view=view, action=action, owner="store",
                  kinds=STORE_KIND_ORDER, skus=_sku_choices(rt, me, store.id) if store else [], verticals=[],
                  now=rt.clock.now(), status_code=context.pop("status_code", 200), **base, **context)


@router.get("/merchant/promotions/new", response_class=HTMLResponse)
def new_promotion_page(request: Request, rt: Rt, me: Me, store_id: str = "", kind: str = "store_coupon") -> Response:
    chosen = Kind(kind) if kind in {k.value for k in STORE_KINDS} else Kind.STORE_COUPON
    return _form_page(request, rt, me, store_id, None, blank_form(chosen))


@router.post("/merchant/promotions/new", response_class=HTMLResponse)
def new_promotion_submit(request: Request, rt: Rt, me: Me, form: Posted) -> Response:
    store_id = first(form, "store_id")
    try:
        service.create_store_promotion(rt, me, store_id, draft_of_form(form))
    except DomainError as exc:
        return _form_page(request, rt, me, store_id, None, echo_form(form), **failed(exc))
    return RedirectResponse(f"/merchant/promotions?store_id={store_id}&done=created", status_code=303)


@router.get("/merchant/promotions/{promotion_id}", response_class=HTMLResponse)
def edit_promotion_page(request: Request, rt: Rt, me: Me, promotion_id: str, store_id: str = "") -> Response:
    store = _merchant_context(rt, me, store_id)["store"]
    view = service.store_promotion(rt, me, store.id if store else store_id, promotion_id)
    return _form_page(request, rt, me, view.store_id or "", promotion_id, form_of(view.draft))


@router.post("/merchant/promotions/{promotion_id}", response_class=HTMLResponse)
def edit_promotion_submit(request: Request, rt: Rt, me: Me, promotion_id: str, form: Posted) -> Response:
    store_id = first(form, "store_id")
    try:
        service.update_store_promotion(rt, me, store_id, promotion_id, draft_of_form(form))
    except DomainError as exc:
        return _form_page(request, rt, me, store_id, promotion_id, echo_form(form), **failed(exc))
    return RedirectResponse(f"/merchant/promotions?store_id={store_id}&done=updated", status_code=303)


# --- consumers ----------------------------------------------------------------------------------------------------

@router.get("/coupons", response_class=HTMLResponse)
def store_coupons_page(request: Request, rt: Rt, store_id: str = "") -> Response:
    store = stores.get_store(rt, store_id) if store_id else None
    coupons = service.store_coupons(rt, store_id) if store else []
    return render(request, "pricing/store_coupons.html", store=store, coupons=coupons)


@router.post("/coupons/{promotion_id}/claim", response_class=HTMLResponse)
def claim_submit(request: Request, rt: Rt, me: Me, promotion_id: str, form: Posted) -> Response:
    try:
        service.claim_coupon(rt, me, promotion_id)
    except DomainError as exc:
        return _vouchers_page(request, rt, me, **failed(exc))
    back = local_redirect_target(first(form, "next"), "/account/vouchers?done=claimed")
    return RedirectResponse(back, status_code=303)


def _vouchers_page(request: Request, rt: Runtime, me: Principal, **context: Any) -> HTMLResponse:
    held = service.my_vouchers(rt, me)
    groups = {status: [h for h in held if h.status.value == status] for status in ("available", "used", "expired")}
    return render(request, "pricing/vouchers.html", groups=groups, status_code=context.pop("status_code", 200),
                  **context)


@router.get("/account/vouchers", response_class=HTMLResponse)
def vouchers_page(request: Request, rt: Rt, me: Me, done: str = "") -> Response:
    return _vouchers_page(request, rt, me, notice=flash(done))

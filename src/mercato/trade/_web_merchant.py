"""The merchant's trade pages (a store's orders, one order with its ship form, the shipping settings) and the
operator's order list. A merchant page acts for the store named by `?store_id=`, else the person's first store that
grants the permission; a store picker switches between them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.kernel.errors import DomainError
from mercato.kernel.money import Money
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import service as stores
from mercato.stores.model import Membership, Permission, chosen_membership
from mercato.trade import service
from mercato.trade._web_common import (
    STATUSES,
    Csrf,
    Me,
    Rt,
    Short,
    failed,
    flash,
    optional_yuan,
    page_links,
    status_filter,
    yuan,
)
from mercato.trade.model import OrderDetail, OrderNotFound, ShippingSettings
from mercato.web import render, verify_csrf
from mercato.web.guards import PageRoute, page_operator

router = APIRouter(route_class=PageRoute)
Operator = Annotated[Principal, Depends(page_operator)]
SHIP_FIELDS = ("carrier", "tracking_no")
SHIPPING_FIELDS = ("flat_fee", "free_threshold")


def _store_context(memberships: list[Membership], membership: Membership | None) -> dict[str, Any]:
    return {"memberships": memberships, "membership": membership,
            "store": membership.store if membership else None}


# --- a store's orders ---------------------------------------------------------------------------------------------

@router.get("/merchant/orders", response_class=HTMLResponse)
def store_orders_page(request: Request, rt: Rt, me: Me, store_id: str = "", status: str = "",
                      cursor: str = "") -> Response:
    memberships = stores.stores_with(rt, me, Permission.ORDERS)
    membership = chosen_membership(memberships, store_id)
    wanted = status_filter(status)
    page = service.store_orders(rt, me, membership.store.id, cursor or None, None, wanted or None) \
        if membership else None
    return render(request, "trade/merchant_orders.html", page=page, status=wanted, statuses=STATUSES,
                  **_store_context(memberships, membership),
                  **page_links(request, page.next_cursor if page else None))


def _find_order(rt: Runtime, me: Principal, memberships: list[Membership], store_id: str,
                order_no: str) -> tuple[Membership, OrderDetail]:
    """The order in the store asked for, else in whichever of the person's stores has it (404 if none)."""
    candidates = [chosen_membership(memberships, store_id)] if store_id else memberships
    for membership in candidates:
        if membership is None:
            continue
        try:
            return membership, service.store_order(rt, me, membership.store.id, order_no)
        except OrderNotFound:
            continue
    raise OrderNotFound(field="order_no")


def _store_order_page(request: Request, rt: Runtime, me: Principal, store_id: str, order_no: str,
                      **context: Any) -> HTMLResponse:
    memberships = stores.stores_with(rt, me, Permission.ORDERS)
    membership, detail = _find_order(rt, me, memberships, store_id, order_no)
    context.setdefault("form", {})
    return render(request, "trade/merchant_order.html", detail=detail, order=detail.order,
                  **_store_context(memberships, membership), **context)


@router.get("/merchant/orders/{order_no}", response_class=HTMLResponse)
def store_order_page(request: Request, rt: Rt, me: Me, order_no: str, store_id: str = "",
                     done: str = "") -> Response:
    return _store_order_page(request, rt, me, store_id, order_no, flash=flash(done))


@router.post("/merchant/orders/{order_no}/ship", response_class=HTMLResponse)
def ship_submit(request: Request, rt: Rt, me: Me, order_no: str, csrf_token: Csrf = "", store_id: Short = "",
                carrier: Short = "", tracking_no: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.ship_order(rt, me, store_id, order_no, carrier, tracking_no)
    except DomainError as exc:
        form = {"carrier": carrier, "tracking_no": tracking_no}
        return _store_order_page(request, rt, me, store_id, order_no, form=form, **failed(exc, SHIP_FIELDS))
    return RedirectResponse(f"/merchant/orders/{order_no}?store_id={store_id}&done=shipped", status_code=303)


# --- shipping settings --------------------------------------------------------------------------------------------

def _shipping_page(request: Request, rt: Runtime, me: Principal, store_id: str, **context: Any) -> HTMLResponse:
    memberships = stores.stores_with(rt, me, Permission.PROFILE)
    membership = chosen_membership(memberships, store_id)
    settings = service.shipping_settings(rt, me, membership.store.id) if membership else None
    if settings is not None:
        context.setdefault("form", _shipping_form(settings))
    return render(request, "trade/merchant_shipping.html", settings=settings,
                  **_store_context(memberships, membership), **context)


def _shipping_form(settings: ShippingSettings) -> dict[str, str]:
    """The saved settings as the form shows them, in yuan."""
    threshold = settings.free_threshold
    return {"flat_fee": Money(settings.flat_fee).decimal_string(),
            "free_threshold": Money(threshold).decimal_string() if threshold is not None else ""}


@router.get("/merchant/shipping", response_class=HTMLResponse)
def shipping_page(request: Request, rt: Rt, me: Me, store_id: str = "", done: str = "") -> Response:
    return _shipping_page(request, rt, me, store_id, flash=flash(done))


@router.post("/merchant/shipping", response_class=HTMLResponse)
def shipping_submit(request: Request, rt: Rt, me: Me, csrf_token: Csrf = "", store_id: Short = "",
                    flat_fee: Short = "", free_threshold: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.set_shipping_settings(rt, me, store_id, yuan(flat_fee, "flat_fee"),
                                      optional_yuan(free_threshold, "free_threshold"))
    except DomainError as exc:
        form = {"flat_fee": flat_fee, "free_threshold": free_threshold}
        return _shipping_page(request, rt, me, store_id, form=form, **failed(exc, SHIPPING_FIELDS))
    return RedirectResponse(f"/merchant/shipping?store_id={store_id}&done=shipping_saved", status_code=303)


# --- the operator -------------------------------------------------------------------------------------------------

@router.get("/ops/orders", response_class=HTMLResponse)
def ops_orders_page(request: Request, rt: Rt, me: Operator, status: str = "", cursor: str = "") -> Response:
    wanted = status_filter(status)
    page = service.all_orders(rt, me, cursor or None, None, wanted or None)
    return render(request, "trade/ops_orders.html", page=page, status=wanted, statuses=STATUSES,
                  ops_section="orders", **page_links(request, page.next_cursor))


@router.get("/ops/orders/{order_no}", response_class=HTMLResponse)
def ops_order_page(request: Request, rt: Rt, me: Operator, order_no: str) -> Response:
    detail = service.operator_order(rt, me, order_no)
    return render(request, "trade/ops_order.html", detail=detail, order=detail.order, ops_section="orders")

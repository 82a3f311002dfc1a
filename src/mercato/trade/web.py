"""The shopper's trade pages: the cart (quantities change by htmx or a plain form), the checkout (an address from
the book or a new one, the per-store preview, place order -> the payment page), the address book, my orders with
their timeline, cancellation and receipt. The merchant and operator pages live in `_web_merchant`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.kernel.errors import DomainError, EntityNotFound
from mercato.kernel.idgen import new_token
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.trade import service
from mercato.trade._web_common import (
    STATUSES,
    Csrf,
    Key,
    Me,
    Rt,
    Short,
    failed,
    flash,
    htmx,
    page_links,
    status_filter,
)
from mercato.trade._web_merchant import router as merchant_router
from mercato.trade.model import (
    AddressInput,
    CartQuantityInvalid,
    CartStale,
    clean_address,
)
from mercato.web import render, verify_csrf
from mercato.web.guards import PageRoute

router = APIRouter(route_class=PageRoute)
router.include_router(merchant_router)

Quantity = Annotated[str, Form(max_length=10)]
ADDRESS_FIELDS = ("recipient", "phone", "region", "city", "line1", "postal_code")
NEW_ADDRESS = "new"


def _quantity(raw: str, *, allow_zero: bool = False) -> int:
    """A quantity typed in a form; the use case checks its range, this only that it is a whole number."""
    text = raw.strip()
    if not text.isdigit() or (text == "0" and not allow_zero) or len(text) > 4:
        raise CartQuantityInvalid(field="quantity")
    return int(text)


# --- the cart -----------------------------------------------------------------------------------------------------

def _cart_page(request: Request, rt: Runtime, me: Principal, *, fragment: bool = False,
               **context: Any) -> HTMLResponse:
    """The cart with the checkout's prices: each store's discounts and hints, and the goods after discounts."""
    template = "trade/_cart_body.html" if fragment else "trade/cart.html"
    return render(request, template, cart=service.cart(rt, me), preview=service.checkout_preview(rt, me),
                  fragment=fragment, **context)


@router.get("/cart", response_class=HTMLResponse)
def cart_page(request: Request, rt: Rt, me: Me, done: str = "") -> Response:
    return _cart_page(request, rt, me, flash=flash(done))


@router.post("/cart/add", response_class=HTMLResponse)
def cart_add(request: Request, rt: Rt, me: Me, csrf_token: Csrf = "", sku_id: Short = "",
             quantity: Quantity = "1") -> Response:
    """From a product page: add units of the chosen SKU, then show the cart."""
    verify_csrf(request, csrf_token)
    try:
        service.add_to_cart(rt, me, sku_id, _quantity(quantity))
    except DomainError as exc:
        return _cart_page(request, rt, me, **failed(exc))
    return RedirectResponse("/cart?done=added", status_code=303)


def _line_changed(request: Request, rt: Runtime, me: Principal, sku_id: str, done: str,
                  exc: DomainError | None) -> Response:
    """htmx gets the cart body (the refusal next to the line, 200 so htmx swaps it); a plain form the page."""
    if exc is None:
        if htmx(request):
            return _cart_page(request, rt, me, fragment=True, flash=flash(done))
        return RedirectResponse(f"/cart?done={done}", status_code=303)
    context = failed(exc, ("quantity",))
    line_errors = {sku_id: context.pop("field_errors")["quantity"]} if "field_errors" in context else {}
    if htmx(request):
        context.pop("status_code")
    return _cart_page(request, rt, me, fragment=htmx(request), line_errors=line_errors, **context)


@router.post("/cart/lines/{sku_id}", response_class=HTMLResponse)
def cart_set_quantity(request: Request, rt: Rt, me: Me, sku_id: str, csrf_token: Csrf = "",
                      quantity: Quantity = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        wanted = _quantity(quantity, allow_zero=True)
        service.set_cart_quantity(rt, me, sku_id, wanted)
    except DomainError as exc:
        return _line_changed(request, rt, me, sku_id, "", exc)
    return _line_changed(request, rt, me, sku_id, "removed" if wanted == 0 else "updated", None)


@router.post("/cart/lines/{sku_id}/remove", response_class=HTMLResponse)
def cart_remove(request: Request, rt: Rt, me: Me, sku_id: str, csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.remove_from_cart(rt, me, sku_id)
    except DomainError as exc:
        return _line_changed(request, rt, me, sku_id, "", exc)
    return _line_changed(request, rt, me, sku_id, "removed", None)


# --- checkout -----------------------------------------------------------------------------------------------------

def _checkout_page(request: Request, rt: Runtime, me: Principal, *, address_id: str = "",
                   form: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
    """The preview priced now, with a fresh idempotency key: one submit of this form is at most one order."""
    book = service.addresses(rt, me)
    known = {a.id for a in book}
    chosen = address_id if address_id in known or address_id == NEW_ADDRESS else (book[0].id if book else NEW_ADDRESS)
    return render(request, "trade/checkout.html", preview=service.checkout_preview(rt, me), addresses=book,
                  chosen_address=chosen, form=form or {}, idempotency_key=new_token(16), **context)


@router.get("/checkout", response_class=HTMLResponse)
def checkout_page(request: Request, rt: Rt, me: Me) -> Response:
    return _checkout_page(request, rt, me)


def _address_form(recipient: str, phone: str, region: str, city: str, line1: str,
                  postal_code: str) -> dict[str, str]:
    return {"recipient": recipient, "phone": phone, "region": region, "city": city, "line1": line1,
            "postal_code": postal_code}


def _draft(form: dict[str, str], make_default: bool = False) -> AddressInput:
    return AddressInput(form["recipient"], form["phone"], form["region"], form["city"], form["line1"],
                        form["postal_code"], make_default)


def _delivery_address(rt: Runtime, me: Principal, address_id: str, form: dict[str, str]) -> str:
    """The chosen address's id; a new one is saved to the book first (or found there: a resubmitted form)."""
    if address_id != NEW_ADDRESS:
        return address_id
    draft = clean_address(_draft(form))
    for known in service.addresses(rt, me):
        if all(getattr(known, name) == getattr(draft, name) for name in ADDRESS_FIELDS):
            return known.id
    return service.add_address(rt, me, draft).id


@router.post("/checkout", response_class=HTMLResponse)
def checkout_submit(request: Request, rt: Rt, me: Me, csrf_token: Csrf = "", fingerprint: Short = "",
                    idempotency_key: Key = "", address_id: Short = "", recipient: Short = "", phone: Short = "",
                    region: Short = "", city: Short = "", line1: Short = "", postal_code: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    form = _address_form(recipient, phone, region, city, line1, postal_code)
    try:
        chosen = _delivery_address(rt, me, address_id or NEW_ADDRESS, form)
    except DomainError as exc:
        return _checkout_page(request, rt, me, address_id=NEW_ADDRESS, form=form, **failed(exc, ADDRESS_FIELDS))
    try:
        placed = service.place_order(rt, me, address_id=chosen, fingerprint=fingerprint,
                                     idempotency_key=idempotency_key or None)
    except CartStale as exc:
        return _checkout_page(request, rt, me, address_id=chosen, stale=True, **failed(exc))
    except DomainError as exc:
        short = exc.params.get("sku_ids") or ()
        return _checkout_page(request, rt, me, address_id=chosen, short_skus=set(short),
                              **failed(exc, ("address_id",)))
    return RedirectResponse(f"/pay/{placed.payment_id}", status_code=303)


# --- the address book ---------------------------------------------------------------------------------------------

def _addresses_page(request: Request, rt: Runtime, me: Principal, **context: Any) -> HTMLResponse:
    context.setdefault("form", {})
    return render(request, "trade/addresses.html", addresses=service.addresses(rt, me), **context)


@router.get("/addresses", include_in_schema=False)
def addresses_shortcut() -> Response:
    return RedirectResponse("/account/addresses", status_code=303)


@router.get("/account/addresses", response_class=HTMLResponse)
def addresses_page(request: Request, rt: Rt, me: Me, done: str = "") -> Response:
    return _addresses_page(request, rt, me, flash=flash(done))


@router.post("/account/addresses", response_class=HTMLResponse)
def address_add(request: Request, rt: Rt, me: Me, csrf_token: Csrf = "", recipient: Short = "", phone: Short = "",
                region: Short = "", city: Short = "", line1: Short = "", postal_code: Short = "",
                make_default: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    form = _address_form(recipient, phone, region, city, line1, postal_code)
    try:
        service.add_address(rt, me, _draft(form, bool(make_default)))
    except DomainError as exc:
        return _addresses_page(request, rt, me, **{**failed(exc, ADDRESS_FIELDS), "form": form})
    return RedirectResponse("/account/addresses?done=address_added", status_code=303)


@router.post("/account/addresses/{address_id}/{action}", response_class=HTMLResponse)
def address_change(request: Request, rt: Rt, me: Me, address_id: str, action: str,
                   csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    if action == "delete":
        service.delete_address(rt, me, address_id)
        return RedirectResponse("/account/addresses?done=address_deleted", status_code=303)
    if action == "default":
        service.set_default_address(rt, me, address_id)
        return RedirectResponse("/account/addresses?done=address_default", status_code=303)
    raise EntityNotFound()


# --- my orders ----------------------------------------------------------------------------------------------------

@router.get("/orders", response_class=HTMLResponse)
def orders_page(request: Request, rt: Rt, me: Me, status: str = "", cursor: str = "") -> Response:
    wanted = status_filter(status)
    page = service.my_orders(rt, me, cursor or None, None, wanted or None)
    return render(request, "trade/orders.html", page=page, status=wanted, statuses=STATUSES,
                  **page_links(request, page.next_cursor))


def _order_page(request: Request, rt: Runtime, me: Principal, order_no: str, **context: Any) -> HTMLResponse:
    detail = service.my_order(rt, me, order_no)
    return render(request, "trade/order.html", detail=detail, order=detail.order, idempotency_key=new_token(16),
                  **context)


@router.get("/orders/{order_no}", response_class=HTMLResponse)
def order_page(request: Request, rt: Rt, me: Me, order_no: str, done: str = "") -> Response:
    return _order_page(request, rt, me, order_no, flash=flash(done))


@router.post("/orders/{order_no}/cancel", response_class=HTMLResponse)
def order_cancel(request: Request, rt: Rt, me: Me, order_no: str, csrf_token: Csrf = "",
                 idempotency_key: Key = "", reason: Annotated[str, Form(max_length=1000)] = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.cancel_order(rt, me, order_no, idempotency_key or None, reason)
    except DomainError as exc:
        return _order_page(request, rt, me, order_no, reason=reason, **failed(exc, ("reason",)))
    return RedirectResponse(f"/orders/{order_no}?done=cancelled", status_code=303)


@router.post("/orders/{order_no}/confirm", response_class=HTMLResponse)
def order_confirm(request: Request, rt: Rt, me: Me, order_no: str, csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.confirm_receipt(rt, me, order_no)
    except DomainError as exc:
        return _order_page(request, rt, me, order_no, **failed(exc))
    return RedirectResponse(f"/orders/{order_no}?done=confirmed", status_code=303)

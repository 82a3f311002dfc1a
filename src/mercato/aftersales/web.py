"""The after-sales pages: the consumer's request form (from a line of the order page), their requests and one
request with its timeline (cancel, ship back, escalate); the merchant's refund queue (agree, refuse, confirm
receipt); the operator's dispute queue (decide). Every POST form carries the CSRF token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.aftersales import service
from mercato.aftersales.model import BUYER_FAULT, Decision, Reason, Status
from mercato.kernel.errors import DomainError, EntityNotFound, InputInvalid
from mercato.kernel.http import runtime
from mercato.kernel.idgen import new_token
from mercato.kernel.money import Money
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import service as stores
from mercato.stores.model import Permission, chosen_membership
from mercato.web import render, verify_csrf
from mercato.web.forms import N_, flash_of, refusal
from mercato.web.guards import PageRoute, page_operator, page_principal

router = APIRouter(route_class=PageRoute)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(page_principal)]
Operator = Annotated[Principal, Depends(page_operator)]
Csrf = Annotated[str, Form(max_length=128)]
Text = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=200)]


FLASH = {
    "requested": N_("Your request is sent to the store"),
    "cancelled": N_("The request is withdrawn"),
    "shipped": N_("Thank you: the store confirms when the parcel arrives"),
    "escalated": N_("The platform will decide; we will let you know"),
    "agreed": N_("Agreed"),
    "refused": N_("Refused"),
    "received": N_("Receipt confirmed: the money is on its way back"),
    "decided": N_("Decided"),
}
FIELDS = ("units", "kind", "reason", "note", "carrier", "tracking_no", "evidence", "amount")


def _flash(done: str) -> str | None:
    return flash_of(FLASH, done)


def _failed(exc: DomainError) -> dict[str, Any]:
    return refusal(exc, FIELDS)


def _whole(raw: str, field: str) -> int:
    """A whole number as typed (full-width digits too); '²' is a digit to `isdigit` but not to `int`."""
    text = raw.strip()
    try:
        if text.isdigit() and len(text) <= 6:
            return int(text)
    except ValueError:
        pass
    raise InputInvalid("Enter a whole number", field=field)


def _yuan(raw: str) -> int | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return Money.parse(text).minor
    except ValueError:
        raise InputInvalid("Enter an amount such as 8 or 8.50", field="amount") from None


# --- the consumer -------------------------------------------------------------------------------------------------

def _form_page(request: Request, rt: Runtime, me: Principal, order_no: str, line: str,
               **context: Any) -> HTMLResponse:
    form = service.refund_form(rt, me, order_no)
    return render(request, "aftersales/request_form.html", form=form, line_id=line, reasons=list(Reason),
                  buyer_fault=BUYER_FAULT, idempotency_key=new_token(16), **context)


@router.get("/orders/{order_no}/refund", response_class=HTMLResponse)
def request_form(request: Request, rt: Rt, me: Me, order_no: str, line: str = "") -> Response:
    try:
        return _form_page(request, rt, me, order_no, line)
    except DomainError as exc:
        if isinstance(exc, EntityNotFound):
            raise
        return render(request, "aftersales/request_form.html", form=None, line_id=line, order_no=order_no,
                      **_failed(exc))


@router.post("/orders/{order_no}/refund", response_class=HTMLResponse)
def request_submit(request: Request, rt: Rt, me: Me, order_no: str, csrf_token: Csrf = "", line: Short = "",
                   units: Short = "", kind: Short = "", reason: Short = "", note: Text = "",
                   idempotency_key: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        created = service.request_refund(rt, me, order_no=order_no, order_line_id=line,
                                         units=_whole(units, "units"), kind=kind, reason=reason, note=note,
                                         idempotency_key=idempotency_key or None)
    except DomainError as exc:
        if isinstance(exc, EntityNotFound):
            raise
        return _form_page(request, rt, me, order_no, line, values={"units": units, "kind": kind, "reason": reason,
                                                                    "note": note}, **_failed(exc))
    return RedirectResponse(f"/account/refunds/{created.request_no}?done=requested", status_code=303)


@router.get("/account/refunds", response_class=HTMLResponse)
def my_refunds(request: Request, rt: Rt, me: Me, cursor: str = "") -> Response:
    page = service.my_requests(rt, me, cursor or None)
    return render(request, "aftersales/my_refunds.html", page=page)


def _refund_page(request: Request, rt: Runtime, me: Principal, request_no: str, **context: Any) -> HTMLResponse:
    detail = service.my_request(rt, me, request_no)
    return render(request, "aftersales/refund.html", detail=detail, r=detail.request, **context)


@router.get("/account/refunds/{request_no}", response_class=HTMLResponse)
def my_refund(request: Request, rt: Rt, me: Me, request_no: str, done: str = "") -> Response:
    return _refund_page(request, rt, me, request_no, flash=_flash(done))


@router.post("/account/refunds/{request_no}/{action}", response_class=HTMLResponse)
def my_refund_action(request: Request, rt: Rt, me: Me, request_no: str, action: str, csrf_token: Csrf = "",
                     carrier: Short = "", tracking_no: Short = "", evidence: Text = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        if action == "cancel":
            service.cancel_request(rt, me, request_no)
        elif action == "ship":
            service.ship_back(rt, me, request_no, carrier, tracking_no)
        elif action == "escalate":
            service.escalate(rt, me, request_no, evidence)
        else:
            raise EntityNotFound(field="action")
    except DomainError as exc:
        if isinstance(exc, EntityNotFound):
            raise
        return _refund_page(request, rt, me, request_no, values={"carrier": carrier, "tracking_no": tracking_no,
                                                                 "evidence": evidence}, **_failed(exc))
    done = {"cancel": "cancelled", "ship": "shipped", "escalate": "escalated"}[action]
    return RedirectResponse(f"/account/refunds/{request_no}?done={done}", status_code=303)


# --- the merchant -------------------------------------------------------------------------------------------------

def _queue_page(request: Request, rt: Runtime, me: Principal, store_id: str, status: str,
                **context: Any) -> HTMLResponse:
    memberships = stores.stores_with(rt, me, Permission.ORDERS)
    membership = chosen_membership(memberships, store_id)
    wanted = status if status in Status._value2member_map_ else ""
    page = service.store_requests(rt, me, membership.store.id, wanted) if membership else None
    return render(request, "aftersales/merchant_refunds.html", page=page, memberships=memberships,
                  store=membership.store if membership else None, status=wanted, statuses=list(Status), **context)


@router.get("/merchant/refunds", response_class=HTMLResponse)
def merchant_refunds(request: Request, rt: Rt, me: Me, store_id: str = "", status: str = "",
                     done: str = "") -> Response:
    return _queue_page(request, rt, me, store_id, status, flash=_flash(done))


@router.post("/merchant/refunds/{request_no}/{action}", response_class=HTMLResponse)
def merchant_action(request: Request, rt: Rt, me: Me, request_no: str, action: str, csrf_token: Csrf = "",
                    store_id: Short = "", reason: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        if action == "agree":
            service.agree(rt, me, store_id, request_no)
        elif action == "refuse":
            service.refuse(rt, me, store_id, request_no, reason)
        elif action == "receive":
            service.confirm_received(rt, me, store_id, request_no)
        else:
            raise EntityNotFound(field="action")
    except DomainError as exc:
        if isinstance(exc, EntityNotFound):
            raise
        return _queue_page(request, rt, me, store_id, "", **_failed(exc))
    done = {"agree": "agreed", "refuse": "refused", "receive": "received"}[action]
    return RedirectResponse(f"/merchant/refunds?store_id={store_id}&done={done}", status_code=303)


# --- the operator -------------------------------------------------------------------------------------------------

def _disputes_page(request: Request, rt: Runtime, me: Principal, **context: Any) -> HTMLResponse:
    page = service.disputes(rt, me)
    details = [service.dispute(rt, me, r.request_no) for r in page.items]
    return render(request, "aftersales/ops_disputes.html", details=details, decisions=list(Decision), **context)


@router.get("/ops/disputes", response_class=HTMLResponse)
def ops_disputes(request: Request, rt: Rt, me: Operator, done: str = "") -> Response:
    return _disputes_page(request, rt, me, flash=_flash(done))


@router.post("/ops/disputes/{request_no}/decide", response_class=HTMLResponse)
def ops_decide(request: Request, rt: Rt, me: Operator, request_no: str, csrf_token: Csrf = "",
               decision: Short = "", amount: Short = "", note: Text = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.decide(rt, me, request_no, decision, _yuan(amount), note)
    except DomainError as exc:
        if isinstance(exc, EntityNotFound):
            raise
        return _disputes_page(request, rt, me, **_failed(exc))
    return RedirectResponse("/ops/disputes?done=decided", status_code=303)


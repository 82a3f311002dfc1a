"""The payments pages: the consumer's pay page (it follows the payment until the gateway's notice arrives), the
sandbox gateway's own page, the merchant's balance and payouts, and the operator's payments and ledger."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.kernel.errors import DomainError
from mercato.kernel.http import runtime
from mercato.kernel.idgen import new_token
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.payments import service
from mercato.payments.model import PaymentStatus, parse_payout_amount
from mercato.web import render, verify_csrf
from mercato.web.forms import flash_of, refusal
from mercato.web.guards import PageRoute, page_operator, page_principal

router = APIRouter(route_class=PageRoute)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(page_principal)]
Ops = Annotated[Principal, Depends(page_operator)]
Csrf = Annotated[str, Form(max_length=128)]
Short = Annotated[str, Form(max_length=128)]
DONE = {"approved": "You approved the payment at the gateway; we are waiting for its confirmation",
        "declined": "You declined the payment at the gateway; you can pay again",
        "payout": "The payout is on its way to your bank account"}


def _flash(done: str) -> str | None:
    return flash_of(DONE, done)


def _failed(exc: DomainError) -> dict[str, Any]:
    return refusal(exc)


# --- the consumer's pay page ----------------------------------------------------------------------------------

def _pay_page(request: Request, rt: Runtime, me: Principal, payment_id: str, **context: Any) -> HTMLResponse:
    payment, stores = service.payment_page(rt, me, payment_id)
    return render(request, "payments/pay.html", payment=payment, stores=stores, now=rt.clock.now(),
                  open=payment.status is PaymentStatus.OPEN and rt.clock.now() < payment.expires_at,
                  pay_key=new_token(16), **context)


@router.get("/pay/{payment_id}", response_class=HTMLResponse)
def pay_page(request: Request, rt: Rt, me: Me, payment_id: str, done: str = "") -> Response:
    return _pay_page(request, rt, me, payment_id, flash=_flash(done))


@router.get("/pay/{payment_id}/status", response_class=HTMLResponse)
def pay_status(request: Request, rt: Rt, me: Me, payment_id: str) -> Response:
    """The htmx fragment the pay page polls until the payment is captured or closed."""
    payment, _ = service.payment_page(rt, me, payment_id)
    return render(request, "payments/_pay_status.html", payment=payment)


@router.post("/pay/{payment_id}", response_class=HTMLResponse)
def pay_submit(request: Request, rt: Rt, me: Me, payment_id: str, csrf_token: Csrf = "",
               idempotency_key: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        start = service.start_payment(rt, me, payment_id, idempotency_key or None)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _pay_page(request, rt, me, payment_id, **_failed(exc))
    return RedirectResponse(start.redirect_url, status_code=303)


# --- the sandbox gateway's page ---------------------------------------------------------------------------------

@router.get("/sandbox/pay/{session_id}", response_class=HTMLResponse)
def gateway_page(request: Request, rt: Rt, me: Me, session_id: str) -> Response:
    return render(request, "payments/gateway.html", checkout=service.gateway_checkout(rt, me, session_id))


@router.post("/sandbox/pay/{session_id}", response_class=HTMLResponse)
def gateway_submit(request: Request, rt: Rt, me: Me, session_id: str, csrf_token: Csrf = "",
                   decision: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    approve = decision == "approve"
    try:
        checkout = service.gateway_decide(rt, me, session_id, approve)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return render(request, "payments/gateway.html", checkout=service.gateway_checkout(rt, me, session_id),
                      **_failed(exc))
    done = "approved" if approve else "declined"
    return RedirectResponse(f"/pay/{checkout.payment.id}?done={done}", status_code=303)


# --- the merchant's balance -----------------------------------------------------------------------------------

def _balance_page(request: Request, rt: Runtime, me: Principal, store_id: str, **context: Any) -> HTMLResponse:
    stores = service.finance_stores(rt, me)
    store = next((s for s in stores if s.id == store_id), stores[0] if stores else None)
    if store is None:
        return render(request, "payments/balance.html", stores=[], store=None, **context)
    balance = service.merchant_balance(rt, me, store.id)
    payouts = service.store_payouts(rt, me, store.id, context.pop("cursor", None))
    return render(request, "payments/balance.html", stores=stores, store=store, balance=balance, payouts=payouts,
                  payout_key=new_token(16), **context)


@router.get("/merchant/balance", response_class=HTMLResponse)
def balance_page(request: Request, rt: Rt, me: Me, store_id: str = "", cursor: str = "", done: str = "") -> Response:
    return _balance_page(request, rt, me, store_id, cursor=cursor or None, flash=_flash(done))


@router.post("/merchant/balance/payouts", response_class=HTMLResponse)
def payout_submit(request: Request, rt: Rt, me: Me, csrf_token: Csrf = "", store_id: Short = "",
                  amount: Short = "", idempotency_key: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.request_payout(rt, me, store_id, parse_payout_amount(amount), idempotency_key or None)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _balance_page(request, rt, me, store_id, amount=amount, **_failed(exc))
    return RedirectResponse(f"/merchant/balance?store_id={store_id}&done=payout", status_code=303)


# --- the operator -------------------------------------------------------------------------------------------------

@router.get("/ops/payments", response_class=HTMLResponse)
def ops_payments_page(request: Request, rt: Rt, me: Ops, status: str = "", cursor: str = "") -> Response:
    wanted = status if status in PaymentStatus._value2member_map_ else None
    page = service.all_payments(rt, me, cursor or None, 50, wanted)
    return render(request, "payments/ops_payments.html", page=page, status=wanted or "",
                  statuses=[s.value for s in PaymentStatus])


@router.get("/ops/ledger", response_class=HTMLResponse)
def ops_ledger_page(request: Request, rt: Rt, me: Ops, account: str = "", cursor: str = "") -> Response:
    wanted = account.strip()[:64] or None
    return render(request, "payments/ops_ledger.html", accounts=service.ledger_accounts(rt, me),
                  entries=service.ledger_entries(rt, me, cursor or None, 50, wanted), account=wanted or "",
                  problems=service.verify_ledger(rt, me))

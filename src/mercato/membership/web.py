"""The membership pages: the consumer's membership, saving card and invitation, the invitation link a friend opens,
and the operator's membership settings (price table, saving-card plan, invite rewards)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.kernel.errors import DomainError
from mercato.kernel.http import runtime
from mercato.kernel.idgen import new_token
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.membership import service
from mercato.membership.model import (
    InvitePlanInvalid,
    MembershipStatus,
    Purchase,
    SavingCardPlanInvalid,
    parse_grants,
    parse_price,
    parse_price_table,
)
from mercato.web import render, verify_csrf
from mercato.web.forms import flash_of, refusal
from mercato.web.guards import PageRoute, page_operator, page_principal

router = APIRouter(route_class=PageRoute)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(page_principal)]
Ops = Annotated[Principal, Depends(page_operator)]
Csrf = Annotated[str, Form(max_length=128)]
Short = Annotated[str, Form(max_length=128)]
Text = Annotated[str, Form(max_length=2000)]
DONE = {"active": "Your membership is active", "renew_on": "Auto-renew is on", "renew_off": "Auto-renew is off",
        "accepted": "You accepted the invitation: make your first order to get your vouchers",
        "saved": "Saved"}


def _flash(done: str) -> str | None:
    return flash_of(DONE, done)


def _failed(exc: DomainError) -> dict[str, Any]:
    return refusal(exc)


def _to_payment(purchase: Purchase, back: str) -> RedirectResponse:
    """A purchase awaiting payment goes to the pay page; a free one back with a notice."""
    if purchase.status is MembershipStatus.PENDING and purchase.payment_id:
        return RedirectResponse(f"/pay/{purchase.payment_id}", status_code=303)
    return RedirectResponse(f"{back}?done=active", status_code=303)


# --- membership ---------------------------------------------------------------------------------------------------

def _membership_page(request: Request, rt: Runtime, me: Principal, **context: Any) -> HTMLResponse:
    return render(request, "membership/membership.html", overview=service.membership_overview(rt, me),
                  table=service.price_table(rt), buy_key=new_token(16), **context)


@router.get("/account/membership", response_class=HTMLResponse)
def membership_page(request: Request, rt: Rt, me: Me, done: str = "") -> Response:
    return _membership_page(request, rt, me, flash=_flash(done))


@router.post("/account/membership", response_class=HTMLResponse)
def membership_buy(request: Request, rt: Rt, me: Me, csrf_token: Csrf = "", idempotency_key: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        purchase = service.buy_membership(rt, me, idempotency_key or None)
    except DomainError as exc:
        return _membership_page(request, rt, me, **_failed(exc))
    return _to_payment(purchase, "/account/membership")


# --- the saving card ----------------------------------------------------------------------------------------------

def _saving_card_page(request: Request, rt: Runtime, me: Principal, **context: Any) -> HTMLResponse:
    return render(request, "membership/saving_card.html", card=service.saving_card_overview(rt, me),
                  buy_key=new_token(16), **context)


@router.get("/account/saving-card", response_class=HTMLResponse)
def saving_card_page(request: Request, rt: Rt, me: Me, done: str = "") -> Response:
    return _saving_card_page(request, rt, me, flash=_flash(done))


@router.post("/account/saving-card", response_class=HTMLResponse)
def saving_card_buy(request: Request, rt: Rt, me: Me, csrf_token: Csrf = "", idempotency_key: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        purchase = service.buy_saving_card(rt, me, idempotency_key or None)
    except DomainError as exc:
        return _saving_card_page(request, rt, me, **_failed(exc))
    return _to_payment(purchase, "/account/saving-card")


@router.post("/account/saving-card/auto-renew", response_class=HTMLResponse)
def saving_card_auto_renew(request: Request, rt: Rt, me: Me, csrf_token: Csrf = "", on: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    service.set_auto_renew(rt, me, on == "1")
    return RedirectResponse(f"/account/saving-card?done={'renew_on' if on == '1' else 'renew_off'}", status_code=303)


# --- invite a friend ----------------------------------------------------------------------------------------------

def _invite_page(request: Request, rt: Runtime, me: Principal, **context: Any) -> HTMLResponse:
    overview = service.invite_overview(rt, me)
    link = str(request.base_url).rstrip("/") + f"/invite/{overview.code}"
    return render(request, "membership/invite.html", invite=overview, link=link, **context)


@router.get("/account/invite", response_class=HTMLResponse)
def invite_page(request: Request, rt: Rt, me: Me, done: str = "") -> Response:
    return _invite_page(request, rt, me, flash=_flash(done))


@router.post("/account/invite/accept", response_class=HTMLResponse)
def invite_accept(request: Request, rt: Rt, me: Me, csrf_token: Csrf = "", code: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.accept_invitation(rt, me, code)
    except DomainError as exc:
        return _invite_page(request, rt, me, code=code, **_failed(exc))
    return RedirectResponse("/account/invite?done=accepted", status_code=303)


@router.get("/invite/{code}", response_class=HTMLResponse)
def invitation_landing(request: Request, rt: Rt, code: str) -> Response:
    """The link a friend opens: a new visitor registers (and comes back here), a signed-in one accepts."""
    service.inviter_of_code(rt, code)  # an unknown code is 404
    return render(request, "membership/landing.html", code=code.strip().upper())


# --- the operator -------------------------------------------------------------------------------------------------

def _ops_page(request: Request, rt: Runtime, me: Principal, **context: Any) -> HTMLResponse:
    plan, invite = service.saving_card_plan(rt), service.invite_plan(rt)
    context["vouchers"] = service.platform_vouchers(rt, me)
    context.setdefault("tiers_text", "\n".join(f"{t.min_score} {t.price / 100:.2f}" for t in service.price_table(rt)))
    context.setdefault("card_price", f"{plan.price / 100:.2f}")
    context.setdefault("card_vouchers", "\n".join(f"{g.promotion_id} {g.quantity}" for g in plan.vouchers))
    context.setdefault("inviter_text", "\n".join(f"{g.promotion_id} {g.quantity}" for g in invite.inviter))
    context.setdefault("invitee_text", "\n".join(f"{g.promotion_id} {g.quantity}" for g in invite.invitee))
    return render(request, "membership/ops.html", **context)


@router.get("/ops/membership", response_class=HTMLResponse)
def ops_page(request: Request, rt: Rt, me: Ops, done: str = "") -> Response:
    return _ops_page(request, rt, me, flash=_flash(done))


@router.post("/ops/membership/prices", response_class=HTMLResponse)
def ops_prices(request: Request, rt: Rt, me: Ops, csrf_token: Csrf = "", tiers: Text = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.set_price_table(rt, me, parse_price_table(tiers))
    except DomainError as exc:
        return _ops_page(request, rt, me, tiers_text=tiers, **_failed(exc))
    return RedirectResponse("/ops/membership?done=saved", status_code=303)


@router.post("/ops/membership/saving-card", response_class=HTMLResponse)
def ops_saving_card(request: Request, rt: Rt, me: Ops, csrf_token: Csrf = "", price: Short = "",
                    vouchers: Text = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.set_saving_card_plan(rt, me, parse_price(price, SavingCardPlanInvalid),
                                     parse_grants(vouchers, SavingCardPlanInvalid))
    except DomainError as exc:
        return _ops_page(request, rt, me, card_price=price, card_vouchers=vouchers, **_failed(exc))
    return RedirectResponse("/ops/membership?done=saved", status_code=303)


@router.post("/ops/membership/invite", response_class=HTMLResponse)
def ops_invite(request: Request, rt: Rt, me: Ops, csrf_token: Csrf = "", inviter: Text = "",
               invitee: Text = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.set_invite_plan(rt, me, parse_grants(inviter, InvitePlanInvalid),
                                parse_grants(invitee, InvitePlanInvalid))
    except DomainError as exc:
        return _ops_page(request, rt, me, inviter_text=inviter, invitee_text=invitee, **_failed(exc))
    return RedirectResponse("/ops/membership?done=saved", status_code=303)

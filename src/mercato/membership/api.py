"""The membership HTTP API under /api/v1: the consumer's membership, saving card and invitation, and the operator's
price table, saving-card plan and invite rewards."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from mercato.credit.model import MAX_SCORE
from mercato.kernel.http import ERROR_RESPONSES, idempotency_key, require_operator, require_principal, runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.membership import service
from mercato.membership.model import (
    MAX_PRICE,
    MAX_TIERS,
    MAX_VOUCHER_KINDS,
    MAX_VOUCHERS_EACH,
    Invitation,
    PriceTier,
    Purchase,
    SavingCardPlan,
    VoucherGrant,
)

router = APIRouter(tags=["membership"], responses=ERROR_RESPONSES)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(require_principal)]
Ops = Annotated[Principal, Depends(require_operator)]
Key = Annotated[str | None, Depends(idempotency_key)]


class PurchaseRead(BaseModel):
    """A membership year or saving-card month; pay `payment_id` at `/pay/{payment_id}` while `status` is pending."""

    id: str
    status: str
    price: int = Field(description="fen")
    payment_id: str | None
    starts_at: datetime | None
    ends_at: datetime | None

    @classmethod
    def of(cls, p: Purchase) -> PurchaseRead:
        return cls(id=p.id, status=p.status.value, price=p.price, payment_id=p.payment_id, starts_at=p.starts_at,
                   ends_at=p.ends_at)


class TierRead(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    min_score: int = Field(ge=0, le=MAX_SCORE, description="the credit score from which this price applies")
    price: int = Field(ge=0, le=MAX_PRICE, description="fen")

    @classmethod
    def of(cls, t: PriceTier) -> TierRead:
        return cls(min_score=t.min_score, price=t.price)


class MembershipRead(BaseModel):
    member_until: datetime | None
    score: int = Field(description="the consumer's credit score, which sets the price")
    price: TierRead = Field(description="the price the consumer would pay now, and the tier it comes from")
    next_tier: TierRead | None
    pending: PurchaseRead | None


class GrantRead(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    promotion_id: str = Field(min_length=1, max_length=26)
    quantity: int = Field(ge=1, le=MAX_VOUCHERS_EACH)


def _grants(items: list[GrantRead]) -> list[VoucherGrant]:
    return [VoucherGrant(g.promotion_id, g.quantity) for g in items]


def _grants_read(grants: tuple[VoucherGrant, ...]) -> list[GrantRead]:
    return [GrantRead(promotion_id=g.promotion_id, quantity=g.quantity) for g in grants]


class SavingCardPlanRead(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    price: int = Field(ge=0, le=MAX_PRICE, description="fen per month; 0: not on sale")
    vouchers: list[GrantRead] = Field(max_length=MAX_VOUCHER_KINDS)

    @classmethod
    def of(cls, p: SavingCardPlan) -> SavingCardPlanRead:
        return cls(price=p.price, vouchers=_grants_read(p.vouchers))


class SavingCardRead(BaseModel):
    plan: SavingCardPlanRead
    current: PurchaseRead | None
    paid_until: datetime | None
    pending: PurchaseRead | None = Field(description="a month awaiting payment (a renewal: pay it to renew)")
    auto_renew: bool


class AutoRenewUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    on: bool


class InvitationRead(BaseModel):
    inviter_id: str
    status: str
    reason: str | None
    accepted_at: datetime

    @classmethod
    def of(cls, i: Invitation) -> InvitationRead:
        return cls(inviter_id=i.inviter_id, status=i.status.value, reason=i.reason, accepted_at=i.accepted_at)


class InviteRead(BaseModel):
    code: str
    link: str
    invited: int
    rewarded: int
    accepted: InvitationRead | None


class InvitationAccept(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    code: str = Field(min_length=1, max_length=16)


class InvitePlanRead(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    inviter: list[GrantRead] = Field(max_length=MAX_VOUCHER_KINDS)
    invitee: list[GrantRead] = Field(max_length=MAX_VOUCHER_KINDS)


def _purchase(p: Purchase | None) -> PurchaseRead | None:
    return PurchaseRead.of(p) if p is not None else None


# --- the consumer -------------------------------------------------------------------------------------------------

@router.get("/me/membership", response_model=MembershipRead)
def my_membership(rt: Rt, me: Me) -> MembershipRead:
    o = service.membership_overview(rt, me)
    return MembershipRead(member_until=o.member_until, score=o.score, price=TierRead.of(o.quote),
                          next_tier=TierRead.of(o.next_tier) if o.next_tier else None, pending=_purchase(o.pending))


@router.post("/me/membership", response_model=PurchaseRead, status_code=201)
def buy_membership(rt: Rt, me: Me, key: Key) -> PurchaseRead:
    """Buy a year (or extend by one) at the quoted price; pay `payment_id` unless the tier is free."""
    return PurchaseRead.of(service.buy_membership(rt, me, key))


@router.get("/me/saving-card", response_model=SavingCardRead)
def my_saving_card(rt: Rt, me: Me) -> SavingCardRead:
    o = service.saving_card_overview(rt, me)
    return SavingCardRead(plan=SavingCardPlanRead.of(o.plan), current=_purchase(o.current), paid_until=o.paid_until,
                          pending=_purchase(o.pending), auto_renew=o.auto_renew)


@router.post("/me/saving-card", response_model=PurchaseRead, status_code=201)
def buy_saving_card(rt: Rt, me: Me, key: Key) -> PurchaseRead:
    return PurchaseRead.of(service.buy_saving_card(rt, me, key))


@router.put("/me/saving-card/auto-renew", response_model=AutoRenewUpdate)
def set_auto_renew(rt: Rt, me: Me, body: AutoRenewUpdate) -> AutoRenewUpdate:
    return AutoRenewUpdate(on=service.set_auto_renew(rt, me, body.on))


@router.get("/me/invitation", response_model=InviteRead)
def my_invitation(rt: Rt, me: Me) -> InviteRead:
    o = service.invite_overview(rt, me)
    return InviteRead(code=o.code, link=f"/invite/{o.code}", invited=o.invited, rewarded=o.rewarded,
                      accepted=InvitationRead.of(o.accepted) if o.accepted else None)


@router.post("/me/invitation/accept", response_model=InvitationRead, status_code=201)
def accept_invitation(rt: Rt, me: Me, body: InvitationAccept) -> InvitationRead:
    """A new consumer accepts a friend's code (before their first paid order; one ever; not their own)."""
    return InvitationRead.of(service.accept_invitation(rt, me, body.code))


# --- the operator -------------------------------------------------------------------------------------------------

@router.get("/ops/membership/prices", response_model=list[TierRead])
def price_table(rt: Rt, _: Ops) -> list[TierRead]:
    return [TierRead.of(t) for t in service.price_table(rt)]


@router.put("/ops/membership/prices", response_model=list[TierRead])
def set_price_table(rt: Rt, me: Ops, body: Annotated[list[TierRead], Field(max_length=MAX_TIERS)]) -> list[TierRead]:
    tiers = service.set_price_table(rt, me, [PriceTier(t.min_score, t.price) for t in body])
    return [TierRead.of(t) for t in tiers]


@router.get("/ops/membership/saving-card", response_model=SavingCardPlanRead)
def saving_card_plan(rt: Rt, _: Ops) -> SavingCardPlanRead:
    return SavingCardPlanRead.of(service.saving_card_plan(rt))


@router.put("/ops/membership/saving-card", response_model=SavingCardPlanRead)
def set_saving_card_plan(rt: Rt, me: Ops, body: SavingCardPlanRead) -> SavingCardPlanRead:
    return SavingCardPlanRead.of(service.set_saving_card_plan(rt, me, body.price, _grants(body.vouchers)))


@router.get("/ops/membership/invite", response_model=InvitePlanRead)
def invite_plan(rt: Rt, _: Ops) -> InvitePlanRead:
    plan = service.invite_plan(rt)
    return InvitePlanRead(inviter=_grants_read(plan.inviter), invitee=_grants_read(plan.invitee))


@router.put("/ops/membership/invite", response_model=InvitePlanRead)
def set_invite_plan(rt: Rt, me: Ops, body: InvitePlanRead) -> InvitePlanRead:
    plan = service.set_invite_plan(rt, me, _grants(body.inviter), _grants(body.invitee))
    return InvitePlanRead(inviter=_grants_read(plan.inviter), invitee=_grants_read(plan.invitee))

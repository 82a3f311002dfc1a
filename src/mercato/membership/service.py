"""The membership use cases, one public surface: the paid membership (trade's checkout asks `is_member_in`), the
monthly saving card, invite-a-friend (trade calls `on_orders_paid_in` after a paid order), the operator's settings,
the campaign segments it provides to pricing, and the payment-captured handler and jobs. The use cases live in
private modules re-exported here."""

from __future__ import annotations

from collections.abc import Mapping

from mercato.kernel.jobs import Handler
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.membership._invites import (
    REWARD_JOB,
    accept_invitation,
    invite_overview,
    invite_plan,
    inviter_of_code,
    on_orders_paid_in,
    reward_job,
    set_invite_plan,
)
from mercato.membership._membership import (
    activate_membership_in,
    buy_membership,
    is_member_in,
    membership_overview,
    price_score_in,
    price_table,
    set_price_table,
)
from mercato.membership._purchases import CLOSE_JOB, captured_purchase_in, close_purchase_job, platform_vouchers
from mercato.membership._saving_card import (
    ISSUE_JOB,
    RENEW_JOB,
    activate_month_in,
    buy_saving_card,
    issue_month_job,
    renew_month_job,
    saving_card_overview,
    saving_card_plan,
    set_auto_renew,
    set_saving_card_plan,
)
from mercato.membership._segments import SEGMENT_SOURCES
from mercato.payments import service as payments
from mercato.payments.model import PaymentCaptured


def on_payment_captured(rt: Runtime, uow: UnitOfWork, event: PaymentCaptured) -> None:
    """A payment for a membership year or a saving-card month was captured: escrow releases it to platform
    revenue and the purchase becomes active, once (a repeated capture finds it active and changes nothing)."""
    found = captured_purchase_in(uow, event.payment_id)
    if found is None:
        return  # an order payment: trade's
    kind, purchase = found
    payments.settle_platform_sale_in(uow, payment_id=event.payment_id, now=event.at)
    if kind == "membership":
        activate_membership_in(uow, purchase, event.at)
    else:
        activate_month_in(uow, purchase, event.at)


JOB_HANDLERS: Mapping[str, Handler] = {
    CLOSE_JOB: close_purchase_job,
    ISSUE_JOB: issue_month_job,
    RENEW_JOB: renew_month_job,
    REWARD_JOB: reward_job,
}

__all__ = [
    "JOB_HANDLERS", "SEGMENT_SOURCES", "accept_invitation", "buy_membership", "buy_saving_card", "invite_overview",
    "invite_plan",
    "inviter_of_code", "is_member_in", "membership_overview", "on_orders_paid_in",
    "on_payment_captured", "platform_vouchers", "price_score_in", "price_table", "saving_card_overview",
    "saving_card_plan",
    "set_auto_renew", "set_invite_plan", "set_price_table", "set_saving_card_plan",
]

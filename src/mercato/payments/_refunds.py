"""After-sales money inside the caller's unit of work: partial refunds (from escrow before settlement; after it from
the merchant's balance, the rest as merchant debt), quick-refund advances from the platform's own account, their
repayment by a refund and their clawback from the consumer.

Each movement is one balanced ledger entry and one `refund_movements` row under its business source, so a retried
job or a second request moves nothing more. Lock order, the same everywhere: the order's payment part, then the
advance, then the store's balance, then its debt.
"""

from __future__ import annotations

from datetime import datetime

from mercato.kernel.uow import UnitOfWork
from mercato.payments._escrow import post_entry_in
from mercato.payments._platform_sales import PLATFORM_STORE
from mercato.payments.model import (
    AdvanceNotFound,
    AdvanceView,
    PartFigures,
    PartMoney,
    PartStatus,
    RefundExceedsRefundable,
    RefundMoved,
    RefundPartNotPaid,
    RefundPlan,
    RefundSourceTaken,
    advance_entry,
    check_advance,
    check_clawback,
    check_shares,
    clawback_entry,
    plan_refund,
    refund_movement_entry,
    refundable,
    repay_split,
)
from mercato.payments.provider import DEFAULT_PROVIDER, provider_named
from mercato.payments.repo import BalanceRepo, DebtRepo, LedgerRepo, PaymentRepo, RefundRepo

# --- reads ----------------------------------------------------------------------------------------------------------

def _money(uow: UnitOfWork, figures: PartFigures | None) -> PartMoney | None:
    """The part as the refund rules see it; a platform sale is never refundable here (None)."""
    if figures is None or figures.store_id == PLATFORM_STORE:
        return None
    if figures.status is not PartStatus.SETTLED:
        return PartMoney(figures.status, figures.amount, figures.refunded)
    commission, subsidy = RefundRepo(uow.conn).shares_after_settlement(figures.order_id)
    return PartMoney(figures.status, figures.amount, figures.refunded, figures.commission - commission,
                     figures.subsidy - subsidy)


def refundable_in(uow: UnitOfWork, *, order_id: str, lock: bool = False) -> int:
    """What of the order's payment part is still refundable (paid - refunded so far); 0 when unpaid or void. With
    `lock` the part stays locked to the end of the caller's transaction (the first lock every refund takes), so a
    refund of the order racing the caller waits for it."""
    return refundable(_money(uow, PaymentRepo(uow.conn).figures(order_id, lock=lock)))


def outstanding_advances_in(uow: UnitOfWork, *, consumer_id: str | None = None, order_id: str | None = None) -> int:
    """The sum of the quick-refund advances not yet repaid or clawed back: the consumer's, or on one order."""
    if consumer_id is None and order_id is None:
        raise ValueError("name the consumer or the order")
    return RefundRepo(uow.conn).outstanding(consumer_id=consumer_id, order_id=order_id)


def merchant_debt_in(uow: UnitOfWork, *, store_id: str) -> int:
    """What the store owes the platform after refunds its balance could not cover."""
    return DebtRepo(uow.conn).owed(store_id)


def movements_in(uow: UnitOfWork) -> dict[str, int]:
    """Every after-sales movement (refunds, advances, clawbacks; not a paid order's cancellation) by its source
    (`refund:<request>`, `refund-shipping:<order>`, `advance:<request>`, `clawback:<request>`): its amount. For
    after-sales' own check that its requests and the money agree."""
    return RefundRepo(uow.conn).amounts_by_source(("refund", "advance", "clawback"))


def _require_source_free(uow: UnitOfWork, source: str) -> None:
    if LedgerRepo(uow.conn).exists(source):
        raise RefundSourceTaken(source=source)


# --- refunds --------------------------------------------------------------------------------------------------------

def refund_in(uow: UnitOfWork, *, source: str, order_id: str, amount: int, commission_share: int,
              platform_share: int, now: datetime, repay_advance: str | None = None) -> RefundMoved:
    """Give `amount` of the order's money back: from escrow while held; after settlement the merchant gives back
    `amount - commission_share + platform_share` from its balance, the rest becoming its debt. The consumer is paid
    through the gateway, except what repays the advance `repay_advance` names. Refusals change nothing; a repeated
    `source` returns the first result with repeated=True."""
    figures = PaymentRepo(uow.conn).figures(order_id, lock=True)  # concurrent refunds of one order queue here
    done = RefundRepo(uow.conn).moved(source)
    if done is not None:
        return done
    check_shares(amount, commission_share, platform_share)
    advance = _advance_of_order(uow, repay_advance, order_id)
    money = _money(uow, figures)
    settled = money is not None and money.status is PartStatus.SETTLED
    available = BalanceRepo(uow.conn).lock_available(figures.store_id) if settled and figures else 0
    plan = plan_refund(money, amount=amount, commission_share=commission_share, platform_share=platform_share,
                       available=available)
    _require_source_free(uow, source)
    assert figures is not None  # plan_refund refused a missing part
    return _move_refund(uow, source, figures, plan, advance, now)


def _advance_of_order(uow: UnitOfWork, advance_source: str | None, order_id: str) -> AdvanceView | None:
    if advance_source is None:
        return None
    advance = RefundRepo(uow.conn).lock_advance(advance_source)
    if advance is None or advance.order_id != order_id:
        raise AdvanceNotFound(field="repay_advance")
    return advance


def _move_refund(uow: UnitOfWork, source: str, part: PartFigures, plan: RefundPlan, advance: AdvanceView | None,
                 now: datetime) -> RefundMoved:
    full = not plan.settled and part.refunded + plan.amount == part.amount
    if not PaymentRepo(uow.conn).add_refund(part.order_id, part.status, plan.amount, now, held=not plan.settled,
                                            commission_share=plan.commission_share,
                                            platform_share=plan.platform_share,
                                            target=PartStatus.REFUNDED if full else None):
        raise RefundExceedsRefundable(refundable=part.amount - part.refunded, amount=plan.amount)
    repaid, to_consumer = repay_split(plan.amount, advance.outstanding) if advance else (0, plan.amount)
    if repaid and advance is not None:
        RefundRepo(uow.conn).close_advance(advance.source, now, repaid=repaid)
    _charge_merchant(uow, part.store_id, plan, now)
    post_entry_in(uow, refund_movement_entry(source, part.order_id, part.store_id, plan, repaid), now)
    RefundRepo(uow.conn).insert(
        source, "refund", now, order_id=part.order_id, store_id=part.store_id, consumer_id=part.consumer_id,
        amount=plan.amount, from_escrow=plan.from_escrow, from_merchant=plan.from_merchant,
        merchant_debt=plan.merchant_debt, commission_share=plan.commission_share, platform_share=plan.platform_share,
        advance_repaid=repaid, advance_source=advance.source if advance else None)
    if to_consumer:
        provider_named(part.provider).refund(uow, reference=source, amount=to_consumer, now=now)
    return RefundMoved(source, plan.amount, plan.from_escrow, plan.from_merchant, plan.merchant_debt)


def _charge_merchant(uow: UnitOfWork, store_id: str, plan: RefundPlan, now: datetime) -> None:
    """After settlement: the balance gives back what it covers (locked by the caller), the rest becomes debt."""
    if plan.from_merchant and not BalanceRepo(uow.conn).debit(store_id, plan.from_merchant, now):
        raise RefundExceedsRefundable(available=BalanceRepo(uow.conn).available(store_id))
    if plan.merchant_debt:
        DebtRepo(uow.conn).add(store_id, plan.merchant_debt, now)


# --- quick-refund advances ------------------------------------------------------------------------------------------

def advance_refund_in(uow: UnitOfWork, *, source: str, order_id: str, consumer_id: str, amount: int,
                      now: datetime) -> RefundMoved:
    """Quick refund: the platform pays the consumer `amount` at once from its own account. It stays outstanding
    until a refund repays it (`refund_in(..., repay_advance=source)`) or `claw_back_in` recovers it. Refused for
    an order that is not the consumer's paid order, or beyond what is refundable less the advances outstanding on
    it. Idempotent on `source`."""
    figures = PaymentRepo(uow.conn).figures(order_id, lock=True)
    done = RefundRepo(uow.conn).moved(source)
    if done is not None:
        return done
    money = _money(uow, figures)
    if figures is None or money is None or figures.consumer_id != consumer_id or \
            money.status in (PartStatus.PENDING, PartStatus.VOID):
        raise RefundPartNotPaid(status=figures.status.value if figures else None)
    check_advance(amount, refundable(money) - RefundRepo(uow.conn).outstanding(order_id=order_id))
    _require_source_free(uow, source)
    RefundRepo(uow.conn).insert_advance(source, consumer_id, order_id, amount, now)
    post_entry_in(uow, advance_entry(source, consumer_id, amount), now)
    RefundRepo(uow.conn).insert(source, "advance", now, order_id=order_id, store_id=figures.store_id,
                                consumer_id=consumer_id, amount=amount)
    provider_named(figures.provider).refund(uow, reference=source, amount=amount, now=now)
    return RefundMoved(source, amount, 0, 0, 0)


def claw_back_in(uow: UnitOfWork, *, source: str, advance_source: str, consumer_id: str, amount: int,
                 now: datetime) -> RefundMoved:
    """The return never arrived: `amount` of the advance is charged back to the consumer through the gateway and
    that much of the advance is closed. Refuses more than the advance has outstanding. Idempotent on `source`."""
    refunds = RefundRepo(uow.conn)
    advance = refunds.lock_advance(advance_source)  # concurrent clawbacks of one advance queue here
    done = refunds.moved(source)
    if done is not None:
        return done
    if advance is None or advance.consumer_id != consumer_id:
        raise AdvanceNotFound(field="advance_source")
    check_clawback(amount, advance.outstanding)
    _require_source_free(uow, source)
    refunds.close_advance(advance_source, now, clawed_back=amount)
    post_entry_in(uow, clawback_entry(source, advance_source, amount), now)
    refunds.insert(source, "clawback", now, order_id=advance.order_id, consumer_id=consumer_id, amount=amount,
                   advance_source=advance_source)
    figures = PaymentRepo(uow.conn).figures(advance.order_id)
    provider_named(figures.provider if figures else DEFAULT_PROVIDER).claw_back(
        uow, reference=source, amount=amount, now=now)
    return RefundMoved(source, amount, 0, 0, 0)

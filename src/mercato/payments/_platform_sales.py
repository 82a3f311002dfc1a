"""Platform sales inside the caller's unit of work: a payment for something the platform itself sells (a membership,
a saving-card month) goes through the gateway and escrow like an order, then escrow releases it to platform sales
revenue (no store, no commission); and the consumer's net spend on orders, which member points are computed from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from mercato.kernel.uow import UnitOfWork
from mercato.payments._escrow import create_payment_in, post_entry_in
from mercato.payments.model import (
    ESCROW,
    EntryKind,
    LedgerEntry,
    LedgerLine,
    LedgerProblem,
    PartStatus,
    PaymentPart,
    PaymentRef,
    PaymentStatus,
    check_balanced,
)
from mercato.payments.repo import LedgerRepo, PaymentRepo
from mercato.payments.tables import ledger_entries, payment_parts, payments

PLATFORM_STORE = "platform"  # the store_id of a platform sale's one part: no merchant is paid
SALES_REVENUE = "revenue:sales"


def sale_entry(sale_id: str, amount: int) -> LedgerEntry:
    """Escrow releases a paid platform sale to the platform's sales revenue."""
    lines = (LedgerLine(ESCROW, amount), LedgerLine(SALES_REVENUE, -amount))
    check_balanced(lines)
    return LedgerEntry(f"sale:{sale_id}", EntryKind.SALE, f"platform sale {sale_id}", lines)


def create_platform_sale_in(uow: UnitOfWork, *, consumer_id: str, sale_id: str, amount: int, now: datetime,
                            expires_at: datetime) -> PaymentRef:
    """An open payment for one platform sale (`sale_id` names it, e.g. the membership bought)."""
    return create_payment_in(uow, consumer_id=consumer_id, parts=[PaymentPart(sale_id, PLATFORM_STORE, amount)],
                             now=now, expires_at=expires_at)


def settle_platform_sale_in(uow: UnitOfWork, *, payment_id: str, now: datetime) -> int:
    """The sale's payment was captured: escrow releases what it holds for it to sales revenue at once.

    Returns the amount released; 0 when there is nothing held (already released, or not a platform sale). The
    held -> settled update decides, so a second call posts nothing.
    """
    repo = PaymentRepo(uow.conn)
    released = 0
    for part in repo.parts_of(payment_id):
        if part.store_id != PLATFORM_STORE or part.status is not PartStatus.HELD:
            continue
        if repo.move_parts([part.order_id], PartStatus.HELD, PartStatus.SETTLED, now, commission=part.amount):
            post_entry_in(uow, sale_entry(part.order_id, part.amount), now)
            released += part.amount
    return released


def consumer_spend_in(uow: UnitOfWork, consumer_id: str, since: datetime) -> int:
    """What the consumer paid for orders captured since `since`, less what was refunded (a refunded part counts
    nothing); platform sales are not spend. Fen."""
    paid = payment_parts.c.amount - payment_parts.c.refunded  # partial refunds by after-sales count nothing either
    query = sa.select(sa.func.coalesce(sa.func.sum(paid), 0)).select_from(
        payment_parts.join(payments, payments.c.id == payment_parts.c.payment_id)).where(
        payments.c.consumer_id == consumer_id, payments.c.status == PaymentStatus.CAPTURED.value,
        payments.c.captured_at >= since, payment_parts.c.store_id != PLATFORM_STORE,
        payment_parts.c.status.in_([PartStatus.HELD.value, PartStatus.SETTLED.value]))
    return int(uow.conn.execute(query).scalar_one())


def has_paid_order_in(uow: UnitOfWork, consumer_id: str) -> bool:
    """The consumer has ever paid for an order (refunded or not); platform sales do not count."""
    query = sa.select(payment_parts.c.order_id).select_from(
        payment_parts.join(payments, payments.c.id == payment_parts.c.payment_id)).where(
        payments.c.consumer_id == consumer_id, payments.c.status == PaymentStatus.CAPTURED.value,
        payment_parts.c.store_id != PLATFORM_STORE).limit(1)
    return uow.conn.execute(query).first() is not None


def paid_order_consumers_in(uow: UnitOfWork, consumer_ids: Sequence[str]) -> set[str]:
    """Those of `consumer_ids` who have ever paid for an order (as `has_paid_order_in`), in one statement: a
    campaign's page of consumers filtered at once."""
    if not consumer_ids:
        return set()
    query = sa.select(payments.c.consumer_id).distinct().select_from(
        payment_parts.join(payments, payments.c.id == payment_parts.c.payment_id)).where(
        payments.c.consumer_id.in_(list(consumer_ids)), payments.c.status == PaymentStatus.CAPTURED.value,
        payment_parts.c.store_id != PLATFORM_STORE)
    return set(uow.conn.execute(query).scalars())


def check_platform_sales(uow: UnitOfWork) -> list[LedgerProblem]:
    """Sales revenue equals the platform sales released from escrow, and each released sale has its entry."""
    released = (payment_parts.c.store_id == PLATFORM_STORE, payment_parts.c.status == PartStatus.SETTLED.value)
    missing = ~sa.exists().where(ledger_entries.c.source == sa.literal("sale:") + payment_parts.c.order_id)
    unposted = uow.conn.execute(sa.select(payment_parts.c.order_id, payment_parts.c.amount).where(*released, missing))
    problems = [LedgerProblem("sale_posted", f"sale {row.order_id}", "released but no sale entry", int(row.amount), 0)
                for row in unposted]
    total = sa.select(sa.func.coalesce(sa.func.sum(payment_parts.c.amount), 0)).where(*released)
    expected, actual = int(uow.conn.execute(total).scalar_one()), -LedgerRepo(uow.conn).balance(SALES_REVENUE)
    if expected != actual:
        problems.append(LedgerProblem("sales_revenue", f"account {SALES_REVENUE}",
                                      "sales revenue differs from the platform sales released", expected, actual))
    return problems

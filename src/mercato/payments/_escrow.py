"""Escrow inside the caller's unit of work: trade creates, closes and trims payments, and settles or refunds the
orders whose money escrow holds (settling what partial refunds left, paying the store's debt first); a gateway's
capture moves a payment's money into escrow."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mercato.kernel.idgen import new_id
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.payments.model import (
    CaptureOutcome,
    GatewayEvent,
    LedgerEntry,
    PartNotHeld,
    PartStatus,
    PaymentCaptured,
    PaymentPart,
    PaymentRef,
    PaymentStatus,
    PaymentView,
    capture_entry,
    capture_outcome,
    check_balanced,
    check_parts,
    check_settlement,
    late_refund_entry,
    recovery,
    recovery_entry,
    refund_entry,
    settle_entry,
    settlement_remainder,
)
from mercato.payments.provider import DEFAULT_PROVIDER, provider_named
from mercato.payments.repo import BalanceRepo, DebtRepo, LedgerRepo, PaymentRepo, RefundRepo

DEFAULT_CURRENCY = "CNY"


def post_entry_in(uow: UnitOfWork, entry: LedgerEntry, now: datetime) -> bool:
    """Post a journal entry: refused unless its lines sum to zero; False (nothing written) when its source is
    already posted, which makes every money movement idempotent on its business source."""
    check_balanced(entry.lines)
    return LedgerRepo(uow.conn).post(entry, now)


def create_payment_in(uow: UnitOfWork, *, consumer_id: str, parts: Sequence[PaymentPart], now: datetime,
                      expires_at: datetime, currency: str = DEFAULT_CURRENCY) -> PaymentRef:
    """One open payment covering one part per order; it must be paid before `expires_at`."""
    amount = check_parts(parts)
    payment_id = new_id()
    PaymentRepo(uow.conn).insert(payment_id, consumer_id, parts, amount, currency, DEFAULT_PROVIDER, now, expires_at)
    return PaymentRef(payment_id, amount, expires_at)


def payment_status_in(uow: UnitOfWork, payment_id: str) -> PaymentView | None:
    return PaymentRepo(uow.conn).get(payment_id)


def close_payment_in(uow: UnitOfWork, payment_id: str, now: datetime) -> bool:
    """open -> closed; False when it is not open (captured first: the caller leaves its orders alone)."""
    repo = PaymentRepo(uow.conn)
    payment = repo.lock(payment_id)
    if payment is None or not repo.close(payment_id, now):
        return False
    provider_named(payment.provider).cancel_checkouts(uow, payment_id, now)
    return True


def void_part_in(uow: UnitOfWork, order_id: str, now: datetime) -> bool:
    """The consumer cancelled one unpaid order of an open payment: its part is void and the payment's amount drops
    (the payment closes when nothing is left). Checkouts already open at the gateway are for the old amount, so
    they are cancelled. False when the payment is not open or the part not pending."""
    repo = PaymentRepo(uow.conn)
    found = repo.part(order_id)
    payment = repo.lock(found[0]) if found else None  # lock first, then read the part: concurrent voids queue here
    if payment is None or payment.status is not PaymentStatus.OPEN:
        return False
    found = repo.part(order_id)
    if found is None or found[1].status is not PartStatus.PENDING:
        return False
    left = repo.reduce_open(payment.id, found[1].amount)
    if left is None:
        return False
    repo.move_parts([order_id], PartStatus.PENDING, PartStatus.VOID, now)
    provider_named(payment.provider).cancel_checkouts(uow, payment.id, now)
    if left == 0:
        repo.close(payment.id, now)
    return True


def settle_order_in(uow: UnitOfWork, *, order_id: str, commission: int, now: datetime,
                    platform_funded: int = 0) -> bool:
    """held -> settled: escrow pays the merchant what it still holds of the order less the commission, which is
    platform revenue, and the platform pays it `platform_funded`, its share of the order's discounts, from the
    promotion subsidy account. `commission` and `platform_funded` are the whole order's: the shares of refunds made
    while held come off them. The credit pays the store's debt first.

    False when it is already settled, or refunded in full before settlement; an unpaid part is refused.
    """
    repo = PaymentRepo(uow.conn)
    part = repo.figures(order_id, lock=True)
    if part is not None and part.status in (PartStatus.SETTLED, PartStatus.REFUNDED):
        return False
    if part is None or part.status is not PartStatus.HELD:
        raise PartNotHeld(order_id=order_id, status=part.status.value if part else None)
    check_settlement(part.amount, commission, platform_funded)
    rest = settlement_remainder(amount=part.amount, refunded=part.escrow_refunded, commission=commission,
                                refunded_commission=part.refunded_commission, platform_funded=platform_funded,
                                refunded_subsidy=part.refunded_subsidy)
    entry = settle_entry(order_id, part.store_id, rest.amount, rest.commission, rest.subsidy)
    if not repo.move_parts([order_id], PartStatus.HELD, PartStatus.SETTLED, now, commission=rest.commission,
                           subsidy=rest.subsidy):
        return False
    post_entry_in(uow, entry, now)
    credit_store_in(uow, part.store_id, rest.amount - rest.commission + rest.subsidy, f"recover:{order_id}", now)
    return True


def credit_store_in(uow: UnitOfWork, store_id: str, amount: int, source: str, now: datetime) -> int:
    """Credit the store's balance; what it owes is paid from the credit first (one `recovery` entry under `source`),
    so a payout never pays out money owed. Returns what was recovered."""
    balances, debts = BalanceRepo(uow.conn), DebtRepo(uow.conn)
    balances.credit(store_id, amount, now)
    recovered = recovery(debts.lock_owed(store_id), amount)
    if not recovered or not debts.reduce(store_id, recovered, now):
        return 0
    balances.debit(store_id, recovered, now)
    post_entry_in(uow, recovery_entry(source, store_id, recovered), now)
    RefundRepo(uow.conn).insert(source, "recovery", now, store_id=store_id, amount=recovered)
    return recovered


def refund_order_in(uow: UnitOfWork, *, order_id: str, now: datetime) -> bool:
    """held -> refunded: what escrow still holds of the order goes back to the consumer through the gateway (a
    paid order cancelled; partial refunds made before are not paid twice).

    False when it is already refunded; a part that is not held is refused.
    """
    repo = PaymentRepo(uow.conn)
    part = repo.figures(order_id, lock=True)
    if part is not None and part.status is PartStatus.REFUNDED:
        return False
    if part is None or part.status is not PartStatus.HELD:
        raise PartNotHeld(order_id=order_id, status=part.status.value if part else None)
    left = part.amount - part.refunded
    if not repo.add_refund(order_id, PartStatus.HELD, left, now, held=True, target=PartStatus.REFUNDED):
        return False
    entry = refund_entry(order_id, left)
    post_entry_in(uow, entry, now)
    RefundRepo(uow.conn).insert(entry.source, "cancel", now, order_id=order_id, store_id=part.store_id,
                                consumer_id=part.consumer_id, amount=left, from_escrow=left)
    provider_named(part.provider).refund(uow, reference=entry.source, amount=left, now=now)
    return True


def held_by_order_in(uow: UnitOfWork) -> dict[str, int]:
    """The amount escrow holds per order (parts paid and not yet settled or refunded in full, less what partial
    refunds took from escrow)."""
    return PaymentRepo(uow.conn).held_by_order()


def escrow_refunded_by_order_in(uow: UnitOfWork) -> dict[str, int]:
    """What refunds took from escrow per order, for the orders with such a refund."""
    return PaymentRepo(uow.conn).escrow_refunded_by_order()


def capture_in(rt: Runtime, uow: UnitOfWork, event: GatewayEvent, now: datetime) -> CaptureOutcome:
    """A charge succeeded at the gateway. An open payment of that amount is captured: its money goes into escrow,
    its pending parts are held and `PaymentCaptured` is published (once: the open -> captured update decides).
    A charge for a closed payment, or of the wrong amount, is captured and refunded at once."""
    repo = PaymentRepo(uow.conn)
    payment = repo.lock(event.payment_id)
    if payment is None:
        return CaptureOutcome.IGNORED
    outcome = capture_outcome(payment.status, payment.amount, event.amount)
    if outcome is CaptureOutcome.CAPTURED and repo.capture(payment.id, event.amount, now):
        held = repo.move_payment_parts(payment.id, PartStatus.PENDING, PartStatus.HELD, now)
        post_entry_in(uow, capture_entry(payment.id, event.amount), now)
        rt.events.publish(uow, PaymentCaptured(payment.id, payment.consumer_id,
                                               tuple(part.order_id for part in held), now))
        return outcome
    if outcome is CaptureOutcome.LATE:
        _capture_and_refund(uow, payment, event.amount, now)
    return outcome


def _capture_and_refund(uow: UnitOfWork, payment: PaymentView, amount: int, now: datetime) -> None:
    if not post_entry_in(uow, capture_entry(payment.id, amount), now):
        return  # this payment's one charge was booked already
    refund = late_refund_entry(payment.id, amount)
    post_entry_in(uow, refund, now)
    provider = provider_named(payment.provider)
    provider.refund(uow, reference=refund.source, amount=amount, now=now)
    if PaymentRepo(uow.conn).close(payment.id, now):  # the wrong amount: this payment's one charge is spent
        provider.cancel_checkouts(uow, payment.id, now)

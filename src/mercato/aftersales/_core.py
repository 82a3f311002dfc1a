"""What every after-sales use case shares, inside the caller's unit of work: finding a request the caller may
see, moving it (conditional update + timeline), booking its deadline job, and the money steps.

Money steps are keyed by the request (`refund:<id>`, `advance:<id>`, `clawback:<id>`; the shipping fee by the order,
`refund-shipping:<order>`), so payments posts each once however often a job or a retry runs them. The status move
always comes first: of two transactions racing to complete one request, only the one whose conditional update moved
it reaches the money.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from mercato.aftersales.model import (
    Decision,
    Kind,
    RefundQuote,
    RefundRequest,
    RefundRequestNotFound,
    RefundTransitionForbidden,
    Status,
    looks_like_request_no,
    shipping_back,
    transition,
)
from mercato.aftersales.repo import RequestRepo
from mercato.credit import service as credit
from mercato.inventory import service as inventory
from mercato.kernel import idempotency, jobs
from mercato.kernel.errors import AccessDenied, DomainError
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.payments import service as payments
from mercato.pricing import service as pricing
from mercato.stores import service as stores
from mercato.stores.model import Permission
from mercato.trade import service as trade
from mercato.trade.model import OrderStatus

ANSWER_JOB = "aftersales.answer_due"
RETURN_JOB = "aftersales.return_due"
RECEIPT_JOB = "aftersales.receipt_due"
ESCALATE_JOB = "aftersales.escalate_due"


# --- finding a request --------------------------------------------------------------------------------------------

def consumer_request_in(uow: UnitOfWork, principal: Principal, request_no: str) -> RefundRequest:
    return _visible(uow, request_no, lambda r: r.consumer_id == principal.user_id)


def store_request_in(uow: UnitOfWork, principal: Principal, store_id: str, request_no: str) -> RefundRequest:
    stores.require_staff_in(uow, principal, store_id, Permission.ORDERS)
    return _visible(uow, request_no, lambda r: r.store_id == store_id)


def operator_request_in(uow: UnitOfWork, principal: Principal, request_no: str) -> RefundRequest:
    require_operator(principal)
    return _visible(uow, request_no, lambda r: True)


def require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise AccessDenied("Only platform operators may do this")


def _visible(uow: UnitOfWork, request_no: str, visible: Any) -> RefundRequest:
    found = RequestRepo(uow.conn).by_no(request_no) if looks_like_request_no(request_no) else None
    if found is None or not visible(found):
        raise RefundRequestNotFound(field="request_no")
    return found


def fresh(uow: UnitOfWork, request_id: str) -> RefundRequest:
    found = RequestRepo(uow.conn).get(request_id)
    assert found is not None
    return found


# --- idempotent money POSTs -----------------------------------------------------------------------------------------

def replayed_in(uow: UnitOfWork, principal: Principal, scope: str, key: str | None, body: dict[str, Any],
                now: datetime) -> RefundRequest | None:
    """The request as it is now when an identical call with this Idempotency-Key was answered before; None when
    the key is new (claimed now) or absent. The same key with another body is refused (`idempotency_key_reused`)."""
    earlier = idempotency.replay(uow, owner=principal.user_id, scope=scope, key=key, request=body, now=now)
    return fresh(uow, str(earlier["request_id"])) if earlier is not None else None


def remember_in(uow: UnitOfWork, principal: Principal, scope: str, key: str | None, request: RefundRequest) -> None:
    idempotency.remember(uow, owner=principal.user_id, scope=scope, key=key,
                         response={"request_id": request.id, "request_no": request.request_no})


# --- moving a request ---------------------------------------------------------------------------------------------

def move_in(uow: UnitOfWork, request: RefundRequest, target: Status, now: datetime, actor_id: str | None,
            note: str, **values: Any) -> None:
    """The model names the refusal; the conditional update settles a race (the loser is refused too)."""
    transition(request.status, target)
    repo = RequestRepo(uow.conn)
    if not repo.move(request.id, (request.status,), target, now, **values):
        current = repo.get(request.id)
        raise RefundTransitionForbidden(status=current.status.value if current else request.status.value,
                                        target=target.value)
    repo.add_event(request.id, target, now, actor_id, note)


def try_move_in(uow: UnitOfWork, request_id: str, sources: Collection[Status], target: Status, now: datetime,
                note: str, **values: Any) -> RefundRequest | None:
    """A job's move: the request as it was, when it was still in `sources` and moved; None otherwise."""
    repo = RequestRepo(uow.conn)
    before = repo.get(request_id)
    if before is None or before.status not in sources or not repo.move(request_id, sources, target, now, **values):
        return None
    repo.add_event(request_id, target, now, None, note)
    return before


def book_in(uow: UnitOfWork, kind: str, request_id: str, now: datetime, after: timedelta) -> datetime:
    """Enqueue the deadline job of the step the request just entered; its due time."""
    due = now + after
    jobs.enqueue(uow, kind, {"request_id": request_id}, now=now, run_at=due, key=f"{kind}:{request_id}")
    return due


# --- money --------------------------------------------------------------------------------------------------------

def advance_in(uow: UnitOfWork, request: RefundRequest, order_status: OrderStatus, now: datetime) -> bool:
    """Quick refund: the platform pays the consumer now when their credit tier's caps allow; whether it did.

    Only for orders that left the store (shipped or completed): a paid order may still be cancelled and refunded
    in full by trade, which would pay the consumer twice, and the store answers those within 48 hours anyway."""
    if order_status not in (OrderStatus.SHIPPED, OrderStatus.COMPLETED):
        return False
    # Lock the order's payment part before reading the caps: two requests on one order asked at once would both
    # see the other's advance missing and together pass the per-order cap.
    if payments.refundable_in(uow, order_id=request.order_id, lock=True) < request.amount:
        return False
    # Then the consumer's credit row (always after the part: one lock order): two requests on different orders
    # would otherwise both pass the outstanding cap.
    terms = credit.quick_refund_terms_in(uow, request.consumer_id, now, lock=True)
    if terms is None or request.amount <= 0 or _advanced_on_order(uow, request) + request.amount > \
            terms.per_order_max:
        return False
    if payments.outstanding_advances_in(uow, consumer_id=request.consumer_id) + request.amount > terms.outstanding_max:
        return False
    try:  # payments may still refuse (beyond what is refundable): then the request simply waits, unadvanced
        with uow.conn.begin_nested():
            payments.advance_refund_in(uow, source=f"advance:{request.id}", order_id=request.order_id,
                                       consumer_id=request.consumer_id, amount=request.amount, now=now)
    except DomainError:
        return False
    RequestRepo(uow.conn).set(request.id, quick=True)
    RequestRepo(uow.conn).add_event(request.id, request.status, now, None, "quick_refund")
    return True


def _advanced_on_order(uow: UnitOfWork, request: RefundRequest) -> int:
    """What quick refunds already advanced on the request's order and not taken back (the per-order cap)."""
    lapsed = (Status.CANCELLED, Status.CLOSED, Status.DENIED)
    return sum(r.amount for r in RequestRepo(uow.conn).of_orders([request.order_id])
               if r.quick and r.id != request.id and r.status not in lapsed)


def claw_back_in(uow: UnitOfWork, request: RefundRequest, now: datetime, amount: int | None = None, *,
                 counted: bool = True) -> None:
    """The advance of a quick refund that will not be refunded (or only in part) comes back from the consumer."""
    owed = request.amount if amount is None else amount
    if not request.quick or owed <= 0:
        return
    payments.claw_back_in(uow, source=f"clawback:{request.id}", advance_source=f"advance:{request.id}",
                          consumer_id=request.consumer_id, amount=owed, now=now)
    if counted:
        RequestRepo(uow.conn).set(request.id, clawed_back_at=now)
        credit.request_rescore_in(uow, request.consumer_id, now, "clawback")


def refund_in(rt: Runtime, uow: UnitOfWork, request: RefundRequest, quote: RefundQuote, now: datetime,
              actor_id: str | None, *, restock: bool, order: trade.AftersalesOrder | None = None) -> None:
    """The request (already moved to refunded) gives its money back: from escrow or the merchant through payments
    (repaying the platform's advance for a quick refund), its units back on sale when they came back or never
    left, the shipping fee when the unshipped order is now wholly refunded, trade told, coupons back when every
    order of the payment is refunded, and the consumer's credit rescored."""
    # Paying locks the order's payment part, so the units counted below include every refund of the order that
    # committed before: of two last refunds racing, the second sees the first and returns the shipping fee.
    _pay_in(uow, request, quote, now)
    order = order or trade.order_for_aftersales_in(uow, order_id=request.order_id)
    assert order is not None
    line = order.line(request.order_line_id)
    if restock and line is not None:
        inventory.restock_many_in(uow, {line.sku_id: request.units}, rt=rt)
    refunded = _units_refunded(uow, [request.order_id]).get(request.order_id, 0)
    fully = refunded >= order.units
    shipping = shipping_back(shipping_fee=order.shipping_fee, order_shipped=order.status is not OrderStatus.PAID,
                             units_bought=order.units, units_refunded=refunded)
    if shipping > 0:
        payments.refund_in(uow, source=f"refund-shipping:{order.id}", order_id=order.id, amount=shipping,
                           commission_share=0, platform_share=0, now=now)
    RequestRepo(uow.conn).set(request.id, refunded=quote.amount, shipping=shipping, refunded_at=now)
    trade.mark_refunded_in(uow, order_id=order.id, fully=fully, now=now, actor_id=actor_id,
                           note=f"refund {request.request_no}: {quote.amount + shipping}")
    if fully:
        _coupons_back_in(uow, order.payment_id, now)
    credit.request_rescore_in(uow, request.consumer_id, now, "refund")


def _pay_in(uow: UnitOfWork, request: RefundRequest, quote: RefundQuote, now: datetime) -> None:
    if quote.amount > 0:
        payments.refund_in(uow, source=f"refund:{request.id}", order_id=request.order_id, amount=quote.amount,
                           commission_share=quote.commission_share, platform_share=quote.platform_share, now=now,
                           repay_advance=f"advance:{request.id}" if request.quick else None)
    if request.quick and quote.amount < request.amount:  # a partial decision: the rest of the advance comes back
        claw_back_in(uow, request, now, request.amount - quote.amount, counted=False)


def _units_refunded(uow: UnitOfWork, order_ids: Collection[str]) -> dict[str, int]:
    units: dict[str, int] = {}
    for found in RequestRepo(uow.conn).of_orders(order_ids):
        if found.status is Status.REFUNDED:
            units[found.order_id] = units.get(found.order_id, 0) + found.units
    return units


def line_refunded_units(uow: UnitOfWork, order_id: str, line_id: str) -> int:
    return sum(r.units for r in RequestRepo(uow.conn).of_orders([order_id])
               if r.order_line_id == line_id and r.status is Status.REFUNDED)


def _coupons_back_in(uow: UnitOfWork, payment_id: str, now: datetime) -> None:
    """The coupons and vouchers a checkout spent come back once every order it paid for is refunded in full
    (cancelled, or every unit refunded): one voucher may have discounted several of them, so a partial refund, or
    one order of several, returns none."""
    orders = trade.payment_orders_in(uow, payment_id)
    refunded = _units_refunded(uow, [o.id for o in orders])
    if all(o.status is OrderStatus.CANCELLED or refunded.get(o.id, 0) >= o.units for o in orders):
        pricing.return_held_in(uow, payment_id=payment_id, now=now)


def restocks(request: RefundRequest, order_status: OrderStatus) -> bool:
    """Units come back on sale when the goods are returned, or when a refund only is for goods never shipped."""
    return request.kind is Kind.RETURN_REFUND or order_status is OrderStatus.PAID


def decision_value(decision: Decision | None) -> str | None:
    return decision.value if decision else None

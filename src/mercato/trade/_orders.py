"""Reading orders (the consumer's, a store's, the operator's), the consumer's cancellation, and the ledger check that
adds trade's view (escrow held per order == orders paid and not yet settled) to the payments checks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mercato.inventory import service as inventory
from mercato.kernel import idempotency
from mercato.kernel.errors import AccessDenied
from mercato.kernel.pagination import Page, clamp_limit, decode_id_cursor, encode_cursor
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.payments import service as payments
from mercato.payments.model import LedgerProblem
from mercato.stores import service as stores
from mercato.stores.model import Permission, StoreView
from mercato.trade._checkout import cancel_unpaid_in, event_row, give_back_coupons_in
from mercato.trade.model import (
    CancelEffect,
    OrderCancelled,
    OrderDetail,
    OrderNotCancellable,
    OrderNotFound,
    OrderState,
    OrderStatus,
    OrderStatusInvalid,
    OrderSummary,
    auto_confirm_at,
    cancel_effect,
    check_reason,
    escrow_mismatches,
    looks_like_order_no,
    transition,
)
from mercato.trade.repo import OrderRepo, address_of

CANCEL_SCOPE = "trade.cancel_order"
DEFAULT_PAGE = 20


def parse_status(status: str | OrderStatus | None) -> OrderStatus | None:
    if status is None or status == "":
        return None
    try:
        return OrderStatus(status)
    except ValueError as exc:
        raise OrderStatusInvalid(field="status") from exc


# --- lists --------------------------------------------------------------------------------------------------------

def my_orders(rt: Runtime, principal: Principal, cursor: str | None = None, limit: int | None = None,
              status: str | OrderStatus | None = None) -> Page[OrderSummary]:
    """The consumer's orders, newest first."""
    return _page(rt, cursor, limit, status, consumer_id=principal.user_id)


def store_orders(rt: Runtime, principal: Principal, store_id: str, cursor: str | None = None,
                 limit: int | None = None, status: str | OrderStatus | None = None) -> Page[OrderSummary]:
    """A store's orders, newest first (staff with the orders permission)."""
    with rt.uow(read_only=True) as uow:
        stores.require_staff_in(uow, principal, store_id, Permission.ORDERS)
        return _page_in(uow, cursor, limit, status, store_id=store_id)


def all_orders(rt: Runtime, principal: Principal, cursor: str | None = None, limit: int | None = None,
               status: str | OrderStatus | None = None) -> Page[OrderSummary]:
    """Every order, newest first (operators)."""
    _require_operator(principal)
    return _page(rt, cursor, limit, status)


def _page(rt: Runtime, cursor: str | None, limit: int | None, status: str | OrderStatus | None,
          **scope: str) -> Page[OrderSummary]:
    with rt.uow(read_only=True) as uow:
        return _page_in(uow, cursor, limit, status, **scope)


def _page_in(uow: UnitOfWork, cursor: str | None, limit: int | None, status: str | OrderStatus | None,
             **scope: str) -> Page[OrderSummary]:
    size = clamp_limit(limit, DEFAULT_PAGE)
    rows = OrderRepo(uow.conn).page(status=parse_status(status), before_id=decode_id_cursor(cursor),
                                    limit=size + 1, **scope)
    names = stores.stores_by_ids_in(uow, {r.store_id for r in rows})
    items = [summary_of(row, names.get(row.store_id)) for row in rows[:size]]
    return Page(items, encode_cursor([items[-1].id]) if len(rows) > size else None)


def summary_of(row: Any, store: StoreView | None) -> OrderSummary:
    return OrderSummary(row.id, row.order_no, row.payment_id, row.consumer_id, row.store_id,
                        store.name_en if store else "", store.name_zh if store else "", OrderStatus(row.status),
                        int(row.goods_total), int(row.shipping_fee), int(row.total), int(row.item_count),
                        row.created_at, row.paid_at, row.shipped_at, row.completed_at, row.cancelled_at,
                        int(row.goods_original), int(row.discount))


# --- one order ----------------------------------------------------------------------------------------------------

def my_order(rt: Runtime, principal: Principal, order_no: str) -> OrderDetail:
    """One of the consumer's orders with its lines, timeline and address; someone else's is 404."""
    with rt.uow(read_only=True) as uow:
        return _detail_in(rt, uow, order_no, lambda row: row.consumer_id == principal.user_id)


def store_order(rt: Runtime, principal: Principal, store_id: str, order_no: str) -> OrderDetail:
    """One of the store's orders; another store's is 404."""
    with rt.uow(read_only=True) as uow:
        stores.require_staff_in(uow, principal, store_id, Permission.ORDERS)
        return _detail_in(rt, uow, order_no, lambda row: row.store_id == store_id)


def operator_order(rt: Runtime, principal: Principal, order_no: str) -> OrderDetail:
    _require_operator(principal)
    with rt.uow(read_only=True) as uow:
        return _detail_in(rt, uow, order_no, lambda row: True)


def _detail_in(rt: Runtime, uow: UnitOfWork, order_no: str, visible: Callable[[Any], bool]) -> OrderDetail:
    repo = OrderRepo(uow.conn)
    row = repo.row_by_no(order_no) if looks_like_order_no(order_no) else None
    if row is None or not visible(row):
        raise OrderNotFound(field="order_no")
    store = stores.stores_by_ids_in(uow, [row.store_id]).get(row.store_id)
    confirm_at = auto_confirm_at(row.shipped_at, rt.settings.auto_confirm_days) \
        if row.status == OrderStatus.SHIPPED.value and row.shipped_at else None
    return OrderDetail(summary_of(row, store), tuple(repo.lines(row.id)), tuple(repo.events(row.id)),
                       address_of(row), row.carrier, row.tracking_no, int(row.commission), row.cancel_reason,
                       confirm_at)


def consumer_state_in(uow: UnitOfWork, principal: Principal, order_no: str) -> OrderState:
    state = OrderRepo(uow.conn).state_by_no(order_no, consumer_id=principal.user_id) \
        if looks_like_order_no(order_no) else None
    if state is None:
        raise OrderNotFound(field="order_no")
    return state


# --- cancellation -------------------------------------------------------------------------------------------------

def cancel_order(rt: Runtime, principal: Principal, order_no: str, idempotency_key: str | None = None,
                 reason: str | None = None) -> OrderSummary:
    """Cancel an unpaid order (its part of the payment is voided, its stock released) or a paid one not yet
    shipped (refunded in full from escrow, its stock put back). A retry with the same key returns the first answer.
    """
    note = check_reason(reason)
    request = {"order_no": order_no, "reason": note}
    now = rt.clock.now()
    with rt.uow() as uow:
        earlier = idempotency.replay(uow, owner=principal.user_id, scope=CANCEL_SCOPE, key=idempotency_key,
                                     request=request, now=now)
        if earlier is None:
            _cancel_in(rt, uow, principal, order_no, note, now)
        summary = _summary_in(uow, order_no)
        if earlier is None:
            idempotency.remember(uow, owner=principal.user_id, scope=CANCEL_SCOPE, key=idempotency_key,
                                 response={"order_no": order_no, "status": summary.status.value})
        uow.commit()
    return summary


def _summary_in(uow: UnitOfWork, order_no: str) -> OrderSummary:
    row = OrderRepo(uow.conn).row_by_no(order_no)
    return summary_of(row, stores.stores_by_ids_in(uow, [row.store_id]).get(row.store_id))


def _cancel_in(rt: Runtime, uow: UnitOfWork, principal: Principal, order_no: str, note: str,
               now: datetime) -> None:
    state = consumer_state_in(uow, principal, order_no)
    if cancel_effect(state.status) is CancelEffect.VOID_PAYMENT:
        # Void first: it locks the payment, the same lock order as the capture and the timeout, so no deadlock.
        if payments.void_part_in(uow, state.id, now):
            if not cancel_unpaid_in(rt, uow, [state.id], now, actor_id=principal.user_id, note="cancelled",
                                    reason=note or None):
                raise OrderNotCancellable(status=state.status.value)
            give_back_coupons_in(uow, state.payment_id, now)
            return
        # The payment is no longer open: it was captured (the order is paid now) or closed (cancelled).
        current = OrderRepo(uow.conn).state(state.id)
        state = current if current is not None else state
        if cancel_effect(state.status) is CancelEffect.VOID_PAYMENT:
            raise OrderNotCancellable(status=state.status.value)
    _refund_paid(rt, uow, principal, state, note, now)


def _refund_paid(rt: Runtime, uow: UnitOfWork, principal: Principal, state: OrderState, note: str,
                 now: datetime) -> None:
    repo = OrderRepo(uow.conn)
    # Lock the payment part first, as after-sales refunds do (part, then order: no deadlock), and refuse once some
    # of the order's money went back (or was advanced): those units are refunded and on sale again, or paid for by
    # the platform; the rest goes through after-sales.
    if payments.refundable_in(uow, order_id=state.id, lock=True) < state.total or \
            payments.outstanding_advances_in(uow, order_id=state.id):
        raise OrderNotCancellable(status=state.status.value, refunded=True)
    moved = repo.move([state.id], OrderStatus.PAID, OrderStatus.CANCELLED, cancelled_at=now,
                      cancel_reason=note or None)
    if not moved:
        current = repo.state(state.id)
        transition(current.status if current else state.status, OrderStatus.CANCELLED)
    payments.refund_order_in(uow, order_id=state.id, now=now)
    inventory.restock_many_in(uow, repo.quantities([state.id]), rt=rt)
    repo.insert_events([event_row(state.id, OrderStatus.CANCELLED, now, principal.user_id, "refunded")])
    rt.events.publish(uow, OrderCancelled(state.id, state.consumer_id, now))


# --- operator -----------------------------------------------------------------------------------------------------

def _require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise AccessDenied("Only platform operators may do this")


def verify_ledger(rt: Runtime) -> list[LedgerProblem]:
    """The payments checks (conservation, escrow, merchant balances and debts, quick-refund advances) plus trade's:
    escrow holds, per order, exactly the total of each paid or shipped order less what refunds took from escrow."""
    with rt.uow(read_only=True) as uow:
        problems = list(payments.verify_in(uow))
        held = payments.held_by_order_in(uow)
        refunded = payments.escrow_refunded_by_order_in(uow)
        expected = {order_id: total - refunded.get(order_id, 0)
                    for order_id, total in OrderRepo(uow.conn).held_expected().items()}
    return problems + [_problem(m.order_id, m.expected, m.held) for m in escrow_mismatches(expected, held)]


def _problem(order_id: str, expected: int, held: int) -> LedgerProblem:
    return LedgerProblem("orders_escrow", f"order {order_id}",
                         f"escrow holds {held} for the order; its status says {expected}", expected, held)

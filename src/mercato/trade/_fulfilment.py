"""Fulfilment: orders become paid when their payment is captured, the merchant ships them, the consumer (or, after
the deadline, the platform) confirms receipt, and completion settles the order from escrow. Also the store's
shipping settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mercato.audit import service as audit
from mercato.credit import service as credit
from mercato.inventory import service as inventory
from mercato.kernel import jobs
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.membership import service as membership
from mercato.membership.model import address_key
from mercato.payments import service as payments
from mercato.payments.model import PaymentCaptured
from mercato.stores import service as stores
from mercato.stores.model import Permission
from mercato.trade._checkout import event_row
from mercato.trade._orders import consumer_state_in, summary_of
from mercato.trade._reviews import schedule_default_reviews_in
from mercato.trade.model import (
    DEFAULT_SHIPPING,
    OrderNotFound,
    OrderState,
    OrderStatus,
    OrderSummary,
    OrderTransitionForbidden,
    ShippingSettings,
    auto_confirm_at,
    check_shipment,
    check_shipping,
    looks_like_order_no,
    transition,
)
from mercato.trade.repo import OrderRepo, ShippingRepo, address_of

AUTO_CONFIRM_JOB = "trade.auto_confirm"


# --- paid ---------------------------------------------------------------------------------------------------------

def on_payment_captured(rt: Runtime, uow: UnitOfWork, event: PaymentCaptured) -> None:
    """The payment's money is in escrow: its orders still awaiting payment become paid and their stock is sold.

    Runs inside the capture's unit of work (subscribed in mercato.wiring); the conditional update makes a second
    delivery change nothing.
    """
    repo = OrderRepo(uow.conn)
    moved = repo.move(event.order_ids, OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, paid_at=event.at)
    ids = [state.id for state in moved]
    inventory.sell_many_in(uow, repo.quantities(ids), rt=rt)
    repo.insert_events([event_row(order_id, OrderStatus.PAID, event.at, None, "paid") for order_id in ids])
    if moved:  # invite-a-friend rewards; the sandbox names no paying account, so there is no payer key yet
        ship_to = address_of(repo.row_by_no(moved[0].order_no))
        membership.on_orders_paid_in(rt, uow, consumer_id=event.consumer_id, payer_key=None, now=event.at,
                                     address_key=address_key(ship_to.region, ship_to.city, ship_to.line1))


# --- shipped ------------------------------------------------------------------------------------------------------

def ship_order(rt: Runtime, principal: Principal, store_id: str, order_no: str, carrier: str,
               tracking_no: str) -> OrderSummary:
    """The merchant ships a paid order of its own store; the platform confirms receipt N days later if the consumer
    does not. Another store's order is 404; an unpaid one `order_not_paid`."""
    carrier_text, tracking = check_shipment(carrier, tracking_no)
    now = rt.clock.now()
    with rt.uow() as uow:
        stores.require_staff_in(uow, principal, store_id, Permission.ORDERS)
        state = _store_state_in(uow, store_id, order_no)
        _move_one(uow, state, OrderStatus.PAID, OrderStatus.SHIPPED, shipped_at=now, carrier=carrier_text,
                  tracking_no=tracking)
        OrderRepo(uow.conn).insert_events([event_row(state.id, OrderStatus.SHIPPED, now, principal.user_id,
                                                     "shipped")])
        jobs.enqueue(uow, AUTO_CONFIRM_JOB, {"order_id": state.id}, now=now,
                     run_at=auto_confirm_at(now, rt.settings.auto_confirm_days), key=f"{AUTO_CONFIRM_JOB}:{state.id}")
        audit.record(uow, principal, "order.ship", "order", state.id,
                     {"order_no": state.order_no, "carrier": carrier_text, "tracking_no": tracking}, now)
        summary = _summary_in(uow, state.id)
        uow.commit()
    return summary


def _store_state_in(uow: UnitOfWork, store_id: str, order_no: str) -> OrderState:
    state = OrderRepo(uow.conn).state_by_no(order_no, store_id=store_id) if looks_like_order_no(order_no) else None
    if state is None:
        raise OrderNotFound(field="order_no")
    return state


def _move_one(uow: UnitOfWork, state: OrderState, source: OrderStatus, target: OrderStatus,
              **values: Any) -> OrderState:
    """The model names the refusal; the conditional update settles a race with another transition."""
    transition(state.status, target)
    repo = OrderRepo(uow.conn)
    moved = repo.move([state.id], source, target, **values)
    if not moved:
        current = repo.state(state.id)
        status = current.status if current else state.status
        transition(status, target)
        raise OrderTransitionForbidden(status=status.value, target=target.value)
    return moved[0]


def _summary_in(uow: UnitOfWork, order_id: str) -> OrderSummary:
    repo = OrderRepo(uow.conn)
    state = repo.state(order_id)
    assert state is not None
    row = repo.row_by_no(state.order_no)
    return summary_of(row, stores.stores_by_ids_in(uow, [row.store_id]).get(row.store_id))


# --- completed ----------------------------------------------------------------------------------------------------

def confirm_receipt(rt: Runtime, principal: Principal, order_no: str) -> OrderSummary:
    """The consumer confirms a shipped order of their own arrived; it completes and settles (someone else's: 404)."""
    now = rt.clock.now()
    with rt.uow() as uow:
        state = consumer_state_in(uow, principal, order_no)
        _complete_in(uow, state, now, principal.user_id, "confirmed")
        summary = _summary_in(uow, state.id)
        uow.commit()
    return summary


def _complete_in(uow: UnitOfWork, state: OrderState, now: datetime, actor_id: str | None, note: str) -> None:
    """Complete and settle: escrow goes to the merchant less the commission captured at placement, and the platform
    pays the merchant its funded part of the order's discounts."""
    moved = _move_one(uow, state, OrderStatus.SHIPPED, OrderStatus.COMPLETED, completed_at=now)
    payments.settle_order_in(uow, order_id=moved.id, commission=moved.commission, now=now,
                             platform_funded=moved.platform_funded)
    OrderRepo(uow.conn).insert_events([event_row(moved.id, OrderStatus.COMPLETED, now, actor_id, note)])
    schedule_default_reviews_in(uow, moved.id, now)
    credit.request_rescore_in(uow, moved.consumer_id, now, "order_completed")


def auto_confirm_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """The confirmation deadline passed: complete a still-shipped order. Anything else (already confirmed,
    cancelled) is left alone, so a repeated delivery changes nothing."""
    now = rt.clock.now()
    with rt.uow() as uow:
        state = OrderRepo(uow.conn).state(str(payload["order_id"]))
        due = state is not None and state.status is OrderStatus.SHIPPED and state.shipped_at is not None and \
            now >= auto_confirm_at(state.shipped_at, rt.settings.auto_confirm_days)
        if state is not None and due:
            _complete_in(uow, state, now, None, "auto_confirmed")
        uow.commit()


# --- shipping settings --------------------------------------------------------------------------------------------

def shipping_settings(rt: Runtime, principal: Principal, store_id: str) -> ShippingSettings:
    with rt.uow(read_only=True) as uow:
        stores.require_staff_in(uow, principal, store_id, Permission.PROFILE)
        return _settings_in(uow, store_id)


def set_shipping_settings(rt: Runtime, principal: Principal, store_id: str, flat_fee: int,
                          free_threshold: int | None) -> ShippingSettings:
    """The store's flat fee per order and the goods total from which shipping is free (None: never free)."""
    rule = check_shipping(flat_fee, free_threshold)
    now = rt.clock.now()
    with rt.uow() as uow:
        stores.require_staff_in(uow, principal, store_id, Permission.PROFILE)
        before = _settings_in(uow, store_id)
        ShippingRepo(uow.conn).upsert(store_id, rule.flat_fee, rule.free_threshold, now)
        audit.record(uow, principal, "store.shipping.set", "store", store_id,
                     {"from": [before.flat_fee, before.free_threshold], "to": [rule.flat_fee, rule.free_threshold]},
                     now)
        settings = _settings_in(uow, store_id)
        uow.commit()
    return settings


def _settings_in(uow: UnitOfWork, store_id: str) -> ShippingSettings:
    found = ShippingRepo(uow.conn).of_stores([store_id]).get(store_id)
    return found or ShippingSettings(store_id, DEFAULT_SHIPPING.flat_fee, DEFAULT_SHIPPING.free_threshold, True, None)

"""What trade tells credit about a consumer's buying: completed orders and their spend, the largest of them, and
paying on time (orders paid versus orders the unpaid timeout cancelled). Plain values in, plain values out: credit
sits below trade and receives them through the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mercato.kernel.uow import UnitOfWork
from mercato.trade.tables import order_events, orders

TIMEOUT_NOTE = "payment_timeout"  # the note the payment-timeout job writes on the orders it cancels


@dataclass(frozen=True, slots=True)
class TradeCreditFacts:
    completed_orders: int
    spend: int  # fen: the goods of those orders after discounts (shipping is not shopping)
    largest_order: int
    orders_paid: int
    orders_unpaid_timeout: int


def credit_facts_in(uow: UnitOfWork, consumer_id: str, since: datetime) -> TradeCreditFacts:
    """The consumer's orders completed, paid, and cancelled by the unpaid timeout at or after `since` (three
    statements over the consumer's own orders)."""
    mine = orders.c.consumer_id == consumer_id
    completed = uow.conn.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(orders.c.goods_total), 0),
                  sa.func.coalesce(sa.func.max(orders.c.goods_total), 0))
        .where(mine, orders.c.status == "completed", orders.c.completed_at >= since)).one()
    paid = uow.conn.execute(sa.select(sa.func.count()).where(mine, orders.c.paid_at >= since)).scalar_one()
    timed_out = uow.conn.execute(
        sa.select(sa.func.count(sa.distinct(orders.c.id))).select_from(orders)
        .join(order_events, order_events.c.order_id == orders.c.id)
        .where(mine, orders.c.cancelled_at >= since, order_events.c.status == "cancelled",
               order_events.c.note == TIMEOUT_NOTE)).scalar_one()
    return TradeCreditFacts(completed_orders=int(completed[0]), spend=int(completed[1]),
                            largest_order=int(completed[2]), orders_paid=int(paid),
                            orders_unpaid_timeout=int(timed_out))

"""What trade tells the capabilities below it about buying: the products of paid orders (recommend's `buy`
events) and the units sold recently (search's sales signal). Both take plain values and return plain values."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from mercato.kernel.uow import UnitOfWork
from mercato.trade.tables import order_lines, orders

SOLD = ("paid", "shipped", "completed")


def paid_product_ids_in(uow: UnitOfWork, order_ids: Sequence[str]) -> list[str]:
    """The product of every line of the orders, one per line, in order and line order (one statement)."""
    if not order_ids:
        return []
    query = (sa.select(order_lines.c.product_id).where(order_lines.c.order_id.in_(list(order_ids)))
             .order_by(order_lines.c.order_id, order_lines.c.id))
    return list(uow.conn.execute(query).scalars())


def units_sold_since_in(uow: UnitOfWork, since: datetime) -> dict[str, int]:
    """Units of paid, shipped or completed orders paid at or after `since`, by product (one aggregate)."""
    query = (sa.select(order_lines.c.product_id, sa.func.sum(order_lines.c.quantity))
             .join(orders, orders.c.id == order_lines.c.order_id)
             .where(orders.c.paid_at >= since, orders.c.status.in_(SOLD))
             .group_by(order_lines.c.product_id))
    return {product_id: int(units) for product_id, units in uow.conn.execute(query)}

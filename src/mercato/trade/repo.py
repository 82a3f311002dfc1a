"""Every trade query, on one connection, returning model values. Status changes are conditional UPDATEs whose row
count (or RETURNING) is the decision; inserts of many rows are one executemany each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.trade.model import (
    HELD_IN_ESCROW,
    Address,
    AddressInput,
    OrderEvent,
    OrderLine,
    OrderState,
    OrderStatus,
    ShippingAddress,
    ShippingSettings,
)
from mercato.trade.tables import (
    addresses,
    cart_lines,
    order_events,
    order_line_discounts,
    order_lines,
    orders,
    store_shipping,
)


def _address(row: Any) -> Address:
    return Address(row.id, row.recipient, row.phone, row.region, row.city, row.line1, row.postal_code,
                   bool(row.is_default), row.created_at)


def _state(row: Any) -> OrderState:
    return OrderState(row.id, row.order_no, row.payment_id, row.consumer_id, row.store_id, OrderStatus(row.status),
                      int(row.total), int(row.commission), row.shipped_at, int(row.platform_funded))


_STATE_COLUMNS = (orders.c.id, orders.c.order_no, orders.c.payment_id, orders.c.consumer_id, orders.c.store_id,
                  orders.c.status, orders.c.total, orders.c.commission, orders.c.shipped_at, orders.c.platform_funded)


class CartRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lines(self, consumer_id: str) -> list[tuple[str, int, datetime]]:
        """(sku_id, quantity, added_at), oldest first."""
        query = (sa.select(cart_lines.c.sku_id, cart_lines.c.quantity, cart_lines.c.added_at)
                 .where(cart_lines.c.consumer_id == consumer_id).order_by(cart_lines.c.added_at, cart_lines.c.sku_id))
        return [(r.sku_id, r.quantity, r.added_at) for r in self.conn.execute(query)]

    def quantity(self, consumer_id: str, sku_id: str) -> int | None:
        query = sa.select(cart_lines.c.quantity).where(cart_lines.c.consumer_id == consumer_id,
                                                       cart_lines.c.sku_id == sku_id)
        return self.conn.execute(query).scalar_one_or_none()

    def count(self, consumer_id: str) -> int:
        query = sa.select(sa.func.count()).select_from(cart_lines).where(cart_lines.c.consumer_id == consumer_id)
        return int(self.conn.execute(query).scalar_one())

    def insert(self, consumer_id: str, sku_id: str, quantity: int, now: datetime) -> None:
        self.conn.execute(cart_lines.insert().values(consumer_id=consumer_id, sku_id=sku_id, quantity=quantity,
                                                     added_at=now))

    def set_quantity(self, consumer_id: str, sku_id: str, quantity: int) -> bool:
        result = self.conn.execute(cart_lines.update().where(cart_lines.c.consumer_id == consumer_id,
                                                             cart_lines.c.sku_id == sku_id).values(quantity=quantity))
        return result.rowcount == 1

    def delete(self, consumer_id: str, sku_ids: Iterable[str]) -> int:
        ids = list(sku_ids)
        if not ids:
            return 0
        result = self.conn.execute(cart_lines.delete().where(cart_lines.c.consumer_id == consumer_id,
                                                             cart_lines.c.sku_id.in_(ids)))
        return int(result.rowcount)


class AddressRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def of(self, consumer_id: str) -> list[Address]:
        """The default first, then newest first."""
        query = (sa.select(addresses).where(addresses.c.consumer_id == consumer_id)
                 .order_by(addresses.c.is_default.desc(), addresses.c.id.desc()))
        return [_address(r) for r in self.conn.execute(query)]

    def get(self, consumer_id: str, address_id: str) -> Address | None:
        query = sa.select(addresses).where(addresses.c.consumer_id == consumer_id, addresses.c.id == address_id)
        row = self.conn.execute(query).first()
        return _address(row) if row else None

    def count(self, consumer_id: str) -> int:
        query = sa.select(sa.func.count()).select_from(addresses).where(addresses.c.consumer_id == consumer_id)
        return int(self.conn.execute(query).scalar_one())

    def insert(self, address_id: str, consumer_id: str, draft: AddressInput, is_default: bool, now: datetime) -> None:
        self.conn.execute(addresses.insert().values(
            id=address_id, consumer_id=consumer_id, recipient=draft.recipient, phone=draft.phone,
            region=draft.region, city=draft.city, line1=draft.line1, postal_code=draft.postal_code,
            is_default=is_default, created_at=now))

    def delete(self, consumer_id: str, address_id: str) -> bool:
        result = self.conn.execute(addresses.delete().where(addresses.c.consumer_id == consumer_id,
                                                            addresses.c.id == address_id))
        return result.rowcount == 1

    def make_default(self, consumer_id: str, address_id: str) -> None:
        """Exactly one default: this one (one statement, so no moment with two or none)."""
        self.conn.execute(addresses.update().where(addresses.c.consumer_id == consumer_id)
                          .values(is_default=addresses.c.id == address_id))

    def newest_id(self, consumer_id: str) -> str | None:
        query = (sa.select(addresses.c.id).where(addresses.c.consumer_id == consumer_id)
                 .order_by(addresses.c.id.desc()).limit(1))
        return self.conn.execute(query).scalar_one_or_none()


class ShippingRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def of_stores(self, store_ids: Iterable[str]) -> dict[str, ShippingSettings]:
        ids = list(set(store_ids))
        if not ids:
            return {}
        rows = self.conn.execute(sa.select(store_shipping).where(store_shipping.c.store_id.in_(ids)))
        return {r.store_id: ShippingSettings(r.store_id, int(r.flat_fee),
                                             int(r.free_threshold) if r.free_threshold is not None else None,
                                             False, r.updated_at) for r in rows}

    def upsert(self, store_id: str, flat_fee: int, free_threshold: int | None, now: datetime) -> None:
        values = {"flat_fee": flat_fee, "free_threshold": free_threshold, "updated_at": now}
        changed = self.conn.execute(store_shipping.update().where(store_shipping.c.store_id == store_id)
                                    .values(**values))
        if changed.rowcount == 0:
            self.conn.execute(store_shipping.insert().values(store_id=store_id, **values))


class OrderRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- writes -----------------------------------------------------------------------------------------------

    def insert_orders(self, rows: Sequence[dict[str, Any]]) -> None:
        self.conn.execute(orders.insert(), list(rows))

    def insert_lines(self, rows: Sequence[dict[str, Any]]) -> None:
        self.conn.execute(order_lines.insert(), list(rows))

    def insert_line_discounts(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(order_line_discounts.insert(), list(rows))

    def insert_events(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(order_events.insert(), list(rows))

    def move(self, order_ids: Iterable[str], source: OrderStatus, target: OrderStatus,
             **values: Any) -> list[OrderState]:
        """Move the orders still in `source` to `target` (conditional update); the ones that moved."""
        ids = list(order_ids)
        if not ids:
            return []
        query = (orders.update().where(orders.c.id.in_(ids), orders.c.status == source.value)
                 .values(status=target.value, **values).returning(*_STATE_COLUMNS))
        return sorted((_state(r) for r in self.conn.execute(query)), key=lambda s: s.id)

    # --- reads ------------------------------------------------------------------------------------------------

    def state_by_no(self, order_no: str, *, consumer_id: str | None = None,
                    store_id: str | None = None) -> OrderState | None:
        query = sa.select(*_STATE_COLUMNS).where(orders.c.order_no == order_no)
        if consumer_id is not None:
            query = query.where(orders.c.consumer_id == consumer_id)
        if store_id is not None:
            query = query.where(orders.c.store_id == store_id)
        row = self.conn.execute(query).first()
        return _state(row) if row else None

    def state(self, order_id: str) -> OrderState | None:
        row = self.conn.execute(sa.select(*_STATE_COLUMNS).where(orders.c.id == order_id)).first()
        return _state(row) if row else None

    def states_of_payment(self, payment_id: str) -> list[OrderState]:
        query = sa.select(*_STATE_COLUMNS).where(orders.c.payment_id == payment_id).order_by(orders.c.id)
        return [_state(r) for r in self.conn.execute(query)]

    def quantities(self, order_ids: Iterable[str]) -> dict[str, int]:
        """Units per SKU over the lines of these orders."""
        ids = list(order_ids)
        if not ids:
            return {}
        query = (sa.select(order_lines.c.sku_id, sa.func.sum(order_lines.c.quantity))
                 .where(order_lines.c.order_id.in_(ids)).group_by(order_lines.c.sku_id))
        return {sku: int(total) for sku, total in self.conn.execute(query)}

    def page(self, *, consumer_id: str | None = None, store_id: str | None = None, status: OrderStatus | None = None,
             before_id: str | None, limit: int) -> list[Any]:
        """Order rows newest first, with the units they hold; the caller adds store names."""
        units = (sa.select(sa.func.coalesce(sa.func.sum(order_lines.c.quantity), 0))
                 .where(order_lines.c.order_id == orders.c.id).scalar_subquery())
        query = sa.select(orders, units.label("item_count"))
        if consumer_id is not None:
            query = query.where(orders.c.consumer_id == consumer_id)
        if store_id is not None:
            query = query.where(orders.c.store_id == store_id)
        if status is not None:
            query = query.where(orders.c.status == status.value)
        if before_id is not None:
            query = query.where(orders.c.id < before_id)
        return list(self.conn.execute(query.order_by(orders.c.id.desc()).limit(limit)))

    def row_by_no(self, order_no: str) -> Any:
        units = (sa.select(sa.func.coalesce(sa.func.sum(order_lines.c.quantity), 0))
                 .where(order_lines.c.order_id == orders.c.id).scalar_subquery())
        return self.conn.execute(sa.select(orders, units.label("item_count"))
                                 .where(orders.c.order_no == order_no)).first()

    def lines(self, order_id: str) -> list[OrderLine]:
        query = sa.select(order_lines).where(order_lines.c.order_id == order_id).order_by(order_lines.c.id)
        return [OrderLine(r.id, r.sku_id, r.product_id, r.title_en, r.title_zh, r.sku_label, int(r.unit_price),
                          r.quantity, int(r.line_total), r.vertical_id, r.commission_bp, int(r.commission),
                          int(r.discount), int(r.paid))
                for r in self.conn.execute(query)]

    def line_discounts(self, order_id: str) -> list[Any]:
        """The discount rows of an order's lines, largest first per line."""
        query = (sa.select(order_line_discounts).where(order_line_discounts.c.order_id == order_id)
                 .order_by(order_line_discounts.c.order_line_id, order_line_discounts.c.amount.desc(),
                           order_line_discounts.c.id))
        return list(self.conn.execute(query))

    def paid_stores(self, consumer_id: str, store_ids: Iterable[str]) -> tuple[bool, set[str]]:
        """Whether the consumer ever had an order paid, and in which of these stores: one statement."""
        wanted = sorted(set(store_ids))
        store = sa.case((orders.c.store_id.in_(wanted), orders.c.store_id), else_="") if wanted else sa.literal("")
        query = (sa.select(store.label("store_id")).distinct()
                 .where(orders.c.consumer_id == consumer_id, orders.c.paid_at.is_not(None)))
        found = {row.store_id for row in self.conn.execute(query)}
        return bool(found), found - {""}

    def events(self, order_id: str) -> list[OrderEvent]:
        query = sa.select(order_events).where(order_events.c.order_id == order_id).order_by(order_events.c.id)
        return [OrderEvent(OrderStatus(r.status), r.at, r.actor_id, r.note) for r in self.conn.execute(query)]

    def held_expected(self) -> dict[str, int]:
        """What escrow should hold per order: the total of every order paid and not yet settled or refunded."""
        query = sa.select(orders.c.id, orders.c.total).where(orders.c.status.in_([s.value for s in HELD_IN_ESCROW]))
        return {r.id: int(r.total) for r in self.conn.execute(query)}


def address_of(row: Any) -> ShippingAddress:
    return ShippingAddress.from_dict(row.address or {})

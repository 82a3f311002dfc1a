"""Every inventory query. Quantities only change through conditional UPDATEs whose row count is the decision."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.inventory.model import LOW_STOCK_THRESHOLD, MAX_QUANTITY, MovementReason, StockLevel
from mercato.inventory.tables import stock, stock_movements
from mercato.kernel.idgen import new_id


def _level(row: Any) -> StockLevel:
    return StockLevel(sku_id=row.sku_id, product_id=row.product_id, store_id=row.store_id,
                      available=row.available, reserved=row.reserved, updated_at=row.updated_at)


class StockRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert(self, sku_id: str, product_id: str, store_id: str, available: int, now: datetime) -> None:
        self.conn.execute(stock.insert().values(sku_id=sku_id, product_id=product_id, store_id=store_id,
                                                available=available, reserved=0, updated_at=now))

    def get(self, sku_id: str) -> StockLevel | None:
        row = self.conn.execute(sa.select(stock).where(stock.c.sku_id == sku_id)).first()
        return _level(row) if row else None

    def by_ids(self, sku_ids: Iterable[str]) -> dict[str, StockLevel]:
        ids = list(set(sku_ids))
        if not ids:
            return {}
        rows = self.conn.execute(sa.select(stock).where(stock.c.sku_id.in_(ids)))
        return {row.sku_id: _level(row) for row in rows}

    def lock_product(self, product_id: str) -> None:
        """Lock every stock row of a product, in sku_id order, so that changes to one product run one at a time.

        Without it two transactions changing different SKUs of the same product could each publish a total
        that misses the other's change. SQLite needs nothing: its write transactions begin IMMEDIATE.
        """
        query = (sa.select(stock.c.sku_id).where(stock.c.product_id == product_id)
                 .order_by(stock.c.sku_id).with_for_update())
        self.conn.execute(query).all()

    def lock_products_of(self, sku_ids: Iterable[str]) -> list[StockLevel]:
        """Lock every stock row of the products these SKUs belong to, in (product_id, sku_id) order, in one statement.

        One fixed order for every multi-product change is what keeps concurrent checkouts from deadlocking. The rows
        come back locked, so the caller can decide on them without reading again.
        """
        products = sa.select(stock.c.product_id).where(stock.c.sku_id.in_(list(set(sku_ids))))
        query = (sa.select(stock).where(stock.c.product_id.in_(products))
                 .order_by(stock.c.product_id, stock.c.sku_id).with_for_update())
        return [_level(row) for row in self.conn.execute(query)]

    def move_many(self, moves: list[tuple[str, int]], reason: MovementReason, now: datetime) -> int:
        """Apply one kind of conditional move to many SKUs in one executemany; the number of rows it changed."""
        sku: sa.BindParameter[str] = sa.bindparam("b_sku", type_=sa.String)
        qty: sa.BindParameter[int] = sa.bindparam("b_qty", type_=sa.Integer)
        change = {
            MovementReason.RESERVE: ({"available": stock.c.available - qty, "reserved": stock.c.reserved + qty},
                                     stock.c.available >= qty),
            MovementReason.RELEASE: ({"available": stock.c.available + qty, "reserved": stock.c.reserved - qty},
                                     stock.c.reserved >= qty),
            MovementReason.SALE: ({"reserved": stock.c.reserved - qty}, stock.c.reserved >= qty),
            MovementReason.RESTOCK: ({"available": stock.c.available + qty},
                                     stock.c.available + qty <= MAX_QUANTITY),
        }
        values, condition = change[reason]
        query = stock.update().where(stock.c.sku_id == sku, condition).values(updated_at=now, **values)
        result = self.conn.execute(query, [{"b_sku": s, "b_qty": q} for s, q in moves])
        return int(result.rowcount)

    def log_many(self, entries: list[tuple[str, int, int]], reason: MovementReason, now: datetime) -> None:
        """(sku_id, delta, available_after) for each SKU, in one executemany."""
        self.conn.execute(stock_movements.insert(), [
            {"id": new_id(), "sku_id": s, "delta": d, "available_after": a, "reason": reason.value,
             "actor_id": None, "at": now} for s, d, a in entries])

    def product_total(self, product_id: str) -> int:
        query = sa.select(sa.func.coalesce(sa.func.sum(stock.c.available), 0)).where(stock.c.product_id == product_id)
        return int(self.conn.execute(query).scalar_one())

    def set_available(self, sku_id: str, quantity: int, now: datetime) -> None:
        self.conn.execute(stock.update().where(stock.c.sku_id == sku_id).values(available=quantity, updated_at=now))

    def add_available(self, sku_id: str, delta: int, now: datetime) -> int | None:
        """Add `delta` (negative to take away) unless the result would leave 0..MAX_QUANTITY; the new level or None."""
        after = stock.c.available + delta
        query = (stock.update().where(stock.c.sku_id == sku_id, after >= 0, after <= MAX_QUANTITY)
                 .values(available=after, updated_at=now).returning(stock.c.available))
        return self.conn.execute(query).scalar_one_or_none()

    def reserve(self, sku_id: str, quantity: int, now: datetime) -> int | None:
        """Move `quantity` from available to reserved only if that many are available; the new level or None."""
        query = (stock.update().where(stock.c.sku_id == sku_id, stock.c.available >= quantity)
                 .values(available=stock.c.available - quantity, reserved=stock.c.reserved + quantity,
                         updated_at=now)
                 .returning(stock.c.available))
        return self.conn.execute(query).scalar_one_or_none()

    def release(self, sku_id: str, quantity: int, now: datetime) -> int | None:
        """Move `quantity` back from reserved to available only if that many are reserved; the new level or None."""
        query = (stock.update().where(stock.c.sku_id == sku_id, stock.c.reserved >= quantity)
                 .values(available=stock.c.available + quantity, reserved=stock.c.reserved - quantity,
                         updated_at=now)
                 .returning(stock.c.available))
        return self.conn.execute(query).scalar_one_or_none()

    def log(self, sku_id: str, delta: int, available_after: int, reason: MovementReason,
            actor_id: str | None, now: datetime) -> None:
        self.conn.execute(stock_movements.insert().values(
            id=new_id(), sku_id=sku_id, delta=delta, available_after=available_after, reason=reason.value,
            actor_id=actor_id, at=now))

    def movements(self, sku_id: str) -> list[tuple[int, int, str]]:
        """(delta, available_after, reason) oldest first."""
        query = (sa.select(stock_movements.c.delta, stock_movements.c.available_after, stock_movements.c.reason)
                 .where(stock_movements.c.sku_id == sku_id).order_by(stock_movements.c.id))
        return [(r.delta, r.available_after, r.reason) for r in self.conn.execute(query)]

    def store_page(self, store_id: str, after_sku_id: str | None, limit: int, low_only: bool) -> list[StockLevel]:
        query = sa.select(stock).where(stock.c.store_id == store_id)
        if after_sku_id is not None:
            query = query.where(stock.c.sku_id > after_sku_id)
        if low_only:
            query = query.where(stock.c.available <= LOW_STOCK_THRESHOLD)
        rows = self.conn.execute(query.order_by(stock.c.sku_id).limit(limit))
        return [_level(row) for row in rows]

    def product_totals(self, product_ids: Iterable[str]) -> dict[str, int]:
        ids = list(set(product_ids))
        if not ids:
            return {}
        query = (sa.select(stock.c.product_id, sa.func.sum(stock.c.available)).where(stock.c.product_id.in_(ids))
                 .group_by(stock.c.product_id))
        return {pid: int(total) for pid, total in self.conn.execute(query)}

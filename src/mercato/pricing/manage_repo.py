"""Every pricing query of the management side: promotions as merchants and operators edit them, the stores opted
in to a festival, issue and use counts, a consumer's coupons and vouchers, and the batch that expires them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.pricing.tables import held_coupons, promotion_stores, promotions


def _held_with_promotion() -> sa.Select[Any]:
    return sa.select(held_coupons, promotions.c.kind, promotions.c.name_en, promotions.c.name_zh,
                     promotions.c.store_id, promotions.c.rule).join(
        promotions, promotions.c.id == held_coupons.c.promotion_id)


class ManageRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- promotions -----------------------------------------------------------------------------------------------

    def insert(self, values: dict[str, Any]) -> None:
        self.conn.execute(promotions.insert().values(**values))

    def update(self, promotion_id: str, **values: Any) -> None:
        self.conn.execute(promotions.update().where(promotions.c.id == promotion_id).values(**values))

    def move(self, promotion_id: str, sources: Iterable[str], target: str, now: datetime) -> bool:
        """A conditional status change: False when another request moved it first."""
        query = promotions.update().where(promotions.c.id == promotion_id, promotions.c.status.in_(list(sources)))
        return self.conn.execute(query.values(status=target, updated_at=now)).rowcount == 1

    def row(self, promotion_id: str) -> Any:
        return self.conn.execute(sa.select(promotions).where(promotions.c.id == promotion_id)).first()

    def store_rows(self, store_id: str) -> list[Any]:
        query = sa.select(promotions).where(promotions.c.owner == "store", promotions.c.store_id == store_id)
        return list(self.conn.execute(query.order_by(promotions.c.created_at.desc(), promotions.c.id.desc())))

    def platform_rows(self) -> list[Any]:
        query = sa.select(promotions).where(promotions.c.owner == "platform")
        return list(self.conn.execute(query.order_by(promotions.c.created_at.desc(), promotions.c.id.desc())))

    def live_reductions(self, store_id: str) -> list[Any]:
        """The store's active full reductions: the ones the overlap rule compares with (a paused one is checked
        again when it resumes)."""
        query = sa.select(promotions).where(promotions.c.store_id == store_id, promotions.c.kind == "store_reduction",
                                            promotions.c.status == "active")
        return list(self.conn.execute(query))

    def festivals(self, now: datetime) -> list[Any]:
        """Cross-store reductions a store may still join or leave: active and not over."""
        query = sa.select(promotions).where(
            promotions.c.kind == "cross_store_reduction", promotions.c.status == "active",
            sa.or_(promotions.c.ends_at.is_(None), promotions.c.ends_at > now))
        return list(self.conn.execute(query.order_by(promotions.c.starts_at, promotions.c.id)))

    def claimable_coupons(self, store_id: str, now: datetime) -> list[Any]:
        query = sa.select(promotions).where(
            promotions.c.store_id == store_id, promotions.c.kind == "store_coupon", promotions.c.claimable.is_(True),
            promotions.c.status == "active",
            sa.or_(promotions.c.starts_at.is_(None), promotions.c.starts_at <= now),
            sa.or_(promotions.c.ends_at.is_(None), promotions.c.ends_at > now))
        return list(self.conn.execute(query.order_by(promotions.c.created_at, promotions.c.id)))

    # --- festival opt-ins -----------------------------------------------------------------------------------------

    def opted(self, promotion_ids: Iterable[str]) -> dict[str, list[str]]:
        wanted = sorted(set(promotion_ids))
        found: dict[str, list[str]] = {pid: [] for pid in wanted}
        if wanted:
            query = sa.select(promotion_stores.c.promotion_id, promotion_stores.c.store_id).where(
                promotion_stores.c.promotion_id.in_(wanted)).order_by(promotion_stores.c.store_id)
            for promotion_id, store_id in self.conn.execute(query):
                found[promotion_id].append(store_id)
        return found

    def opt_in(self, promotion_id: str, store_id: str, now: datetime) -> bool:
        if self.conn.execute(sa.select(promotion_stores.c.store_id).where(
                promotion_stores.c.promotion_id == promotion_id, promotion_stores.c.store_id == store_id)).first():
            return False
        self.conn.execute(promotion_stores.insert().values(promotion_id=promotion_id, store_id=store_id,
                                                           opted_at=now))
        return True

    def opt_out(self, promotion_id: str, store_id: str) -> bool:
        query = promotion_stores.delete().where(promotion_stores.c.promotion_id == promotion_id,
                                                promotion_stores.c.store_id == store_id)
        return self.conn.execute(query).rowcount == 1

    # --- held coupons ---------------------------------------------------------------------------------------------

    def used_counts(self, promotion_ids: Iterable[str]) -> dict[str, int]:
        wanted = sorted(set(promotion_ids))
        if not wanted:
            return {}
        query = sa.select(held_coupons.c.promotion_id, sa.func.count()).where(
            held_coupons.c.promotion_id.in_(wanted), held_coupons.c.status == "used",
        ).group_by(held_coupons.c.promotion_id)
        return {pid: int(n) for pid, n in self.conn.execute(query)}

    def held_of(self, consumer_id: str, limit: int) -> list[Any]:
        """The consumer's coupons and vouchers with their promotion's numbers, newest first."""
        query = _held_with_promotion().where(held_coupons.c.consumer_id == consumer_id)
        query = query.order_by(held_coupons.c.issued_at.desc(), held_coupons.c.id.desc()).limit(limit)
        return list(self.conn.execute(query))

    def held_one(self, consumer_id: str, held_id: str) -> Any:
        query = _held_with_promotion().where(held_coupons.c.consumer_id == consumer_id,
                                             held_coupons.c.id == held_id)
        return self.conn.execute(query).first()

    def held_count(self, promotion_id: str, consumer_id: str) -> int:
        query = sa.select(sa.func.count()).select_from(held_coupons).where(
            held_coupons.c.promotion_id == promotion_id, held_coupons.c.consumer_id == consumer_id)
        return int(self.conn.execute(query).scalar_one())

    def expire_batch(self, now: datetime, limit: int) -> int:
        """Up to `limit` available coupons whose validity passed become expired; how many did."""
        due = sa.select(held_coupons.c.id).where(
            held_coupons.c.status == "available", held_coupons.c.valid_until.is_not(None),
            held_coupons.c.valid_until <= now).order_by(held_coupons.c.id).limit(limit)
        ids = list(self.conn.execute(due).scalars())
        if not ids:
            return 0
        query = held_coupons.update().where(held_coupons.c.id.in_(ids), held_coupons.c.status == "available")
        return int(self.conn.execute(query.values(status="expired")).rowcount)

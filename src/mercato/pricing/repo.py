"""Every pricing query of the checkout side: issuing, spending and returning held coupons and vouchers, and loading
the promotions that can touch a cart in a fixed number of statements. Changes of state are conditional UPDATEs whose
row count is the decision."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.pricing.model import Held, Kind
from mercato.pricing.tables import held_coupons, promotion_stores, promotions

ACTIVE = "active"
AVAILABLE = "available"
USED = "used"
EXPIRED = "expired"


def open_now(now: datetime) -> sa.ColumnElement[bool]:
    """An active promotion whose window holds `now` (starts inclusive, ends exclusive)."""
    return sa.and_(promotions.c.status == ACTIVE,
                   sa.or_(promotions.c.starts_at.is_(None), promotions.c.starts_at <= now),
                   sa.or_(promotions.c.ends_at.is_(None), promotions.c.ends_at > now))


def _usable(consumer_id: str, now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(held_coupons.c.consumer_id == consumer_id, held_coupons.c.status == AVAILABLE,
                   held_coupons.c.valid_from <= now,
                   sa.or_(held_coupons.c.valid_until.is_(None), held_coupons.c.valid_until > now))


class HeldRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def promotion(self, promotion_id: str) -> Any:
        return self.conn.execute(sa.select(promotions).where(promotions.c.id == promotion_id)).first()

    def count_held(self, promotion_id: str, consumer_id: str) -> int:
        query = sa.select(sa.func.count()).select_from(held_coupons).where(
            held_coupons.c.promotion_id == promotion_id, held_coupons.c.consumer_id == consumer_id)
        return int(self.conn.execute(query).scalar_one())

    def take_unit(self, promotion_id: str) -> bool:
        """One more issued, unless every unit already was (the WHERE decides, so two claims never overissue)."""
        query = promotions.update().where(
            promotions.c.id == promotion_id,
            sa.or_(promotions.c.total_quantity.is_(None), promotions.c.issued < promotions.c.total_quantity),
        ).values(issued=promotions.c.issued + 1)
        return self.conn.execute(query).rowcount == 1

    def insert(self, row: dict[str, Any]) -> None:
        self.conn.execute(held_coupons.insert().values(**row))

    def spend(self, consumer_id: str, held_ids: Sequence[str], payment_id: str, now: datetime) -> int:
        query = held_coupons.update().where(held_coupons.c.id.in_(list(held_ids)), _usable(consumer_id, now)).values(
            status=USED, payment_id=payment_id, used_at=now)
        return int(self.conn.execute(query).rowcount)

    def give_back(self, payment_id: str, now: datetime) -> int:
        """A closed payment's coupons: available again, or expired when their validity passed meanwhile."""
        of_payment = sa.and_(held_coupons.c.payment_id == payment_id, held_coupons.c.status == USED)
        lapsed = sa.and_(held_coupons.c.valid_until.is_not(None), held_coupons.c.valid_until <= now)
        status = sa.case((lapsed, EXPIRED), else_=AVAILABLE)
        query = held_coupons.update().where(of_payment).values(status=status, payment_id=None, used_at=None)
        return int(self.conn.execute(query).rowcount)

    def usable(self, consumer_id: str, now: datetime) -> list[Held]:
        """The consumer's available coupons and vouchers valid now, of promotions running now."""
        query = (sa.select(held_coupons.c.id, held_coupons.c.promotion_id)
                 .join(promotions, promotions.c.id == held_coupons.c.promotion_id)
                 .where(_usable(consumer_id, now), open_now(now))
                 .order_by(held_coupons.c.id))
        return [Held(r.id, r.promotion_id) for r in self.conn.execute(query)]


class PromotionRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def for_cart(self, store_ids: Iterable[str], held_promotion_ids: Iterable[str], now: datetime) -> list[Any]:
        """In one statement: the running promotions of these stores, the platform's ones that need no coupon, and
        those of the coupons held. A cross-store reduction comes along whatever its opt-ins (see `opted`)."""
        stores, held = sorted(set(store_ids)), sorted(set(held_promotion_ids))
        held_kinds = [Kind.STORE_COUPON.value, Kind.PLATFORM_VOUCHER.value]
        own_store = sa.and_(promotions.c.owner == "store", promotions.c.store_id.in_(stores),
                            promotions.c.kind.not_in(held_kinds))
        platform = sa.and_(promotions.c.owner == "platform", promotions.c.kind.not_in(held_kinds))
        touching = sa.or_(own_store, platform, promotions.c.id.in_(held))
        query = sa.select(promotions).where(open_now(now), touching).order_by(promotions.c.id)
        return list(self.conn.execute(query))

    def offers(self, consumer_id: str, store_ids: Iterable[str], now: datetime) -> list[Any]:
        """In one statement, for a consumer's cart: the running promotions of these stores and of the platform that
        need no coupon, plus those of the coupons the consumer holds and may use now (`held_id`), each cross-store
        reduction once per cart store opted in to it (`opted_store`)."""
        stores = sorted(set(store_ids))
        held_kinds = [Kind.STORE_COUPON.value, Kind.PLATFORM_VOUCHER.value]
        held_on = sa.and_(held_coupons.c.promotion_id == promotions.c.id, _usable(consumer_id, now))
        opted_on = sa.and_(promotion_stores.c.promotion_id == promotions.c.id, promotion_stores.c.store_id.in_(stores))
        own_store = sa.and_(promotions.c.owner == "store", promotions.c.store_id.in_(stores))
        no_coupon = sa.and_(promotions.c.kind.not_in(held_kinds), sa.or_(promotions.c.owner == "platform", own_store))
        query = (sa.select(promotions, held_coupons.c.id.label("held_id"),
                           promotion_stores.c.store_id.label("opted_store"))
                 .select_from(promotions.outerjoin(held_coupons, held_on).outerjoin(promotion_stores, opted_on))
                 .where(open_now(now), sa.or_(no_coupon, held_coupons.c.id.is_not(None)))
                 .order_by(promotions.c.id, held_coupons.c.id, promotion_stores.c.store_id))
        return list(self.conn.execute(query))

    def opted(self, promotion_ids: Iterable[str]) -> dict[str, list[str]]:
        """The stores opted in to each of these promotions, in one statement."""
        ids = sorted(set(promotion_ids))
        if not ids:
            return {}
        query = (sa.select(promotion_stores.c.promotion_id, promotion_stores.c.store_id)
                 .where(promotion_stores.c.promotion_id.in_(ids)).order_by(promotion_stores.c.store_id))
        found: dict[str, list[str]] = {}
        for row in self.conn.execute(query):
            found.setdefault(row.promotion_id, []).append(row.store_id)
        return found

    def names(self, promotion_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """(name_en, name_zh) per promotion, in one statement."""
        ids = sorted(set(promotion_ids))
        if not ids:
            return {}
        query = sa.select(promotions.c.id, promotions.c.name_en, promotions.c.name_zh).where(promotions.c.id.in_(ids))
        return {r.id: (r.name_en, r.name_zh) for r in self.conn.execute(query)}

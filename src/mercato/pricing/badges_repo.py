"""The storefront's promotion queries: the open promotions that may touch some stores' goods, in two statements
whatever the number of stores (the promotions, then which of those stores opted in to the cross-store ones).

SKU and vertical scopes are JSON arrays, filtered in memory by the engine's `Scope.covers` (platform-wide rows are
few); a cross-store reduction is loaded only when one of the stores opted in to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.pricing.model import Kind, Promotion
from mercato.pricing.rows import promotion_of
from mercato.pricing.tables import promotion_stores, promotions

ACTIVE = "active"
CROSS = Kind.CROSS_STORE_REDUCTION.value
NOT_SHOWN = (Kind.PLATFORM_VOUCHER.value,)


@dataclass(frozen=True, slots=True)
class PromotionRow:
    """A promotion as the engine sees it, with what only the pages need: its names and whether one may claim it."""

    promotion: Promotion
    name_en: str
    name_zh: str
    claimable: bool


def _open(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(promotions.c.status == ACTIVE,
                   sa.or_(promotions.c.starts_at.is_(None), promotions.c.starts_at <= now),
                   sa.or_(promotions.c.ends_at.is_(None), promotions.c.ends_at > now))


def _claimable() -> sa.ColumnElement[bool]:
    return sa.and_(promotions.c.claimable.is_(True),
                   sa.or_(promotions.c.total_quantity.is_(None), promotions.c.issued < promotions.c.total_quantity))


class BadgesRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def open_for_stores(self, store_ids: Iterable[str], now: datetime) -> list[PromotionRow]:
        """Open promotions of these stores, the platform's, and the cross-store ones any of them opted in to."""
        stores = sorted(set(store_ids))
        if not stores:
            return []
        query = (sa.select(promotions, _claimable().label("can_claim"))
                 .where(_open(now), promotions.c.kind.not_in(NOT_SHOWN),
                        sa.or_(promotions.c.store_id.in_(stores), promotions.c.store_id.is_(None)))
                 .order_by(promotions.c.id))
        rows = self.conn.execute(query).all()
        opted = self._opted(sorted(r.id for r in rows if r.kind == CROSS), stores)
        return [_row(r, opted.get(r.id, set())) for r in rows if r.kind != CROSS or r.id in opted]

    def _opted(self, promotion_ids: list[str], store_ids: list[str]) -> dict[str, set[str]]:
        """Which of `store_ids` opted in to each cross-store reduction (a festival's other stores are not needed)."""
        if not promotion_ids:
            return {}
        query = sa.select(promotion_stores.c.promotion_id, promotion_stores.c.store_id).where(
            promotion_stores.c.promotion_id.in_(promotion_ids), promotion_stores.c.store_id.in_(store_ids))
        opted: dict[str, set[str]] = {}
        for promotion_id, store_id in self.conn.execute(query):
            opted.setdefault(promotion_id, set()).add(store_id)
        return opted


def _row(row: sa.Row[Any], opted: set[str]) -> PromotionRow:
    values: Mapping[str, Any] = dict(row._mapping)
    return PromotionRow(promotion_of(values, opted), str(values["name_en"]), str(values["name_zh"]),
                        bool(values["can_claim"]))

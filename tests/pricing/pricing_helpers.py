"""Helpers for tests that need promotions in the database: insert a promotions row from the engine's `Promotion`
(through `pricing.rows`, the one mapping), with its cross-store opt-ins, and read held coupons back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mercato.pricing.model import Promotion
from mercato.pricing.rows import columns_of
from mercato.pricing.tables import held_coupons, promotion_stores, promotions

CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def promotion_row(promo: Promotion, *, owner: str, store_id: str | None = None, **columns: Any) -> dict[str, Any]:
    row = columns_of(promo)
    row.update({
        "owner": owner, "name_en": f"Promo {promo.promotion_id[-6:]}", "name_zh": f"活动 {promo.promotion_id[-6:]}",
        "status": "active", "total_quantity": None, "issued": 0, "per_person": 1, "valid_days": None,
        "claimable": True, "created_by": "operator", "created_at": CREATED, "updated_at": CREATED})
    if store_id is not None:
        row["store_id"] = store_id
    row.update(columns)
    return row


def add_promotion(engine_or_conn: Engine | Connection, promo: Promotion, *, owner: str, store_id: str | None = None,
                  opted: Iterable[str] = (), **columns: Any) -> str:
    """Insert the promotion (active, issued 0, one per person, claimable unless `columns` say otherwise) and the
    stores opted in to it; its id."""
    row = promotion_row(promo, owner=owner, store_id=store_id, **columns)
    opt_rows = [{"promotion_id": promo.promotion_id, "store_id": s, "opted_at": CREATED} for s in opted]
    if isinstance(engine_or_conn, Engine):
        with engine_or_conn.begin() as conn:
            _insert(conn, row, opt_rows)
    else:
        _insert(engine_or_conn, row, opt_rows)
    return promo.promotion_id


def _insert(conn: Connection, row: dict[str, Any], opt_rows: list[dict[str, Any]]) -> None:
    conn.execute(promotions.insert().values(**row))
    if opt_rows:
        conn.execute(promotion_stores.insert(), opt_rows)


def held_rows(conn: Connection, consumer_id: str) -> list[Any]:
    query = sa.select(held_coupons).where(held_coupons.c.consumer_id == consumer_id).order_by(held_coupons.c.claim_seq,
                                                                                             held_coupons.c.id)
    return list(conn.execute(query))


def issued(conn: Connection, promotion_id: str) -> int:
    return int(conn.execute(sa.select(promotions.c.issued).where(promotions.c.id == promotion_id)).scalar_one())

"""What the feeds read from the behaviour log besides a consumer's history: recent events (trending), recent sales
per store (who is small), and how often one consumer bought from each store."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from mercato.kernel.uow import UnitOfWork
from mercato.recommend.model import Event
from mercato.recommend.models_store import MODEL_KIND
from mercato.recommend.tables import recommend_events

e = recommend_events.c


def recent_events_in(uow: UnitOfWork, since: datetime, limit: int) -> list[Event]:
    """At most `limit` of the newest events since `since` (one range read on the `at` index)."""
    query = (sa.select(e.actor_id, e.product_id, e.kind, e.at).where(e.at >= since)
             .order_by(e.at.desc()).limit(limit))
    return [Event(r.actor_id, r.product_id, MODEL_KIND.get(r.kind, "view"), r.at.timestamp())
            for r in uow.conn.execute(query)]


def store_sales_in(uow: UnitOfWork, store_ids: Collection[str], since: datetime) -> dict[str, int]:
    """Purchases (buy events) per store since `since`, for the given stores (absent: none)."""
    if not store_ids:
        return {}
    query = (sa.select(e.store_id, sa.func.count().label("n"))
             .where(e.kind == "buy", e.at >= since, e.store_id.in_(sorted(store_ids)))
             .group_by(e.store_id))
    return {r.store_id: int(r.n) for r in uow.conn.execute(query)}


def purchases_by_store_in(uow: UnitOfWork, actor_id: str, limit: int = 500) -> dict[str, int]:
    """How many of the actor's last `limit` events were purchases, per store."""
    recent = (sa.select(e.store_id, e.kind).where(e.actor_id == actor_id)
              .order_by(e.at.desc()).limit(limit).subquery())
    query = (sa.select(recent.c.store_id, sa.func.count().label("n")).where(recent.c.kind == "buy")
             .group_by(recent.c.store_id))
    return {r.store_id: int(r.n) for r in uow.conn.execute(query)}

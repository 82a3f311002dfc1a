"""The store's service scores (DSR), which reviews computes and keeps here (stars x 100 each, None: not rated),
so the store's pages and search read them with the store."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from mercato.kernel.uow import UnitOfWork
from mercato.stores.tables import stores


@dataclass(frozen=True, slots=True)
class StoreServiceScores:
    store_id: str
    description: int | None
    service: int | None
    logistics: int | None
    updated_at: datetime | None


def set_service_scores_in(uow: UnitOfWork, store_id: str, description: int | None, service: int | None,
                          logistics: int | None, now: datetime) -> None:
    """Replace the store's three figures (reviews calls this after each recomputation)."""
    uow.conn.execute(stores.update().where(stores.c.id == store_id).values(
        dsr_description=description, dsr_service=service, dsr_logistics=logistics, dsr_updated_at=now))


def service_scores_in(uow: UnitOfWork, store_ids: Collection[str]) -> dict[str, StoreServiceScores]:
    """The figures of these stores, by store id (unknown stores absent)."""
    if not store_ids:
        return {}
    rows = uow.conn.execute(sa.select(stores.c.id, stores.c.dsr_description, stores.c.dsr_service,
                                      stores.c.dsr_logistics, stores.c.dsr_updated_at)
                            .where(stores.c.id.in_(list(store_ids))))
    return {r.id: StoreServiceScores(r.id, r.dsr_description, r.dsr_service, r.dsr_logistics, r.dsr_updated_at)
            for r in rows}

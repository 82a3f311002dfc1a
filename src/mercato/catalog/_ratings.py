"""The product's rating (stars x 100, None until reviewed) and how many reviews count, which reviews computes and
keeps here so product pages and search read it with the product."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from mercato.catalog.tables import products
from mercato.kernel.uow import UnitOfWork


def set_rating_in(uow: UnitOfWork, product_id: str, rating: int | None, count: int, now: datetime) -> None:
    """Replace the product's rating and count. `now` is accepted for the contract; `updated_at` is the product's
    content time and a review does not change the content."""
    del now
    uow.conn.execute(products.update().where(products.c.id == product_id).values(rating=rating, rating_count=count))


def ratings_in(uow: UnitOfWork, product_ids: Collection[str], *,
               lock: bool = False) -> dict[str, tuple[int | None, int]]:
    """(rating, count) of these products, by product id (unknown products absent). `lock` takes their rows in id
    order first, so two recomputations of one product's rating run one after the other."""
    if not product_ids:
        return {}
    query = (sa.select(products.c.id, products.c.rating, products.c.rating_count)
             .where(products.c.id.in_(sorted(set(product_ids)))).order_by(products.c.id))
    rows = uow.conn.execute(query.with_for_update() if lock else query)
    return {r.id: (r.rating, int(r.rating_count)) for r in rows}

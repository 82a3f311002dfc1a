"""Review scores reach the index: a product's rating and its store's service score (both stars x 100) are set on
the documents by reviews when it recomputes them, in its own transaction. A rebuilt document keeps both (the
indexer's upsert keeps them), so a catalog change never waits on reviews; a new document starts unrated until its
product or store is scored again."""

from __future__ import annotations

from collections.abc import Mapping

from mercato.kernel.uow import UnitOfWork
from mercato.search.tables import search_documents as d


def set_product_ratings_in(uow: UnitOfWork, ratings: Mapping[str, int | None]) -> None:
    """Each product's rating on its document (a product not indexed is skipped)."""
    for product_id, rating in sorted(ratings.items()):
        uow.conn.execute(d.update().where(d.c.product_id == product_id).values(rating=rating))


def set_store_service_score_in(uow: UnitOfWork, store_id: str, score: int | None) -> None:
    """The store's service score on every document of its goods (one statement)."""
    uow.conn.execute(d.update().where(d.c.store_id == store_id).values(service_score=score))

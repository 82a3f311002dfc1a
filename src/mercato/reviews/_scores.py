"""Keeping the scores: a product's rating is recomputed in the unit of work that changed its reviews (one
aggregate); a store's service scores (DSR) by a job, since they read every score set of the store's last 180 days
and change daily as the recency weights move. Both are written where the pages and search read them: catalog's
products, stores, and search's documents. Also the operator's fold, which takes a review out of every score."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from mercato.catalog import service as catalog
from mercato.kernel import jobs
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.reviews.model import (
    SCORE_WINDOW,
    ProductRating,
    ReviewNotFound,
    ServiceScores,
    rating_from_totals,
    service_scores,
)
from mercato.reviews.repo import ReviewRepo
from mercato.search import service as search
from mercato.stores import service as stores

STORE_SCORES_JOB = "reviews.store_scores"
DEBOUNCE = timedelta(seconds=10)


def recompute_products_in(uow: UnitOfWork, product_ids: Iterable[str], now: datetime) -> dict[str, ProductRating]:
    """Each product's rating from its reviews now, written to catalog and the search index. The products' rows are
    locked first, so a concurrent review of the same product waits and then counts this one (PostgreSQL)."""
    wanted = sorted(set(product_ids))
    catalog.ratings_in(uow, wanted, lock=True)
    repo = ReviewRepo(uow.conn)
    ratings = {pid: rating_from_totals(*repo.product_totals(pid)) for pid in wanted}
    for product_id, rating in ratings.items():
        catalog.set_rating_in(uow, product_id, rating.rating, rating.count, now)
    search.set_product_ratings_in(uow, {pid: rating.rating for pid, rating in ratings.items()})
    return ratings


def recompute_store_in(uow: UnitOfWork, store_id: str, now: datetime) -> ServiceScores:
    """The store's DSR now, written to stores and the search index."""
    scores = service_scores(ReviewRepo(uow.conn).scored_orders(store_id, now - SCORE_WINDOW), now)
    stores.set_service_scores_in(uow, store_id, scores.description, scores.service, scores.logistics, now)
    search.set_store_service_score_in(uow, store_id, scores.overall)
    return scores


def request_store_scores_in(uow: UnitOfWork, store_id: str, now: datetime) -> None:
    """Recompute the store's DSR at the end of the current 10 seconds: every request of that span shares one job,
    which runs after them, so a busy store is recomputed at most once per span and never misses a change."""
    due = now.replace(second=now.second - now.second % 10, microsecond=0) + DEBOUNCE
    jobs.enqueue(uow, STORE_SCORES_JOB, {"store_id": store_id}, now=now, run_at=due,
                 key=f"{STORE_SCORES_JOB}:{store_id}:{due.isoformat()}")


def _book_daily_in(uow: UnitOfWork, store_id: str, now: datetime) -> None:
    """The recency weights move every day and old sets leave the window: recompute tomorrow (one job per day)."""
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    jobs.enqueue(uow, STORE_SCORES_JOB, {"store_id": store_id}, now=now, run_at=tomorrow,
                 key=f"{STORE_SCORES_JOB}:{store_id}:{tomorrow.date().isoformat()}")


def store_scores_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """Recompute one store's DSR; while it still has score sets in the window, book tomorrow's run. Idempotent."""
    now = rt.clock.now()
    store_id = str(payload["store_id"])
    with rt.uow() as uow:
        scores = recompute_store_in(uow, store_id, now)
        if scores.orders > 0:
            _book_daily_in(uow, store_id, now)
        uow.commit()


def fold_review_in(uow: UnitOfWork, review_id: str, folded: bool, now: datetime) -> None:
    """The abuse queue's fold (folded=True) and unfold: the review stays visible, marked folded, and leaves (or
    rejoins) its product's rating at once and its store's DSR within 10 seconds (the store job). A repeat changes
    nothing. The caller audits the operator's action."""
    repo = ReviewRepo(uow.conn)
    review = repo.get(review_id, lock=True)
    if review is None:
        raise ReviewNotFound(field="review_id")
    if repo.set_folded(review_id, folded):
        recompute_products_in(uow, [review.product_id], now)
        request_store_scores_in(uow, review.store_id, now)

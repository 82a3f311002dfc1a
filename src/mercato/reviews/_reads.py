"""What the pages and other capabilities read: the review form's line, my reviews, a product's reviews with its
rating and its store's scores, a store's ratings, the merchant's list, and the credit rating's facts."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from mercato.accounts import service as accounts
from mercato.catalog import service as catalog
from mercato.kernel.pagination import Page, clamp_limit, decode_id_cursor, page_by_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.reviews._writes import check_not_barred_in, reviewable_line_in
from mercato.reviews.abuse_repo import AbuseRepo
from mercato.reviews.model import (
    NO_SCORES,
    ProductRating,
    ReviewCreditFacts,
    ReviewDuplicate,
    ReviewView,
    ServiceScores,
    masked,
    review_closes_at,
)
from mercato.reviews.repo import ReviewRepo
from mercato.stores import service as stores
from mercato.trade import service as trade

DEFAULT_PAGE = 10


@dataclass(frozen=True, slots=True)
class ReviewForm:
    """The line the consumer is about to review, whether the order's store scores are still to give, and until
    when the window is open."""

    line: trade.ReviewableLine
    asks_store_scores: bool
    closes_at: datetime


@dataclass(frozen=True, slots=True)
class ProductReviews:
    product_id: str
    store_id: str | None
    rating: ProductRating
    store_scores: ServiceScores
    page: Page[ReviewView]
    voted: frozenset[str]  # the reviews on this page the viewer already found helpful


def review_form(rt: Runtime, principal: Principal, order_no: str, order_line_id: str) -> ReviewForm:
    """The refusals of `submit_review` before the consumer writes anything."""
    now = rt.clock.now()
    with rt.uow(read_only=True) as uow:
        line = reviewable_line_in(uow, principal.user_id, order_no, order_line_id, now)
        check_not_barred_in(uow, principal.user_id, now)
        repo = ReviewRepo(uow.conn)
        if repo.by_line(order_line_id) is not None:
            raise ReviewDuplicate(field="order_line_id")
        assert line.completed_at is not None
        return ReviewForm(line, not repo.order_has_scores(line.order_id), review_closes_at(line.completed_at))


def _named(uow: UnitOfWork, views: list[ReviewView], *, titled: bool = False) -> list[ReviewView]:
    """Reviewers' masked names (and, on the consumer's own list, the items' titles)."""
    users = accounts.users_by_ids_in(uow, {v.consumer_id for v in views})
    lines = trade.review_lines_by_ids_in(uow, [v.order_line_id for v in views]) if titled else {}
    named = []
    for view in views:
        user, line = users.get(view.consumer_id), lines.get(view.order_line_id)
        named.append(replace(view, reviewer_name=masked(user.display_name if user else ""),
                             title_en=line.title_en if line else "", title_zh=line.title_zh if line else ""))
    return named


def _page(uow: UnitOfWork, cursor: str | None, limit: int | None, *, titled: bool = False,
          **owner: str) -> Page[ReviewView]:
    size = clamp_limit(limit, DEFAULT_PAGE)
    rows = ReviewRepo(uow.conn).page(after=decode_id_cursor(cursor), limit=size + 1, **owner)
    page = page_by_id(rows, size)
    return Page(_named(uow, page.items, titled=titled), page.next_cursor)


def my_reviews(rt: Runtime, principal: Principal, cursor: str | None = None,
               limit: int | None = None) -> Page[ReviewView]:
    """The consumer's reviews, newest first, with their items' titles."""
    with rt.uow(read_only=True) as uow:
        return _page(uow, cursor, limit, titled=True, consumer_id=principal.user_id)


def store_scores_in(uow: UnitOfWork, store_id: str) -> ServiceScores:
    found = stores.service_scores_in(uow, [store_id]).get(store_id)
    if found is None or found.description is None:
        return NO_SCORES
    return ServiceScores(found.description, found.service, found.logistics)


def product_reviews(rt: Runtime, product_id: str, cursor: str | None = None, limit: int | None = None,
                    viewer: Principal | None = None) -> ProductReviews:
    """A product's reviews newest first (folded ones included and marked), its rating and its store's DSR."""
    with rt.uow(read_only=True) as uow:
        rating, count = catalog.ratings_in(uow, [product_id]).get(product_id, (None, 0))
        product = catalog.products_by_ids_in(uow, [product_id]).get(product_id)
        store_id = product.store_id if product else None
        page = _page(uow, cursor, limit, product_id=product_id)
        voted = ReviewRepo(uow.conn).voted(viewer.user_id, [v.id for v in page.items]) if viewer else set()
        return ProductReviews(product_id, store_id, ProductRating(rating, count),
                              store_scores_in(uow, store_id) if store_id else NO_SCORES, page, frozenset(voted))


def store_ratings(rt: Runtime, store_id: str) -> ServiceScores:
    """A store's service scores (unknown store: 404)."""
    with rt.uow(read_only=True) as uow:
        stores.get_store_in(uow, store_id)
        return store_scores_in(uow, store_id)


def store_reviews(rt: Runtime, principal: Principal, store_id: str, cursor: str | None = None,
                  limit: int | None = None) -> Page[ReviewView]:
    """The reviews of the store's goods, newest first, for its staff."""
    with rt.uow(read_only=True) as uow:
        stores.require_staff_in(uow, principal, store_id, None)
        return _page(uow, cursor, limit, titled=True, store_id=store_id)


def credit_facts_in(uow: UnitOfWork, consumer_id: str) -> ReviewCreditFacts:
    """The consumer's reviews that earned a helpful vote and are not folded, and their violations: operators'
    abuse sanctions in force or past (a lifted one was undone and does not count)."""
    return ReviewCreditFacts(helpful_reviews=ReviewRepo(uow.conn).helpful_reviews_of(consumer_id),
                             violations=AbuseRepo(uow.conn).violations(consumer_id))

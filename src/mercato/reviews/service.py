"""The reviews use cases, one public surface: reviews of received items, follow-ups, merchant replies, helpful
votes, the default positive rating, the scores (product ratings, store DSR) and the operator's fold.

Public use cases take `rt` first and open their own unit of work; helpers other capabilities call inside their
transaction take `uow` first (`fold_review_in`, `credit_facts_in`). They live in private modules re-exported here.
"""

from __future__ import annotations

from mercato.kernel.jobs import Handler
from mercato.reviews._reads import (
    ProductReviews,
    ReviewForm,
    credit_facts_in,
    my_reviews,
    product_reviews,
    review_form,
    store_ratings,
    store_reviews,
    store_scores_in,
)
from mercato.reviews._scores import (
    STORE_SCORES_JOB,
    fold_review_in,
    recompute_products_in,
    recompute_store_in,
    store_scores_job,
)
from mercato.reviews._writes import add_follow_up, default_ratings_job, reply, submit_review, vote_helpful
from mercato.reviews.model import ReviewView
from mercato.trade.service import DEFAULT_REVIEWS_JOB

JOB_HANDLERS: dict[str, Handler] = {
    DEFAULT_REVIEWS_JOB: default_ratings_job,
    STORE_SCORES_JOB: store_scores_job,
}

__all__ = [
    "DEFAULT_REVIEWS_JOB", "JOB_HANDLERS", "STORE_SCORES_JOB", "ProductReviews", "ReviewForm", "ReviewView",
    "add_follow_up",
    "credit_facts_in", "default_ratings_job", "fold_review_in", "my_reviews", "product_reviews",
    "recompute_products_in", "recompute_store_in", "reply", "review_form", "store_ratings", "store_reviews",
    "store_scores_in", "store_scores_job", "submit_review", "vote_helpful",
]

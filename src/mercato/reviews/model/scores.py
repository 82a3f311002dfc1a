"""Store service scores (DSR) and product ratings, in stars x 100 (100 = 1 star, 500 = 5 stars).

DSR: for each store, description match, service and logistics are weighted averages of the score sets of the
orders scored in the last 180 days. The weight is by recency, in whole days: a set scored today weighs 180, one
scored d days ago weighs 180 - d, and from day 180 it leaves the window, so the figures drift with the store's
recent service rather than jump when an old order drops out. An order whose reviews include a folded one (the
operator found it abusive) counts nothing. Default positive ratings carry no store scores: the DSR holds only what
buyers said. Each figure is rounded half up to a whole hundredth of a star, in integers.

Product rating: the plain average stars of the product's reviews that are not folded (default ones included),
rounded half up, and their count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from mercato.reviews.model.rules import StoreScores

SCORE_WINDOW_DAYS = 180
SCORE_WINDOW = timedelta(days=SCORE_WINDOW_DAYS)
STAR = 100


@dataclass(frozen=True, slots=True)
class ScoredOrder:
    """One order's store score set as the DSR reads it."""

    order_id: str
    scored_at: datetime
    scores: StoreScores
    folded: bool = False


@dataclass(frozen=True, slots=True)
class ServiceScores:
    """A store's DSR, stars x 100 each (None: no order scored it in the window), and how many orders count."""

    description: int | None
    service: int | None
    logistics: int | None
    orders: int = 0

    @property
    def overall(self) -> int | None:
        """The mean of the three figures (search's service score), rounded half up."""
        if self.description is None or self.service is None or self.logistics is None:
            return None
        return _round_div(self.description + self.service + self.logistics, 3)


NO_SCORES = ServiceScores(None, None, None, 0)


@dataclass(frozen=True, slots=True)
class ProductRating:
    rating: int | None  # stars x 100; None until a review counts
    count: int


def _round_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def recency_weight(scored_at: datetime, now: datetime) -> int:
    """180 on the day of scoring, one less per whole day since, 0 once out of the window (a set from the future,
    a clock skew, weighs as today's)."""
    age_days = max((now - scored_at).days, 0)
    return max(SCORE_WINDOW_DAYS - age_days, 0)


def service_scores(orders: Iterable[ScoredOrder], now: datetime) -> ServiceScores:
    """The store's DSR at `now` from its orders' score sets (any order; folded and out-of-window ones count 0)."""
    weighted = [(recency_weight(o.scored_at, now), o.scores) for o in orders if not o.folded]
    weighted = [(w, s) for w, s in weighted if w > 0]
    total = sum(w for w, _ in weighted)
    if total == 0:
        return NO_SCORES
    return ServiceScores(
        description=_round_div(STAR * sum(w * s.description for w, s in weighted), total),
        service=_round_div(STAR * sum(w * s.service for w, s in weighted), total),
        logistics=_round_div(STAR * sum(w * s.logistics for w, s in weighted), total),
        orders=len(weighted))


def rating_from_totals(stars_total: int, count: int) -> ProductRating:
    """The product rating from the sum of the counted reviews' stars and their count."""
    if count <= 0:
        return ProductRating(None, 0)
    return ProductRating(_round_div(STAR * stars_total, count), count)


def product_rating(reviews: Iterable[tuple[int, bool]]) -> ProductRating:
    """The product rating from (stars, folded) per review: folded ones leave it."""
    counted = [stars for stars, folded in reviews if not folded]
    return rating_from_totals(sum(counted), len(counted))

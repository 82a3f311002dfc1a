"""What the review pages and other capabilities read: reviews with their follow-up and reply, and the facts the
credit rating takes from reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mercato.reviews.model.rules import StoreScores


@dataclass(frozen=True, slots=True)
class FollowUpView:
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ReplyView:
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewView:
    id: str
    order_id: str
    order_line_id: str
    product_id: str
    store_id: str
    consumer_id: str
    rating: int
    text: str
    store_scores: StoreScores | None
    is_default: bool
    folded: bool
    helpful_count: int
    created_at: datetime
    follow_up: FollowUpView | None = None
    reply: ReplyView | None = None
    reviewer_name: str = ""  # shown masked on public pages
    title_en: str = ""  # the item, on the consumer's own list
    title_zh: str = ""


@dataclass(frozen=True, slots=True)
class ReviewCreditFacts:
    """The credit rating's facts from reviews: the consumer's reviews with at least one helpful vote and not
    folded; violations are 0 here (the abuse sanctions add theirs)."""

    helpful_reviews: int
    violations: int = 0


def masked(name: str) -> str:
    """A reviewer's name on public pages: the first character and an asterisk."""
    cleaned = name.strip()
    return f"{cleaned[0]}***" if cleaned else "***"

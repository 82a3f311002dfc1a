"""The rules of a review's life: who may review what and when, the bounds of ratings and texts, follow-ups,
merchant replies and helpful votes. Pure: callers pass the facts and `now`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mercato.kernel.errors import AccessDenied, DuplicateEntity, EntityNotFound, InputInvalid, StateConflict

REVIEW_WINDOW = timedelta(days=15)  # from the confirmation of receipt; then the default positive rating is given
FOLLOW_UP_WINDOW = timedelta(days=180)  # from the review
RATING_MIN, RATING_MAX = 1, 5
DEFAULT_RATING = 5
TEXT_MIN, TEXT_MAX = 2, 500  # characters after trimming, for reviews, follow-ups and replies alike
COMPLETED = "completed"  # the order status after receipt is confirmed (by the consumer or the platform)


class ReviewNotFound(EntityNotFound):
    code = "review_not_found"
    title = "No such review"


class ReviewItemNotBought(AccessDenied):
    code = "review_item_not_bought"
    title = "Only the buyer of an item may review it"


class ReviewBeforeReceipt(StateConflict):
    code = "review_before_receipt"
    title = "An item can be reviewed once its receipt is confirmed"


class ReviewWindowClosed(StateConflict):
    code = "review_window_closed"
    title = "The 15 days to review this item have passed"


class ReviewDuplicate(DuplicateEntity):
    code = "review_duplicate"
    title = "This item of the order is already reviewed"


class ReviewRatingInvalid(InputInvalid):
    code = "review_rating_invalid"
    title = "A rating is a whole number of stars from 1 to 5"


class ReviewTextInvalid(InputInvalid):
    code = "review_text_invalid"
    title = "A review text is 2 to 500 characters"


class StoreScoresRequired(InputInvalid):
    code = "review_store_scores_required"
    title = "The first review of an order also scores the store: description match, service and logistics"


class FollowUpWindowClosed(StateConflict):
    code = "review_follow_up_window_closed"
    title = "A follow-up is possible within 180 days of the review"


class FollowUpDuplicate(DuplicateEntity):
    code = "review_follow_up_duplicate"
    title = "This review already has its follow-up"


class ReplyDuplicate(DuplicateEntity):
    code = "review_reply_duplicate"
    title = "The store already replied to this review"


class HelpfulVoteOwn(StateConflict):
    code = "review_vote_own"
    title = "You cannot vote for your own review"


class HelpfulVoteDuplicate(DuplicateEntity):
    code = "review_vote_duplicate"
    title = "You already found this review helpful"


@dataclass(frozen=True, slots=True)
class StoreScores:
    """One order's scores of its store, each 1-5 stars."""

    description: int
    service: int
    logistics: int


@dataclass(frozen=True, slots=True)
class LineFacts:
    """What trade says about one order line a consumer wants to review."""

    order_id: str
    order_line_id: str
    product_id: str
    store_id: str
    consumer_id: str
    status: str
    completed_at: datetime | None


def check_rating(rating: int) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int) or not RATING_MIN <= rating <= RATING_MAX:
        raise ReviewRatingInvalid(field="rating")
    return rating


def check_text(text: str, field: str = "text") -> str:
    cleaned = text.strip()
    if not TEXT_MIN <= len(cleaned) <= TEXT_MAX:
        raise ReviewTextInvalid(field=field)
    return cleaned


def check_store_scores(scores: StoreScores) -> StoreScores:
    for name in ("description", "service", "logistics"):
        try:
            check_rating(getattr(scores, name))
        except ReviewRatingInvalid as exc:
            raise ReviewRatingInvalid(field=name) from exc
    return scores


def review_closes_at(completed_at: datetime) -> datetime:
    return completed_at + REVIEW_WINDOW


def window_closed(completed_at: datetime, now: datetime) -> bool:
    """The window is [receipt, receipt + 15 days): at its end the default rating job may run."""
    return now >= review_closes_at(completed_at)


def check_reviewable(line: LineFacts | None, consumer_id: str, now: datetime) -> LineFacts:
    """The line is the consumer's own, its receipt is confirmed and its 15 days are running."""
    if line is None or line.consumer_id != consumer_id or line.status == "cancelled":
        raise ReviewItemNotBought(field="order_line_id")
    if line.status != COMPLETED or line.completed_at is None:
        raise ReviewBeforeReceipt(field="order_line_id")
    if window_closed(line.completed_at, now):
        raise ReviewWindowClosed(field="order_line_id")
    return line


def store_scores_for(order_has_scores: bool, given: StoreScores | None) -> StoreScores | None:
    """One store score set per order: the order's first review carries it, later ones do not ask again (scores
    sent again are ignored, so the first answer stands)."""
    if order_has_scores:
        return None
    if given is None:
        raise StoreScoresRequired(field="store_scores")
    return check_store_scores(given)


def check_follow_up(review_consumer_id: str, consumer_id: str, reviewed_at: datetime, now: datetime) -> None:
    if review_consumer_id != consumer_id:
        raise ReviewNotFound(field="review_id")
    if now > reviewed_at + FOLLOW_UP_WINDOW:
        raise FollowUpWindowClosed(field="review_id")


def check_vote(review_consumer_id: str, voter_id: str) -> None:
    if review_consumer_id == voter_id:
        raise HelpfulVoteOwn(field="review_id")

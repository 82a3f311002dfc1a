"""The consumer's and merchant's writes: submit a review of a received item (with the order's store scores on its
first review), add a follow-up, reply as the store, vote a review helpful; and the job that gives the default
positive rating to what was left unrated when the window closed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mercato.aftersales import service as aftersales
from mercato.audit import service as audit
from mercato.credit import service as credit
from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.reviews._scores import recompute_products_in, request_store_scores_in
from mercato.reviews.model import (
    COMPLETED,
    DEFAULT_RATING,
    FollowUpDuplicate,
    HelpfulVoteDuplicate,
    LineFacts,
    ReplyDuplicate,
    ReviewDuplicate,
    ReviewNotFound,
    ReviewView,
    StoreScores,
    check_follow_up,
    check_rating,
    check_reviewable,
    check_text,
    check_vote,
    store_scores_for,
    window_closed,
)
from mercato.reviews.model.abuse_views import ReviewerBarred
from mercato.reviews.repo import ReviewRepo
from mercato.stores import service as stores
from mercato.stores.errors import PermissionMissing
from mercato.stores.model import Permission
from mercato.trade import service as trade


def _facts(line: trade.ReviewableLine) -> LineFacts:
    return LineFacts(line.order_id, line.order_line_id, line.product_id, line.store_id, line.consumer_id,
                     line.status, line.completed_at)


def reviewable_line_in(uow: UnitOfWork, consumer_id: str, order_no: str, order_line_id: str,
                       now: datetime) -> trade.ReviewableLine:
    """The consumer's line of that order, received and inside its window, else the refusal that says why."""
    lines = {line.order_line_id: line for line in trade.reviewable_lines_in(uow, consumer_id, order_no)}
    found = lines.get(order_line_id)
    check_reviewable(_facts(found) if found else None, consumer_id, now)
    assert found is not None
    return found


def check_not_barred_in(uow: UnitOfWork, consumer_id: str, now: datetime) -> None:
    """An operator's sanction in force bars the consumer from reviewing (`reviewer_barred`)."""
    from mercato.reviews import abuse_service  # here, not at the top: abuse_service imports reviews.service

    if abuse_service.is_barred_in(uow, consumer_id, now):
        raise ReviewerBarred(field="consumer_id")


def book_abuse_scoring_in(uow: UnitOfWork, now: datetime) -> None:
    """A new review is what the reviewer-risk pass reads: make sure its next run is booked (one per slot), so a
    fresh marketplace starts scoring with its first review."""
    from mercato.reviews import abuse_service  # here, not at the top: abuse_service imports reviews.service

    abuse_service.schedule_scoring_in(uow, now)


def submit_review(rt: Runtime, principal: Principal, order_no: str, order_line_id: str, rating: int, text: str,
                  store_scores: StoreScores | None = None) -> ReviewView:
    """The buyer rates one received item 1-5 with a text within 15 days of receipt; the order's first review also
    scores the store. Once per line, also when two requests race (the unique line id settles it). A reviewer under
    an operator's sanction is refused."""
    stars, words = check_rating(rating), check_text(text)
    now = rt.clock.now()
    with rt.uow() as uow:
        line = reviewable_line_in(uow, principal.user_id, order_no, order_line_id, now)
        check_not_barred_in(uow, principal.user_id, now)
        repo = ReviewRepo(uow.conn)
        if repo.by_line(order_line_id) is not None:
            raise ReviewDuplicate(field="order_line_id")
        scores = store_scores_for(repo.order_has_scores(line.order_id), store_scores)
        review_id = _insert_in(repo, line, stars, words, scores, False, now)
        recompute_products_in(uow, [line.product_id], now)
        book_abuse_scoring_in(uow, now)
        if scores is not None:
            request_store_scores_in(uow, line.store_id, now)
        review = repo.get(review_id)
        uow.commit()
    assert review is not None
    return review


def _insert_in(repo: ReviewRepo, line: trade.ReviewableLine, rating: int, text: str, scores: StoreScores | None,
               is_default: bool, now: datetime) -> str:
    review_id = new_id()
    inserted = repo.insert_review({
        "id": review_id, "order_id": line.order_id, "order_line_id": line.order_line_id,
        "product_id": line.product_id, "store_id": line.store_id, "consumer_id": line.consumer_id,
        "rating": rating, "text": text, "dsr_description": scores.description if scores else None,
        "dsr_service": scores.service if scores else None, "dsr_logistics": scores.logistics if scores else None,
        "is_default": is_default, "folded": False, "helpful_count": 0, "created_at": now})
    if not inserted:
        raise ReviewDuplicate(field="order_line_id")
    return review_id


def default_ratings_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """The order's review window closed: each line nobody reviewed gets 5 stars, marked default, no text and no
    store scores. Lines reviewed meanwhile (or by a previous delivery of this job) are left alone, and so are lines
    whose every unit was refunded: a returned item earns its store no praise."""
    now = rt.clock.now()
    with rt.uow() as uow:
        order_id = str(payload["order_id"])
        lines = trade.order_lines_for_reviews_in(uow, order_id)
        repo = ReviewRepo(uow.conn)
        done = repo.reviewed_lines([line.order_line_id for line in lines]) | \
            aftersales.fully_refunded_lines_in(uow, order_id)
        due = [line for line in lines if line.order_line_id not in done and _window_closed(line, now)]
        for line in due:
            repo.insert_review(_default_values(line, now))
        if due:
            recompute_products_in(uow, [line.product_id for line in due], now)
        uow.commit()


def _window_closed(line: trade.ReviewableLine, now: datetime) -> bool:
    return line.status == COMPLETED and line.completed_at is not None and window_closed(line.completed_at, now)


def _default_values(line: trade.ReviewableLine, now: datetime) -> dict[str, Any]:
    return {"id": new_id(), "order_id": line.order_id, "order_line_id": line.order_line_id,
            "product_id": line.product_id, "store_id": line.store_id, "consumer_id": line.consumer_id,
            "rating": DEFAULT_RATING, "text": "", "dsr_description": None, "dsr_service": None,
            "dsr_logistics": None, "is_default": True, "folded": False, "helpful_count": 0, "created_at": now}


def add_follow_up(rt: Runtime, principal: Principal, review_id: str, text: str) -> ReviewView:
    """The reviewer adds one follow-up within 180 days of the review (someone else's review: 404)."""
    words = check_text(text)
    now = rt.clock.now()
    with rt.uow() as uow:
        repo = ReviewRepo(uow.conn)
        review = repo.get(review_id)
        if review is None:
            raise ReviewNotFound(field="review_id")
        check_follow_up(review.consumer_id, principal.user_id, review.created_at, now)
        if not repo.insert_follow_up(review_id, words, now):
            raise FollowUpDuplicate(field="review_id")
        updated = repo.get(review_id)
        uow.commit()
    assert updated is not None
    return updated


def _require_reply_staff_in(uow: UnitOfWork, principal: Principal, store_id: str) -> None:
    """Replying needs the `orders` or the `products` permission."""
    try:
        stores.require_staff_in(uow, principal, store_id, Permission.ORDERS)
    except PermissionMissing:
        stores.require_staff_in(uow, principal, store_id, Permission.PRODUCTS)


def reply(rt: Runtime, principal: Principal, store_id: str, review_id: str, text: str) -> ReviewView:
    """The store answers a review of its goods once (another store's review: 404); audited."""
    words = check_text(text)
    now = rt.clock.now()
    with rt.uow() as uow:
        _require_reply_staff_in(uow, principal, store_id)
        repo = ReviewRepo(uow.conn)
        review = repo.get(review_id)
        if review is None or review.store_id != store_id:
            raise ReviewNotFound(field="review_id")
        if not repo.insert_reply(review_id, principal.user_id, words, now):
            raise ReplyDuplicate(field="review_id")
        audit.record(uow, principal, "review.reply", "review", review_id, {"store_id": store_id}, now)
        updated = repo.get(review_id)
        uow.commit()
    assert updated is not None
    return updated


def vote_helpful(rt: Runtime, principal: Principal, review_id: str) -> ReviewView:
    """A consumer finds someone else's review helpful, once. A review's first vote asks the credit rating to
    rescore its author (helpful reviews are one of its facts)."""
    now = rt.clock.now()
    with rt.uow() as uow:
        repo = ReviewRepo(uow.conn)
        review = repo.get(review_id)
        if review is None:
            raise ReviewNotFound(field="review_id")
        check_vote(review.consumer_id, principal.user_id)
        count = repo.insert_vote(review_id, principal.user_id, now)
        if count is None:
            raise HelpfulVoteDuplicate(field="review_id")
        if count == 1:
            credit.request_rescore_in(uow, review.consumer_id, now, "review")
        updated = repo.get(review_id)
        uow.commit()
    assert updated is not None
    return updated

"""The pure rules of reviews and the score engines: who may review what and when, and the store service scores
(DSR) and product ratings, with Hypothesis properties (in range, a folded review changes nothing, order free)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.reviews.model import (
    NO_SCORES,
    FollowUpWindowClosed,
    HelpfulVoteOwn,
    LineFacts,
    ProductRating,
    ReviewBeforeReceipt,
    ReviewItemNotBought,
    ReviewNotFound,
    ReviewRatingInvalid,
    ReviewTextInvalid,
    ReviewWindowClosed,
    ScoredOrder,
    ServiceScores,
    StoreScores,
    StoreScoresRequired,
    check_follow_up,
    check_rating,
    check_reviewable,
    check_store_scores,
    check_text,
    check_vote,
    masked,
    product_rating,
    rating_from_totals,
    recency_weight,
    service_scores,
    store_scores_for,
)

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def line(status: str = "completed", completed_at: datetime | None = NOW - timedelta(days=1),
         consumer: str = "c1") -> LineFacts:
    return LineFacts("o1", "l1", "p1", "s1", consumer, status, completed_at)


# --- rules --------------------------------------------------------------------------------------------------------

def test_the_buyer_may_review_a_received_line_inside_its_window() -> None:
    assert check_reviewable(line(), "c1", NOW) == line()


def test_the_window_is_open_for_exactly_fifteen_days_after_receipt() -> None:
    assert check_reviewable(line(completed_at=NOW - timedelta(days=15) + timedelta(seconds=1)), "c1", NOW).order_id \
        == "o1"
    with pytest.raises(ReviewWindowClosed):
        check_reviewable(line(completed_at=NOW - timedelta(days=15)), "c1", NOW)


@pytest.mark.parametrize("status", ["pending_payment", "paid", "shipped"])
def test_a_line_not_yet_received_is_refused_before_receipt(status: str) -> None:
    with pytest.raises(ReviewBeforeReceipt):
        check_reviewable(line(status=status, completed_at=None), "c1", NOW)


def test_someone_elses_line_a_cancelled_one_or_none_is_not_bought() -> None:
    for facts in (line(consumer="c2"), line(status="cancelled", completed_at=None), None):
        with pytest.raises(ReviewItemNotBought):
            check_reviewable(facts, "c1", NOW)


@pytest.mark.parametrize("rating", [0, 6, -1, True])
def test_a_rating_outside_one_to_five_is_refused(rating: int) -> None:
    with pytest.raises(ReviewRatingInvalid):
        check_rating(rating)


def test_ratings_one_to_five_pass() -> None:
    assert [check_rating(n) for n in range(1, 6)] == [1, 2, 3, 4, 5]


def test_texts_are_trimmed_and_bounded() -> None:
    assert check_text("  ok  ") == "ok"
    assert check_text("x" * 500) == "x" * 500
    for bad in ("", " a ", "x" * 501):
        with pytest.raises(ReviewTextInvalid):
            check_text(bad)


def test_the_orders_first_review_must_score_the_store_and_later_ones_do_not() -> None:
    with pytest.raises(StoreScoresRequired):
        store_scores_for(False, None)
    assert store_scores_for(False, StoreScores(5, 4, 3)) == StoreScores(5, 4, 3)
    assert store_scores_for(True, StoreScores(1, 1, 1)) is None


def test_a_store_score_outside_one_to_five_names_its_field() -> None:
    with pytest.raises(ReviewRatingInvalid) as refused:
        check_store_scores(StoreScores(5, 6, 3))
    assert refused.value.params == {"field": "service"}


def test_a_follow_up_is_the_reviewers_own_within_180_days() -> None:
    check_follow_up("c1", "c1", NOW - timedelta(days=180), NOW)
    with pytest.raises(FollowUpWindowClosed):
        check_follow_up("c1", "c1", NOW - timedelta(days=180, seconds=1), NOW)
    with pytest.raises(ReviewNotFound):
        check_follow_up("c1", "c2", NOW, NOW)


def test_nobody_votes_for_their_own_review() -> None:
    check_vote("c1", "c2")
    with pytest.raises(HelpfulVoteOwn):
        check_vote("c1", "c1")


def test_public_names_are_masked() -> None:
    assert [masked("Wang Fang"), masked(" "), masked("李")] == ["W***", "***", "李***"]


# --- scores -------------------------------------------------------------------------------------------------------

def scored(days_ago: float, d: int, s: int, lg: int, folded: bool = False, order: str = "o") -> ScoredOrder:
    return ScoredOrder(order, NOW - timedelta(days=days_ago), StoreScores(d, s, lg), folded)


def test_recency_weights_fall_by_one_per_day_and_leave_at_180() -> None:
    assert [recency_weight(NOW - timedelta(days=d), NOW) for d in (0, 0.9, 1, 179, 180, 400)] == \
        [180, 180, 179, 1, 0, 0]
    assert recency_weight(NOW + timedelta(days=3), NOW) == 180


def test_dsr_is_the_recency_weighted_average_in_hundredths() -> None:
    # today (weight 180) 5/4/3 and 90 days ago (weight 90) 2/2/2: description (900 + 180) / 270 = 4.00
    scores = service_scores([scored(0, 5, 4, 3), scored(90, 2, 2, 2)], NOW)
    assert scores == ServiceScores(400, 333, 267, 2)
    assert scores.overall == 333


def test_rounding_is_half_up() -> None:
    # weights 180 and 180: (5 + 4) / 2 = 4.5 stars -> 450; (4 + 3) -> 350; 3 sets: 5,5,4 -> 4.6667 -> 467
    assert service_scores([scored(0, 5, 4, 5), scored(0, 4, 3, 5)], NOW).description == 450
    assert service_scores([scored(0, 5, 5, 5), scored(0, 5, 5, 5), scored(0, 4, 4, 4)], NOW).service == 467


def test_folded_and_expired_sets_count_nothing() -> None:
    assert service_scores([scored(0, 1, 1, 1, folded=True), scored(200, 1, 1, 1)], NOW) == NO_SCORES
    assert NO_SCORES.overall is None


def test_product_rating_skips_folded_reviews() -> None:
    assert product_rating([(5, False), (4, False), (1, True)]) == ProductRating(450, 2)
    assert product_rating([(1, True)]) == ProductRating(None, 0)
    assert rating_from_totals(14, 3) == ProductRating(467, 3)


stars = st.integers(1, 5)
orders = st.lists(st.builds(ScoredOrder, st.text(max_size=3), st.integers(-5, 400).map(
    lambda d: NOW - timedelta(days=d)), st.builds(StoreScores, stars, stars, stars), st.booleans()), max_size=30)


@given(orders)
def test_dsr_figures_stay_within_one_and_five_stars(sets: list[ScoredOrder]) -> None:
    scores = service_scores(sets, NOW)
    for value in (scores.description, scores.service, scores.logistics, scores.overall):
        assert value is None or 100 <= value <= 500


@given(orders, st.builds(ScoredOrder, st.just("x"), st.just(NOW), st.builds(StoreScores, stars, stars, stars),
                         st.just(True)))
def test_a_folded_set_changes_nothing(sets: list[ScoredOrder], folded: ScoredOrder) -> None:
    assert service_scores([*sets, folded], NOW) == service_scores(sets, NOW)


@given(orders, st.randoms(use_true_random=False))
def test_dsr_does_not_depend_on_order(sets: list[ScoredOrder], rnd: object) -> None:
    shuffled = list(sets)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert service_scores(shuffled, NOW) == service_scores(sets, NOW)


reviews_st = st.lists(st.tuples(stars, st.booleans()), max_size=40)


@given(reviews_st)
def test_product_rating_stays_within_one_and_five_stars(reviews: list[tuple[int, bool]]) -> None:
    result = product_rating(reviews)
    assert result.count == sum(1 for _, folded in reviews if not folded)
    assert (result.rating is None) == (result.count == 0)
    assert result.rating is None or 100 <= result.rating <= 500


@given(reviews_st, stars, st.randoms(use_true_random=False))
def test_product_rating_ignores_folded_ones_and_order(reviews: list[tuple[int, bool]], star: int,
                                                       rnd: object) -> None:
    shuffled = list(reviews)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert product_rating([*shuffled, (star, True)]) == product_rating(reviews)

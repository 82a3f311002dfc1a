"""Reviews on both databases: the buyer rates a received item within its window, scores the store once per order,
follows up, the store replies, others vote helpful; the default rating when the window closes unused; the scores
kept on products, stores and the search index; the operator's fold. Every refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from reviews_helpers import GOOD, buy, jobs_run, review, snapshot

from catalog.catalog_helpers import add_staff
from mercato.audit.tables import audit_log
from mercato.catalog import service as catalog
from mercato.credit import service as credit
from mercato.kernel.errors import EntityNotFound
from mercato.kernel.jobs import jobs
from mercato.kernel.runtime import Runtime
from mercato.reviews import service as reviews
from mercato.reviews.model import (
    REVIEW_WINDOW,
    FollowUpDuplicate,
    FollowUpWindowClosed,
    HelpfulVoteDuplicate,
    HelpfulVoteOwn,
    ReplyDuplicate,
    ReviewBeforeReceipt,
    ReviewCreditFacts,
    ReviewDuplicate,
    ReviewItemNotBought,
    ReviewNotFound,
    ReviewRatingInvalid,
    ReviewTextInvalid,
    ReviewWindowClosed,
    ServiceScores,
    StoreScores,
    StoreScoresRequired,
)
from mercato.search.tables import search_documents
from mercato.stores import service as stores
from mercato.stores.errors import PermissionMissing
from support import person
from trade.trade_helpers import World


def doc_scores(rt: Runtime, product_id: str) -> tuple[int | None, int | None]:
    with rt.uow(read_only=True) as uow:
        row = uow.conn.execute(sa.select(search_documents.c.rating, search_documents.c.service_score)
                               .where(search_documents.c.product_id == product_id)).one()
    return row.rating, row.service_score


def rating_of(rt: Runtime, product_id: str) -> tuple[int | None, int]:
    with rt.uow(read_only=True) as uow:
        return catalog.ratings_in(uow, [product_id])[product_id]


def dsr_of(rt: Runtime, store_id: str) -> tuple[int | None, int | None, int | None]:
    with rt.uow(read_only=True) as uow:
        s = stores.service_scores_in(uow, [store_id])[store_id]
    return s.description, s.service, s.logistics


def test_the_job_kind_trade_books_matches_the_review_window() -> None:
    from mercato.trade._reviews import REVIEW_WINDOW as TRADE_WINDOW
    assert TRADE_WINDOW == REVIEW_WINDOW
    assert reviews.DEFAULT_REVIEWS_JOB in reviews.JOB_HANDLERS


# --- submitting ---------------------------------------------------------------------------------------------------

def test_a_buyer_rates_a_received_item_and_the_scores_follow(rt: Runtime, world: World) -> None:
    bought = buy(rt, world)
    made = review(rt, world.buyer, bought, rating=4, text="  Fresh and fragrant  ")
    assert (made.rating, made.text, made.store_scores, made.is_default, made.folded, made.helpful_count) == \
        (4, "Fresh and fragrant", GOOD, False, False, 0)
    assert (made.order_id, made.order_line_id, made.product_id, made.store_id, made.consumer_id) == \
        (bought.order_id, bought.line_ids[0], bought.product_ids[0], bought.store_id, world.buyer.user_id)
    assert rating_of(rt, bought.product_ids[0]) == (400, 1)
    assert dsr_of(rt, bought.store_id) == (None, None, None)  # the store's scores follow through a job
    jobs_run(rt)
    assert dsr_of(rt, bought.store_id) == (500, 400, 300)
    assert doc_scores(rt, bought.product_ids[0]) == (400, 400)
    assert reviews.store_ratings(rt, bought.store_id) == ServiceScores(500, 400, 300)


def test_the_orders_later_reviews_do_not_score_the_store_again(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, "farm", skus=(0, 1))
    with pytest.raises(StoreScoresRequired):
        review(rt, world.buyer, bought, 0, scores=None)
    first = review(rt, world.buyer, bought, 0, rating=5)
    second = review(rt, world.buyer, bought, 1, rating=2, scores=StoreScores(1, 1, 1))
    assert (first.store_scores, second.store_scores) == (GOOD, None)
    jobs_run(rt)
    assert dsr_of(rt, bought.store_id) == (500, 400, 300)
    assert rating_of(rt, bought.product_ids[0]) == (350, 2)  # two SKUs of one product: (5 + 2) / 2


def test_reviewing_someone_elses_item_is_refused_and_changes_nothing(rt: Runtime, world: World) -> None:
    bought = buy(rt, world)
    stranger = person(rt, "stranger@example.com")
    before = snapshot(rt)
    with pytest.raises(ReviewItemNotBought) as refused:
        review(rt, stranger, bought)
    assert refused.value.code == "review_item_not_bought"
    with pytest.raises(ReviewItemNotBought):  # a line of another order under the buyer's own order number
        other = buy(rt, world, "farm")
        before = snapshot(rt)
        reviews.submit_review(rt, world.buyer, bought.order_no, other.line_ids[0], 5, "Great", GOOD)
    with pytest.raises(ReviewItemNotBought):
        reviews.submit_review(rt, world.buyer, "not-an-order", bought.line_ids[0], 5, "Great", GOOD)
    assert snapshot(rt) == before


def test_reviewing_twice_is_refused_and_changes_nothing(rt: Runtime, world: World) -> None:
    bought = buy(rt, world)
    review(rt, world.buyer, bought)
    before = snapshot(rt)
    with pytest.raises(ReviewDuplicate) as refused:
        review(rt, world.buyer, bought, rating=1, text="Changed my mind")
    assert refused.value.code == "review_duplicate"
    assert snapshot(rt) == before


@pytest.mark.parametrize("rating", [0, 6])
def test_a_rating_outside_one_to_five_is_refused_and_changes_nothing(rt: Runtime, world: World,
                                                                        rating: int) -> None:
    bought = buy(rt, world)
    before = snapshot(rt)
    with pytest.raises(ReviewRatingInvalid) as refused:
        review(rt, world.buyer, bought, rating=rating)
    assert refused.value.code == "review_rating_invalid"
    with pytest.raises(ReviewRatingInvalid):
        review(rt, world.buyer, bought, scores=StoreScores(5, 0, 5))
    with pytest.raises(ReviewTextInvalid):
        review(rt, world.buyer, bought, text=" ")
    assert snapshot(rt) == before


def test_reviewing_after_the_window_is_refused_and_changes_nothing(rt: Runtime, world: World) -> None:
    bought = buy(rt, world)
    rt.clock.advance(REVIEW_WINDOW)  # type: ignore[attr-defined]
    before = snapshot(rt)
    with pytest.raises(ReviewWindowClosed) as refused:
        review(rt, world.buyer, bought)
    assert refused.value.code == "review_window_closed"
    assert snapshot(rt) == before


@pytest.mark.parametrize("ship", [False, True])
def test_reviewing_before_receipt_is_refused_and_changes_nothing(rt: Runtime, world: World, ship: bool) -> None:
    bought = buy(rt, world, receive=False, ship=ship)
    before = snapshot(rt)
    with pytest.raises(ReviewBeforeReceipt) as refused:
        review(rt, world.buyer, bought)
    assert refused.value.code == "review_before_receipt"
    assert snapshot(rt) == before


# --- the default rating -------------------------------------------------------------------------------------------

def test_lines_left_unrated_get_the_default_positive_rating_when_the_window_closes(rt: Runtime,
                                                                                 world: World) -> None:
    bought = buy(rt, world, "farm", skus=(0, 1))
    review(rt, world.buyer, bought, 0, rating=2)
    jobs_run(rt, REVIEW_WINDOW - timedelta(seconds=1))
    assert rating_of(rt, bought.product_ids[1]) == (200, 1)  # both lines are SKUs of one product
    jobs_run(rt, timedelta(seconds=1))
    page = reviews.my_reviews(rt, world.buyer)
    by_line = {v.order_line_id: v for v in page.items}
    assert (by_line[bought.line_ids[0]].rating, by_line[bought.line_ids[0]].is_default) == (2, False)
    default = by_line[bought.line_ids[1]]
    assert (default.rating, default.text, default.is_default, default.store_scores) == (5, "", True, None)
    assert rating_of(rt, bought.product_ids[1]) == (350, 2)
    assert dsr_of(rt, bought.store_id) == (500, 400, 300)  # the default rating gives the store no scores


def test_the_default_rating_job_run_twice_rates_once(rt: Runtime, world: World) -> None:
    bought = buy(rt, world)
    rt.clock.advance(REVIEW_WINDOW + timedelta(seconds=1))  # type: ignore[attr-defined]
    for _ in range(2):
        reviews.default_ratings_job(rt, {"order_id": bought.order_id})
    assert len(reviews.my_reviews(rt, world.buyer).items) == 1
    assert rating_of(rt, bought.product_ids[0]) == (500, 1)


# --- follow-ups, replies, votes -----------------------------------------------------------------------------------

def test_the_reviewer_follows_up_once_within_180_days(rt: Runtime, world: World) -> None:
    bought = buy(rt, world)
    made = review(rt, world.buyer, bought)
    with pytest.raises(ReviewNotFound):
        reviews.add_follow_up(rt, world.shops["tea"].owner, made.id, "Not mine")
    followed = reviews.add_follow_up(rt, world.buyer, made.id, "Still good a month later")
    assert followed.follow_up is not None and followed.follow_up.text == "Still good a month later"
    before = snapshot(rt)
    with pytest.raises(FollowUpDuplicate):
        reviews.add_follow_up(rt, world.buyer, made.id, "Again")
    assert snapshot(rt) == before


def test_a_follow_up_after_180_days_is_refused(rt: Runtime, world: World) -> None:
    made = review(rt, world.buyer, buy(rt, world))
    rt.clock.advance(timedelta(days=181))  # type: ignore[attr-defined]
    with pytest.raises(FollowUpWindowClosed):
        reviews.add_follow_up(rt, world.buyer, made.id, "Late words")


def test_the_store_replies_once_and_the_reply_is_audited(rt: Runtime, world: World) -> None:
    bought = buy(rt, world)
    made = review(rt, world.buyer, bought)
    tea = world.shops["tea"]
    replied = reviews.reply(rt, tea.owner, tea.store_id, made.id, "Thank you!")
    assert replied.reply is not None and replied.reply.text == "Thank you!"
    with rt.uow(read_only=True) as uow:
        actions = uow.conn.execute(sa.select(audit_log.c.action, audit_log.c.target_id)
                                   .where(audit_log.c.action == "review.reply")).all()
    assert [tuple(a) for a in actions] == [("review.reply", made.id)]
    before = snapshot(rt)
    with pytest.raises(ReplyDuplicate):
        reviews.reply(rt, tea.owner, tea.store_id, made.id, "Again")
    nike = world.shops["nike"]
    with pytest.raises(ReviewNotFound):  # another store's review is hidden
        reviews.reply(rt, nike.owner, nike.store_id, made.id, "Hello")
    with pytest.raises(EntityNotFound):
        reviews.reply(rt, nike.owner, tea.store_id, made.id, "Hello")
    assert snapshot(rt) == before


def test_staff_reply_with_the_orders_or_products_permission_only(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    made = review(rt, world.buyer, buy(rt, world))
    clerk = person(rt, "clerk@example.com")
    add_staff(rt, tea.store_id, clerk, "stock")
    with pytest.raises(PermissionMissing):
        reviews.reply(rt, clerk, tea.store_id, made.id, "Hi there")
    seller = person(rt, "seller@example.com")
    add_staff(rt, tea.store_id, seller, "products")
    assert reviews.reply(rt, seller, tea.store_id, made.id, "Hi there").reply is not None


def test_helpful_votes_count_once_and_the_first_asks_credit_to_rescore(rt: Runtime, world: World) -> None:
    made = review(rt, world.buyer, buy(rt, world))
    voters = [person(rt, f"voter{i}@example.com") for i in range(2)]
    rt.clock.advance(timedelta(seconds=5))  # type: ignore[attr-defined]  # credit keys its requests by second
    assert reviews.vote_helpful(rt, voters[0], made.id).helpful_count == 1
    assert reviews.vote_helpful(rt, voters[1], made.id).helpful_count == 2
    with rt.uow(read_only=True) as uow:
        rescores = uow.conn.execute(sa.select(jobs.c.payload).where(jobs.c.kind == credit.RESCORE_JOB)).scalars()
        asked = [p for p in rescores if p.get("reason") == "review"]
        assert asked == [{"consumer_id": world.buyer.user_id, "reason": "review"}]
        assert reviews.credit_facts_in(uow, world.buyer.user_id) == ReviewCreditFacts(helpful_reviews=1)
    before = snapshot(rt)
    with pytest.raises(HelpfulVoteDuplicate):
        reviews.vote_helpful(rt, voters[0], made.id)
    with pytest.raises(HelpfulVoteOwn):
        reviews.vote_helpful(rt, world.buyer, made.id)
    with pytest.raises(ReviewNotFound):
        reviews.vote_helpful(rt, voters[0], "0" * 26)
    assert snapshot(rt) == before


# --- folding and the rolling window -------------------------------------------------------------------------------

def test_a_folded_review_stays_listed_but_leaves_every_score_until_unfolded(rt: Runtime, world: World) -> None:
    first = buy(rt, world)
    low = review(rt, world.buyer, first, rating=1, scores=StoreScores(1, 1, 1))
    second = buy(rt, world)
    review(rt, world.buyer, second, rating=5, scores=StoreScores(5, 5, 5))
    jobs_run(rt)
    assert rating_of(rt, first.product_ids[0]) == (300, 2)
    assert dsr_of(rt, first.store_id) == (300, 300, 300)
    with rt.uow() as uow:
        reviews.fold_review_in(uow, low.id, True, rt.clock.now())
        uow.commit()
    jobs_run(rt)
    assert rating_of(rt, first.product_ids[0]) == (500, 1)
    assert dsr_of(rt, first.store_id) == (500, 500, 500)
    assert doc_scores(rt, first.product_ids[0]) == (500, 500)
    listed = reviews.product_reviews(rt, first.product_ids[0]).page.items
    assert [(v.rating, v.folded) for v in listed] == [(5, False), (1, True)]
    with rt.uow() as uow:
        reviews.fold_review_in(uow, low.id, False, rt.clock.now())
        uow.commit()
    jobs_run(rt)
    assert rating_of(rt, first.product_ids[0]) == (300, 2)
    assert dsr_of(rt, first.store_id) == (300, 300, 300)


def test_folding_an_unknown_review_is_refused(rt: Runtime) -> None:
    with rt.uow() as uow, pytest.raises(ReviewNotFound):
        reviews.fold_review_in(uow, "0" * 26, True, rt.clock.now())


def test_store_scores_drift_daily_and_leave_after_180_days(rt: Runtime, world: World) -> None:
    bought = buy(rt, world)
    review(rt, world.buyer, bought)
    jobs_run(rt)
    assert dsr_of(rt, bought.store_id) == (500, 400, 300)
    for _ in range(181):
        jobs_run(rt, timedelta(days=1))
    assert dsr_of(rt, bought.store_id) == (None, None, None)
    with rt.uow(read_only=True) as uow:
        queued = uow.conn.execute(sa.select(sa.func.count()).where(
            jobs.c.kind == reviews.STORE_SCORES_JOB, jobs.c.status == "queued")).scalar_one()
    assert queued == 0  # the daily chain stops once the window is empty


# --- reading ------------------------------------------------------------------------------------------------------

def test_product_reviews_page_newest_first_with_masked_names(rt: Runtime, world: World) -> None:
    made = [review(rt, world.buyer, buy(rt, world), rating=r, text=f"Review {r}") for r in (3, 4, 5)]
    first = reviews.product_reviews(rt, made[0].product_id, limit=2, viewer=world.buyer)
    assert [v.rating for v in first.page.items] == [5, 4]
    assert {v.reviewer_name for v in first.page.items} == {"B***"}
    assert first.rating.count == 3 and first.store_id == world.shops["tea"].store_id
    rest = reviews.product_reviews(rt, made[0].product_id, cursor=first.page.next_cursor, limit=2)
    assert [v.rating for v in rest.page.items] == [3] and rest.page.next_cursor is None


def test_the_merchant_lists_the_reviews_of_its_store_only(rt: Runtime, world: World) -> None:
    made = review(rt, world.buyer, buy(rt, world))
    tea, nike = world.shops["tea"], world.shops["nike"]
    assert [v.id for v in reviews.store_reviews(rt, tea.owner, tea.store_id).items] == [made.id]
    assert reviews.store_reviews(rt, nike.owner, nike.store_id).items == []
    with pytest.raises(EntityNotFound):
        reviews.store_reviews(rt, nike.owner, tea.store_id)


def test_a_reviewer_under_a_sanction_is_refused_until_it_ends(rt: Runtime, world: World) -> None:
    from mercato.reviews import abuse_service
    from mercato.reviews.model.abuse_views import ReviewerBarred

    bought = buy(rt, world)
    sanction = abuse_service.sanction_reviewer(rt, world.operator, world.buyer.user_id,
                                               rt.clock.now() + timedelta(days=3), "Coordinated bad reviews")
    before = snapshot(rt)
    with pytest.raises(ReviewerBarred) as refused:
        review(rt, world.buyer, bought)
    assert refused.value.code == "reviewer_barred"
    assert snapshot(rt) == before
    assert sanction.consumer_id == world.buyer.user_id
    rt.clock.advance(timedelta(days=3, seconds=1))  # type: ignore[attr-defined]  # still inside the 15 days
    assert review(rt, world.buyer, bought).rating == 4

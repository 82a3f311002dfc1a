"""Review-abuse use cases on a real database: the scoring pass and its job, merchants' flagged reviews and reports,
the operator's fold, unfold, sanction and lift, each audited, and the refusals that change nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from mercato.kernel.errors import AccessDenied, EntityNotFound
from mercato.kernel.idgen import new_id
from mercato.kernel.jobs import jobs, run_due
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.reviews import abuse_service as abuse
from mercato.reviews import service as reviews
from mercato.reviews.model.abuse_views import (
    ReviewAlreadyReported,
    ReviewerAlreadySanctioned,
    ReviewerNotSanctioned,
    ReviewFoldUnchanged,
    SanctionInvalid,
)
from mercato.reviews.model.scores import ProductRating
from mercato.wiring import job_handlers
from reviews.reviews_helpers import buy, review
from support import person
from trade.trade_helpers import World

DAY = timedelta(days=1)
GANG = 6


def add_review(rt: Runtime, consumer_id: str, store_id: str, rating: int, at: datetime, text: str = "") -> str:
    """A review row as the reviews capability writes it (the pass reads rows; the buying path is tested there)."""
    review_id = new_id()
    with rt.uow() as uow:
        uow.conn.execute(sa.text(
            "INSERT INTO reviews (id, order_id, order_line_id, product_id, store_id, consumer_id, rating, text, "
            "is_default, folded, helpful_count, created_at) VALUES (:id, :order, :line, :product, :store, :who, "
            ":rating, :text, :no, :no, 0, :at)"),
            {"id": review_id, "order": new_id(), "line": new_id(), "product": f"p-{store_id}"[:26],
             "store": store_id, "who": consumer_id, "rating": rating, "text": text or f"{rating} stars", "no": False,
             "at": at})
        uow.commit()
    return review_id


def gang_attack(rt: Runtime, world: World) -> dict[str, Any]:
    """Six fresh accounts one-star the same four stores within a day (the tea shop among them), each also giving
    one five-star review elsewhere; twelve honest shoppers review around the platform over two months."""
    now = rt.clock.now()
    targets = [world.shops["tea"].store_id, "store-b", "store-c", "store-d"]
    gang = [person(rt, f"gang{i}@example.com") for i in range(GANG)]
    negative, positive = [], []
    for i, member in enumerate(gang):
        for j, store in enumerate(targets):
            negative.append(add_review(rt, member.user_id, store, 1, now - DAY + timedelta(hours=i + j)))
        positive.append(add_review(rt, member.user_id, f"store-x{i}", 5, now - 2 * DAY))
    honest = [person(rt, f"honest{i}@example.com") for i in range(12)]
    for i, shopper in enumerate(honest):
        for k in range(2):
            add_review(rt, shopper.user_id, f"store-h{(i + k) % 7}", 4 + k % 2, now - (5 * i + k + 1) * DAY)
    return {"gang": gang, "honest": honest, "negative": negative, "positive": positive, "targets": targets}


def table(rt: Runtime, name: str) -> list[tuple[str, ...]]:
    with rt.uow(read_only=True) as uow:
        return sorted(tuple(str(v) for v in row) for row in uow.conn.execute(sa.text(f"SELECT * FROM {name}")))


def state(rt: Runtime) -> dict[str, Any]:
    """Every abuse row, the reviews, the audit log and the jobs: what a refusal must leave alone."""
    return {name: table(rt, name) for name in ("reviewer_risks", "review_flags", "review_reports",
                                               "reviewer_sanctions", "reviews", "audit_log", "jobs")}


def audited(rt: Runtime, action: str) -> list[tuple[str, str]]:
    with rt.uow(read_only=True) as uow:
        return [(row.target_type, row.target_id) for row in uow.conn.execute(sa.text(
            "SELECT target_type, target_id FROM audit_log WHERE action = :a ORDER BY at, id"), {"a": action})]


def rescores(rt: Runtime, consumer_id: str) -> int:
    with rt.uow(read_only=True) as uow:
        return int(uow.conn.execute(sa.text(
            "SELECT count(*) FROM jobs WHERE kind = 'credit.rescore' AND key LIKE :k"),
            {"k": f"credit.rescore:{consumer_id}:%"}).scalar_one())


def ids(people: Sequence[Principal]) -> list[str]:
    return sorted(p.user_id for p in people)


def test_a_scoring_pass_flags_the_coordinated_gang_and_only_their_negative_reviews(rt: Runtime, world: World) -> None:
    attack = gang_attack(rt, world)
    with rt.uow() as uow:
        summary = abuse.score_reviewers_in(uow, rt.clock.now())
        uow.commit()
    assert (summary.reviewers, summary.flagged_reviewers, summary.flagged_reviews) == (18, 6, 24)
    with rt.uow(read_only=True) as uow:
        risks = abuse.AbuseRepo(uow.conn).risks_of(ids(attack["gang"] + attack["honest"]))
    assert sorted(c for c, r in risks.items() if r.flagged) == ids(attack["gang"])
    codes = [reason["code"] for reason in risks[attack["gang"][0].user_id].reasons]
    assert codes == ["coordinated_group", "new_account", "thin_history", "quiet_stores"], codes
    assert sorted(row[0] for row in table(rt, "review_flags")) == sorted(attack["negative"])


def test_the_periodic_job_books_its_next_slot_and_a_rerun_stores_the_same(rt: Runtime, world: World) -> None:
    gang_attack(rt, world)
    with rt.uow() as uow:
        abuse.schedule_scoring_in(uow, rt.clock.now())  # 10:00 -> the 12:00 slot
        uow.commit()
    rt.clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]
    assert run_due(rt, job_handlers(), "test-worker") >= 1
    first = (table(rt, "reviewer_risks"), table(rt, "review_flags"))
    with rt.uow(read_only=True) as uow:
        keys = sorted(k for (k,) in uow.conn.execute(sa.text(
            "SELECT key FROM jobs WHERE kind = 'reviews.score_reviewers' AND status = 'queued'")))
    assert keys == ["reviews.score_reviewers:2026-11-11T18:00:00+00:00"]
    with rt.uow() as uow:
        abuse.score_reviewers_in(uow, rt.clock.now())
        uow.commit()
    assert (table(rt, "reviewer_risks"), table(rt, "review_flags")) == first


def test_an_operator_queues_a_manual_pass_and_it_is_audited(rt: Runtime, world: World) -> None:
    attack = gang_attack(rt, world)
    abuse.request_scoring(rt, world.operator)
    assert run_due(rt, job_handlers(), "test-worker") >= 1
    assert audited(rt, "review_abuse.score") == [("review_abuse", "pass")]
    assert sorted(row[0] for row in table(rt, "review_flags")) == sorted(attack["negative"])


def test_a_merchant_sees_the_flagged_reviews_of_their_store_only(rt: Runtime, world: World) -> None:
    attack = gang_attack(rt, world)
    with rt.uow() as uow:
        abuse.score_reviewers_in(uow, rt.clock.now())
        uow.commit()
    tea = world.shops["tea"]
    seen = abuse.flagged_reviews(rt, tea.owner, tea.store_id)
    assert sorted(r.review_id for r in seen) == sorted(attack["negative"][0::4])
    assert all(r.flagged and r.rating == 1 and r.score is not None and r.score >= 0.5 for r in seen)
    assert abuse.flagged_reviews(rt, world.shops["farm"].owner, world.shops["farm"].store_id) == []
    with pytest.raises(EntityNotFound):
        abuse.flagged_reviews(rt, world.shops["farm"].owner, tea.store_id)


def test_a_merchant_reports_a_review_once_and_the_second_report_changes_nothing(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    someone = person(rt, "critic@example.com")
    review_id = add_review(rt, someone.user_id, tea.store_id, 1, rt.clock.now(), "Refund me or I post more")
    report = abuse.report_review(rt, tea.owner, tea.store_id, review_id, "extortion", "asked for 200 yuan")
    assert (report.review_id, report.store_id, report.reason.value, report.note) == (
        review_id, tea.store_id, "extortion", "asked for 200 yuan")
    assert audited(rt, "review.report") == [("review", review_id)]
    before = state(rt)
    with pytest.raises(ReviewAlreadyReported):
        abuse.report_review(rt, tea.owner, tea.store_id, review_id, "abusive")
    assert state(rt) == before
    listed = abuse.flagged_reviews(rt, tea.owner, tea.store_id)
    assert [(r.review_id, r.flagged, [x.reason.value for x in r.reports]) for r in listed] == [
        (review_id, False, ["extortion"])]


def test_reporting_another_stores_review_is_not_found_and_changes_nothing(rt: Runtime, world: World) -> None:
    someone = person(rt, "critic@example.com")
    review_id = add_review(rt, someone.user_id, world.shops["farm"].store_id, 1, rt.clock.now())
    tea = world.shops["tea"]
    before = state(rt)
    with pytest.raises(EntityNotFound):
        abuse.report_review(rt, tea.owner, tea.store_id, review_id, "abusive")
    with pytest.raises(EntityNotFound):  # a stranger to the store
        abuse.report_review(rt, world.buyer, world.shops["farm"].store_id, review_id, "abusive")
    assert state(rt) == before


def test_the_queue_lists_flagged_and_reported_reviews_with_the_reviewers_risk(rt: Runtime, world: World) -> None:
    attack = gang_attack(rt, world)
    with rt.uow() as uow:
        abuse.score_reviewers_in(uow, rt.clock.now())
        uow.commit()
    honest = attack["honest"][0]
    reported = add_review(rt, honest.user_id, world.shops["tea"].store_id, 2, rt.clock.now())
    abuse.report_review(rt, world.shops["tea"].owner, world.shops["tea"].store_id, reported, "competitor")
    queue = abuse.abuse_queue(rt, world.operator)
    assert sorted(item.review.review_id for item in queue) == sorted(attack["negative"] + [reported])
    assert queue[0].review.review_id == reported and queue[0].risk is not None and not queue[0].risk.flagged
    gang_item = next(item for item in queue if item.review.consumer_id == attack["gang"][0].user_id)
    assert gang_item.risk is not None and gang_item.risk.flagged and gang_item.sanction is None
    with pytest.raises(AccessDenied):
        abuse.abuse_queue(rt, world.buyer)


def test_folding_takes_a_real_review_out_of_the_product_rating_and_unfolding_puts_it_back(rt: Runtime,
                                                                                          world: World) -> None:
    bought = buy(rt, world)
    written = review(rt, world.buyer, bought, rating=1, text="Terrible, refund me")
    product = bought.product_ids[0]
    assert reviews.product_reviews(rt, product).rating == ProductRating(100, 1)
    abuse.fold_review(rt, world.operator, written.id)
    shown = reviews.product_reviews(rt, product)
    assert (shown.rating, [r.folded for r in shown.page.items]) == (ProductRating(None, 0), [True])
    before = state(rt)
    with pytest.raises(ReviewFoldUnchanged):
        abuse.fold_review(rt, world.operator, written.id)
    assert state(rt) == before
    abuse.unfold_review(rt, world.operator, written.id)
    shown = reviews.product_reviews(rt, product)
    assert (shown.rating, [r.folded for r in shown.page.items]) == (ProductRating(100, 1), [False])
    assert audited(rt, "review.fold") == audited(rt, "review.unfold") == [("review", written.id)]
    with pytest.raises(AccessDenied):
        abuse.fold_review(rt, world.buyer, written.id)


def test_a_sanction_bars_reviewing_until_its_end_counts_as_a_violation_and_asks_for_a_rescore(
        rt: Runtime, world: World) -> None:
    critic = person(rt, "critic@example.com")
    now = rt.clock.now()
    sanction = abuse.sanction_reviewer(rt, world.operator, critic.user_id, now + 30 * DAY, "extortion ring")
    assert (sanction.consumer_id, sanction.ends_at, sanction.lifted_at) == (critic.user_id, now + 30 * DAY, None)
    with rt.uow(read_only=True) as uow:
        assert abuse.is_barred_in(uow, critic.user_id, now + 29 * DAY) is True
        assert abuse.is_barred_in(uow, critic.user_id, now + 30 * DAY) is False
        assert abuse.violations_in(uow, critic.user_id) == 1
    assert audited(rt, "reviewer.sanction") == [("user", critic.user_id)]
    assert rescores(rt, critic.user_id) == 1


def test_lifting_a_sanction_undoes_it_and_is_audited(rt: Runtime, world: World) -> None:
    critic = person(rt, "critic@example.com")
    abuse.sanction_reviewer(rt, world.operator, critic.user_id, rt.clock.now() + 30 * DAY, "mistaken")
    rt.clock.advance(timedelta(seconds=5))  # type: ignore[attr-defined]
    lifted = abuse.lift_sanction(rt, world.operator, critic.user_id)
    assert lifted.lifted_at == rt.clock.now()
    with rt.uow(read_only=True) as uow:
        assert abuse.is_barred_in(uow, critic.user_id, rt.clock.now()) is False
        assert abuse.violations_in(uow, critic.user_id) == 0
    assert audited(rt, "reviewer.lift") == [("user", critic.user_id)]
    assert rescores(rt, critic.user_id) == 2
    assert [s.lifted_at for s in abuse.reviewer_sanctions(rt, world.operator, critic.user_id)] == [rt.clock.now()]


def test_a_second_sanction_a_bad_end_or_a_lift_without_sanction_is_refused_and_changes_nothing(
        rt: Runtime, world: World) -> None:
    critic = person(rt, "critic@example.com")
    now = rt.clock.now()
    before = state(rt)
    with pytest.raises(ReviewerNotSanctioned):
        abuse.lift_sanction(rt, world.operator, critic.user_id)
    with pytest.raises(SanctionInvalid):
        abuse.sanction_reviewer(rt, world.operator, critic.user_id, now - DAY, "too late")
    with pytest.raises(SanctionInvalid):
        abuse.sanction_reviewer(rt, world.operator, critic.user_id, now + DAY, "   ")
    with pytest.raises(AccessDenied):
        abuse.sanction_reviewer(rt, world.buyer, critic.user_id, now + DAY, "not an operator")
    assert state(rt) == before
    abuse.sanction_reviewer(rt, world.operator, critic.user_id, now + DAY, "first")
    before = state(rt)
    with pytest.raises(ReviewerAlreadySanctioned):
        abuse.sanction_reviewer(rt, world.operator, critic.user_id, now + 2 * DAY, "second")
    assert state(rt) == before


def test_a_bad_review_followed_by_a_refund_request_is_a_reason_the_pass_reads_from_aftersales(
        rt: Runtime, world: World) -> None:
    from mercato.aftersales import service as aftersales

    bought = buy(rt, world)
    review(rt, world.buyer, bought, rating=1, text="Awful, I want my money back")
    rt.clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]
    aftersales.request_refund(rt, world.buyer, order_no=bought.order_no, order_line_id=bought.line_ids[0], units=1,
                              kind="return_refund", reason="quality")
    with rt.uow() as uow:
        abuse.score_reviewers_in(uow, rt.clock.now())
        uow.commit()
    with rt.uow(read_only=True) as uow:
        risk = abuse.AbuseRepo(uow.conn).risks_of([world.buyer.user_id])[world.buyer.user_id]
    refund = next(r for r in risk.reasons if r["code"] == "refund_after_negative")
    assert refund == {"code": "refund_after_negative", "strength": 0.5,
                      "figures": {"followed": 1, "negatives": 1, "window_days": 7.0}}
    assert not risk.flagged  # one such review is not enough alone


def test_a_sanction_reaches_the_credit_facts_as_a_violation_until_it_is_lifted(rt: Runtime, world: World) -> None:
    critic = person(rt, "critic@example.com")
    abuse.sanction_reviewer(rt, world.operator, critic.user_id, rt.clock.now() + 30 * DAY, "extortion ring")
    with rt.uow(read_only=True) as uow:
        assert reviews.credit_facts_in(uow, critic.user_id).violations == 1
    abuse.lift_sanction(rt, world.operator, critic.user_id)
    with rt.uow(read_only=True) as uow:
        assert reviews.credit_facts_in(uow, critic.user_id).violations == 0


def test_the_first_review_books_the_next_scoring_pass_once(rt: Runtime, world: World) -> None:
    def booked() -> list[str]:
        with rt.uow(read_only=True) as uow:
            query = sa.select(jobs.c.key).where(jobs.c.kind == abuse.SCORE_JOB, jobs.c.status == "queued")
            return list(uow.conn.execute(query).scalars())

    assert booked() == []
    bought = buy(rt, world)
    review(rt, world.buyer, bought, rating=1, text="Arrived broken")
    first = booked()
    assert len(first) == 1
    with rt.uow() as uow:
        abuse.schedule_scoring_in(uow, rt.clock.now())  # asked again in the same slot: still one run
        uow.commit()
    assert booked() == first

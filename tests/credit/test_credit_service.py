"""The credit use cases on a real database: stored tiers earn quick-refund terms, rescore requests are durable jobs
deduplicated per consumer, the rater stores what the facts give and the nightly pass walks every consumer."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from mercato.credit import service as credit
from mercato.credit.model import CreditFacts, CreditTier, QuickRefundTerms, score, score_for_tier
from mercato.credit.rating import NIGHTLY_JOB, RESCORE_JOB, Rater
from mercato.credit.repo import CreditRepo
from mercato.kernel.clock import FixedClock
from mercato.kernel.jobs import jobs, run_due
from mercato.kernel.runtime import Runtime
from support import person


def _jobs(rt: Runtime, kind: str) -> list[tuple[str, str]]:
    with rt.uow(read_only=True) as uow:
        rows = uow.conn.execute(sa.select(jobs.c.key, jobs.c.status).where(jobs.c.kind == kind)
                                .order_by(jobs.c.key))
        return [(row.key, row.status) for row in rows]


def test_a_consumer_without_a_score_earns_no_quick_refund(rt: Runtime) -> None:
    consumer = person(rt, "new@example.com")
    with rt.uow(read_only=True) as uow:
        assert credit.quick_refund_terms_in(uow, consumer.user_id, rt.clock.now()) is None
        assert credit.score_value_in(uow, consumer.user_id) == 500


def test_a_stored_tier_earns_its_quick_refund_caps(rt: Runtime) -> None:
    great, fair = person(rt, "great@example.com"), person(rt, "fair@example.com")
    now = rt.clock.now()
    with rt.uow() as uow:
        CreditRepo(uow.conn).save(great.user_id, score_for_tier(CreditTier.GREAT), now)
        credit.store_score_in(uow, fair.user_id, score_for_tier("fair"), now)
        uow.commit()
    with rt.uow(read_only=True) as uow:
        assert credit.quick_refund_terms_in(uow, great.user_id, now) == QuickRefundTerms("great", 150_000, 300_000)
        assert credit.quick_refund_terms_in(uow, fair.user_id, now) is None
        assert credit.score_value_in(uow, great.user_id) == 700


def test_a_rated_consumer_with_a_thin_recent_history_earns_small_quick_refunds_until_the_eighth_order(
        rt: Runtime) -> None:
    consumer = person(rt, "thin@example.com")
    thin = CreditFacts(account_age_days=2_000, completed_orders_12m=7, spend_12m=105_000, largest_order_12m=30_000,
                       orders_paid=7)
    steady = CreditFacts(**{**thin.as_dict(), "completed_orders_12m": 8, "orders_paid": 8, "spend_12m": 120_000})
    now = rt.clock.now()
    with rt.uow() as uow:
        credit.store_score_in(uow, consumer.user_id, score(thin), now, thin)
        uow.commit()
    with rt.uow(read_only=True) as uow:
        assert (score(thin).tier, score(steady).tier) == (CreditTier.GOOD, CreditTier.GOOD)
        assert credit.quick_refund_terms_in(uow, consumer.user_id, now) == QuickRefundTerms("good", 20_000, 20_000)
    with rt.uow() as uow:
        credit.store_score_in(uow, consumer.user_id, score(steady), now, steady)
        uow.commit()
    with rt.uow(read_only=True) as uow:
        assert credit.quick_refund_terms_in(uow, consumer.user_id, now) == QuickRefundTerms("good", 50_000, 100_000)
        stored = CreditRepo(uow.conn).get(consumer.user_id)
        assert stored is not None and stored.facts == steady


def test_a_score_seeded_without_facts_is_stored_without_them(rt: Runtime) -> None:
    consumer = person(rt, "seeded@example.com")
    with rt.uow() as uow:
        credit.store_score_in(uow, consumer.user_id, score_for_tier("good"), rt.clock.now())
        uow.commit()
    with rt.uow(read_only=True) as uow:
        stored = CreditRepo(uow.conn).get(consumer.user_id)
        assert stored is not None and (stored.score, stored.facts) == (score_for_tier("good"), None)
        assert credit.quick_refund_terms_in(uow, consumer.user_id, rt.clock.now()) == QuickRefundTerms(
            "good", 50_000, 100_000)


def test_rescore_requests_for_one_consumer_at_one_moment_share_one_job(rt: Runtime) -> None:
    consumer = person(rt, "c@example.com")
    now = rt.clock.now()
    with rt.uow() as uow:
        credit.request_rescore_in(uow, consumer.user_id, now, "order_completed")
        credit.request_rescore_in(uow, consumer.user_id, now, "refund")
        uow.commit()
    second = now.replace(microsecond=0).isoformat()
    assert _jobs(rt, RESCORE_JOB) == [(f"{RESCORE_JOB}:{consumer.user_id}:{second}", "queued")]


def test_the_rescore_job_stores_the_score_of_the_facts_and_books_the_night(rt: Runtime, clock: FixedClock) -> None:
    consumer = person(rt, "c@example.com")
    facts = CreditFacts(account_age_days=400, completed_orders_12m=12, spend_12m=240_000, largest_order_12m=40_000,
                        orders_paid=12)
    rater = Rater(facts=lambda uow, consumer_id, now: facts)
    with rt.uow() as uow:
        credit.request_rescore_in(uow, consumer.user_id, clock.now(), "test")
        uow.commit()
    assert run_due(rt, rater.job_handlers, "test-worker") == 1
    assert run_due(rt, rater.job_handlers, "test-worker") == 0
    with rt.uow(read_only=True) as uow:
        assert credit.credit_score_in(uow, consumer.user_id) == score(facts)
    night = (clock.now() + timedelta(days=1)).date().isoformat() if clock.now().hour >= 3 else \
        clock.now().date().isoformat()
    assert _jobs(rt, NIGHTLY_JOB) == [(f"{NIGHTLY_JOB}:{night}:", "queued")]

"""The credit facts trade provides and the composition root's facts source, on a real marketplace: a completed
order is rescored by a job, an order left unpaid until the timeout counts against paying on time, and the nightly
pass walks every consumer in keyset batches and books the next night."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import sqlalchemy as sa

from mercato.credit import rating
from mercato.credit import service as credit
from mercato.credit.model import FACTS_WINDOW, CreditFacts, score
from mercato.kernel.jobs import jobs, run_due
from mercato.kernel.runtime import Runtime
from mercato.trade import service as trade
from mercato.wiring import CREDIT_RATER, job_handlers
from support import person
from trade.trade_helpers import World, build_world, capture, preview_and_place, run_jobs


def complete_one_tea_order(rt: Runtime, world: World, units: int = 2) -> str:
    trade.add_to_cart(rt, world.buyer, world.shops["tea"].skus[0], units)
    placed = preview_and_place(rt, world)
    capture(rt, placed.payment_id)
    order_no = placed.orders[0].order_no
    trade.ship_order(rt, world.shops["tea"].owner, world.shops["tea"].store_id, order_no, "SF", "SF1234567890")
    trade.confirm_receipt(rt, world.buyer, order_no)
    return order_no


def jobs_of(rt: Runtime, kind: str) -> list[tuple[str, str]]:
    with rt.uow(read_only=True) as uow:
        rows = uow.conn.execute(sa.select(jobs.c.key, jobs.c.status).where(jobs.c.kind == kind).order_by(jobs.c.key))
        return [(row.key, row.status) for row in rows]


def test_trade_counts_completed_orders_spend_and_paying_on_time(rt: Runtime) -> None:
    world = build_world(rt)
    complete_one_tea_order(rt, world)
    trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 1)
    preview_and_place(rt, world)
    run_jobs(rt, timedelta(minutes=15))  # left unpaid: the timeout cancels it
    with rt.uow(read_only=True) as uow:
        facts = trade.credit_facts_in(uow, world.buyer.user_id, rt.clock.now() - FACTS_WINDOW)
        later = trade.credit_facts_in(uow, world.buyer.user_id, rt.clock.now() + timedelta(seconds=1))
    assert facts == trade.TradeCreditFacts(completed_orders=1, spend=19_800, largest_order=19_800, orders_paid=1,
                                           orders_unpaid_timeout=1)
    assert later == trade.TradeCreditFacts(0, 0, 0, 0, 0)


def test_a_completed_order_is_rescored_by_a_job_from_the_real_facts(rt: Runtime) -> None:
    world = build_world(rt)
    complete_one_tea_order(rt, world)
    assert [status for _, status in jobs_of(rt, rating.RESCORE_JOB)] == ["queued"]
    run_jobs(rt)
    expected = CreditFacts(completed_orders_12m=1, spend_12m=19_800, largest_order_12m=19_800, orders_paid=1)
    with rt.uow(read_only=True) as uow:
        assert credit.credit_score_in(uow, world.buyer.user_id) == score(expected)
    assert [status for _, status in jobs_of(rt, rating.RESCORE_JOB)] == ["done"]


def test_an_order_left_unpaid_until_the_timeout_asks_for_a_rescore(rt: Runtime) -> None:
    world = build_world(rt)
    trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 1)
    preview_and_place(rt, world)
    run_jobs(rt, timedelta(minutes=15))
    with rt.uow(read_only=True) as uow:
        stored = credit.credit_score_in(uow, world.buyer.user_id)
    assert stored == score(CreditFacts(orders_unpaid_timeout=1))
    assert stored is not None and stored.value == 500 - 15


def test_rescoring_twice_stores_the_same_score(rt: Runtime) -> None:
    consumer = person(rt, "again@example.com")
    first = CREDIT_RATER.rescore(rt, consumer.user_id)
    rt.clock.advance(timedelta(days=400))  # type: ignore[attr-defined]
    second = CREDIT_RATER.rescore(rt, consumer.user_id)
    assert first == score(CreditFacts())
    assert second == score(CreditFacts(account_age_days=400))
    assert CREDIT_RATER.rescore(rt, consumer.user_id) == second


def test_the_nightly_pass_walks_every_consumer_in_batches_and_books_the_next_night(rt: Runtime) -> None:
    ids = sorted(person(rt, f"c{i}@example.com").user_id for i in range(5))
    rater = dataclasses.replace(CREDIT_RATER, batch=2)
    with rt.uow() as uow:
        credit.schedule_nightly_in(uow, rt.clock.now())
        uow.commit()
    night = rt.clock.now().date() + timedelta(days=1)  # the clock stands at 10:00, after tonight's 03:00
    assert jobs_of(rt, rating.NIGHTLY_JOB) == [(f"{rating.NIGHTLY_JOB}:{night.isoformat()}:", "queued")]
    rt.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    while run_due(rt, rater.job_handlers, "test-worker"):
        pass
    with rt.uow(read_only=True) as uow:
        rated = [cid for cid in ids if credit.credit_score_in(uow, cid) is not None]
    assert rated == ids
    keys = [key for key, _ in jobs_of(rt, rating.NIGHTLY_JOB)]
    following = (night + timedelta(days=1)).isoformat()
    assert keys[-1] == f"{rating.NIGHTLY_JOB}:{following}:"
    assert len([k for k in keys if k.startswith(f"{rating.NIGHTLY_JOB}:{night.isoformat()}:")]) >= 3
    assert set(job_handlers()) >= {rating.RESCORE_JOB, rating.NIGHTLY_JOB}

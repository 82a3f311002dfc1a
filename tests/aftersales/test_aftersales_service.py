"""After-sales use cases on a real database: refund only, returns, refusals and escalations, the deadline jobs,
quick refunds, and every refusal that must change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from aftersales_helpers import (
    ask,
    buy,
    ledger_ok,
    order_status,
    refunded_to,
    run_jobs,
    seed_tier,
    snapshot,
    stock_of,
)

from mercato.aftersales import service as aftersales
from mercato.aftersales.model import AftersalesCreditFacts, Status
from mercato.credit.model import terms_for
from mercato.kernel.errors import DomainError
from mercato.kernel.jobs import jobs
from mercato.kernel.runtime import Runtime
from mercato.payments import service as payments
from mercato.trade import service as trade
from support import person
from trade.trade_helpers import World, preview_and_place

TEA = 9900  # the tea shop's first SKU: 99.00 yuan, 5 in stock


def outstanding(rt: Runtime, world: World) -> int:
    with rt.uow(read_only=True) as uow:
        return payments.outstanding_advances_in(uow, consumer_id=world.buyer.user_id)


def facts(rt: Runtime, world: World) -> AftersalesCreditFacts:
    with rt.uow(read_only=True) as uow:
        return aftersales.credit_facts_in(uow, world.buyer.user_id, rt.clock.now() - timedelta(days=365))


# --- refund only ----------------------------------------------------------------------------------------------

def test_a_refund_only_agreed_before_shipment_pays_back_the_units_and_puts_them_back_on_sale(
        rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 3),))
    assert stock_of(rt, bought.sku_ids[0]) == (2, 0)
    request = ask(rt, world, bought, units=1)
    assert (request.status, request.amount, request.units, request.quick) == (Status.REQUESTED, TEA, 1, False)
    done = aftersales.agree(rt, bought.owner, bought.store_id, request.request_no)
    assert (done.status, done.refunded, done.shipping) == (Status.REFUNDED, TEA, 0)
    assert refunded_to(rt) == [(f"refund:{request.id}", TEA)]
    assert stock_of(rt, bought.sku_ids[0]) == (3, 0)
    assert order_status(rt, world, bought) == "paid"
    assert ledger_ok(rt) == []
    events = [e.note for e in aftersales.my_request(rt, world.buyer, request.request_no).events]
    assert events == ["requested", "agreed"]


def test_refunding_every_unit_before_shipment_returns_the_shipping_fee_and_cancels_the_order(
        rt: Runtime, world: World) -> None:
    shop = world.shops["farm"]
    trade.set_shipping_settings(rt, shop.owner, shop.store_id, 800, None)
    bought = buy(rt, world, "farm", units=((0, 2), (1, 1)))
    first = ask(rt, world, bought, units=2, line=0)
    second = ask(rt, world, bought, units=1, line=1, reason="ordered_by_mistake")
    aftersales.agree(rt, bought.owner, bought.store_id, first.request_no)
    assert order_status(rt, world, bought) == "paid"
    last = aftersales.agree(rt, bought.owner, bought.store_id, second.request_no)
    assert (last.refunded, last.shipping) == (700, 800)
    assert refunded_to(rt) == sorted([(f"refund:{first.id}", 2500), (f"refund:{second.id}", 700),
                                      (f"refund-shipping:{bought.order_id}", 800)])
    assert order_status(rt, world, bought) == "cancelled"
    assert ledger_ok(rt) == []


def test_a_refund_only_of_a_shipped_order_that_never_arrived_does_not_restock(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 2),), ship=True)
    request = ask(rt, world, bought, units=2, reason="not_arrived")
    aftersales.agree(rt, bought.owner, bought.store_id, request.request_no)
    assert stock_of(rt, bought.sku_ids[0]) == (3, 0)
    assert refunded_to(rt) == [(f"refund:{request.id}", 2 * TEA)]
    assert order_status(rt, world, bought) == "shipped"
    assert ledger_ok(rt) == []


# --- returns --------------------------------------------------------------------------------------------------

def test_a_return_is_agreed_shipped_back_received_and_then_refunded(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 3),), ship=True)
    request = ask(rt, world, bought, units=2, kind="return_refund", reason="damaged")
    agreed = aftersales.agree(rt, bought.owner, bought.store_id, request.request_no)
    assert agreed.status is Status.AWAITING_RETURN
    assert refunded_to(rt) == []
    shipped = aftersales.ship_back(rt, world.buyer, request.request_no, "SF Express", "SF99887766")
    assert (shipped.status, shipped.carrier, shipped.tracking_no) == (Status.SHIPPED_BACK, "SF Express", "SF99887766")
    done = aftersales.confirm_received(rt, bought.owner, bought.store_id, request.request_no)
    assert (done.status, done.refunded) == (Status.REFUNDED, 2 * TEA)
    assert refunded_to(rt) == [(f"refund:{request.id}", 2 * TEA)]
    assert stock_of(rt, bought.sku_ids[0]) == (4, 0)
    assert ledger_ok(rt) == []
    assert facts(rt, world) == AftersalesCreditFacts(1, 0, 0, 0, 0)


def test_a_return_after_settlement_comes_out_of_the_merchants_balance(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 1),), receive=True)
    with rt.uow(read_only=True) as uow:
        before = payments.balance_in(uow, bought.store_id).available
    request = ask(rt, world, bought, units=1, kind="return_refund", reason="quality")
    aftersales.agree(rt, bought.owner, bought.store_id, request.request_no)
    aftersales.ship_back(rt, world.buyer, request.request_no, "SF", "SF1111")
    aftersales.confirm_received(rt, bought.owner, bought.store_id, request.request_no)
    with rt.uow(read_only=True) as uow:
        after = payments.balance_in(uow, bought.store_id).available
    commission = trade.my_order(rt, world.buyer, bought.order_no).commission
    assert before - after == TEA - commission
    assert refunded_to(rt) == [(f"refund:{request.id}", TEA)]
    assert order_status(rt, world, bought) == "completed"
    assert ledger_ok(rt) == []


# --- refusals, escalation, decisions ----------------------------------------------------------------------------

def test_a_refused_request_escalated_and_decided_in_part_pays_the_part(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 1),), ship=True)
    request = ask(rt, world, bought, units=1, reason="not_as_described")
    refused = aftersales.refuse(rt, bought.owner, bought.store_id, request.request_no, "It is as described")
    assert (refused.status, refused.refusal) == (Status.REFUSED, "It is as described")
    aftersales.escalate(rt, world.buyer, request.request_no, "The photo shows another colour")
    assert [r.request_no for r in aftersales.disputes(rt, world.operator).items] == [request.request_no]
    decided = aftersales.decide(rt, world.operator, request.request_no, "partial", 5000)
    assert (decided.status, decided.refunded, decided.decision.value if decided.decision else None) == \
        (Status.REFUNDED, 5000, "partial")
    assert refunded_to(rt) == [(f"refund:{request.id}", 5000)]
    detail = aftersales.dispute(rt, world.operator, request.request_no)
    assert [(e.party, e.text) for e in detail.evidence] == [("merchant", "It is as described"),
                                                            ("consumer", "The photo shows another colour")]
    assert ledger_ok(rt) == []


def test_a_denied_dispute_pays_nothing_and_counts_as_lost(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 1),), ship=True)
    request = ask(rt, world, bought, units=1)
    aftersales.refuse(rt, bought.owner, bought.store_id, request.request_no, "No")
    aftersales.escalate(rt, world.buyer, request.request_no, "Please")
    denied = aftersales.decide(rt, world.operator, request.request_no, "denied")
    assert denied.status is Status.DENIED
    assert refunded_to(rt) == []
    assert facts(rt, world) == AftersalesCreditFacts(0, 0, 1, 0, 0)
    again = ask(rt, world, bought, units=1)  # the line is free again
    assert again.status is Status.REQUESTED


def test_only_an_operator_decides(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 1),), ship=True)
    request = ask(rt, world, bought)
    with pytest.raises(DomainError) as refused:
        aftersales.decide(rt, world.buyer, request.request_no, "full")
    assert refused.value.code == "access_denied"


# --- deadline jobs --------------------------------------------------------------------------------------------

def test_the_platform_agrees_when_the_merchant_does_not_answer_in_48_hours(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 1),))
    request = ask(rt, world, bought)
    run_jobs(rt, timedelta(hours=47))
    assert aftersales.my_request(rt, world.buyer, request.request_no).request.status is Status.REQUESTED
    run_jobs(rt, timedelta(hours=1))
    assert aftersales.my_request(rt, world.buyer, request.request_no).request.status is Status.REFUNDED
    assert refunded_to(rt) == [(f"refund:{request.id}", TEA)]
    assert ledger_ok(rt) == []


def test_a_return_never_shipped_back_closes_after_seven_days(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 1),), ship=True)
    request = ask(rt, world, bought, kind="return_refund")
    aftersales.agree(rt, bought.owner, bought.store_id, request.request_no)
    run_jobs(rt, timedelta(days=7))
    assert aftersales.my_request(rt, world.buyer, request.request_no).request.status is Status.CLOSED
    assert refunded_to(rt) == []
    assert facts(rt, world) == AftersalesCreditFacts(0, 0, 0, 1, 0)


def test_a_return_shipped_back_and_never_confirmed_counts_as_received_after_seven_days(
        rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 1),), ship=True)
    request = ask(rt, world, bought, kind="return_refund")
    aftersales.agree(rt, bought.owner, bought.store_id, request.request_no)
    aftersales.ship_back(rt, world.buyer, request.request_no, "SF", "SF2222")
    run_jobs(rt, timedelta(days=6))
    assert aftersales.my_request(rt, world.buyer, request.request_no).request.status is Status.SHIPPED_BACK
    run_jobs(rt, timedelta(days=1))
    assert aftersales.my_request(rt, world.buyer, request.request_no).request.status is Status.REFUNDED
    assert refunded_to(rt) == [(f"refund:{request.id}", TEA)]
    assert ledger_ok(rt) == []


def test_a_job_run_twice_pays_once(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 1),))
    request = ask(rt, world, bought)
    rt.clock.advance(timedelta(hours=49))  # type: ignore[attr-defined]
    aftersales.answer_due_job(rt, {"request_id": request.id})
    aftersales.answer_due_job(rt, {"request_id": request.id})
    assert refunded_to(rt) == [(f"refund:{request.id}", TEA)]


# --- quick refund ---------------------------------------------------------------------------------------------

def test_a_good_consumer_gets_a_quick_refund_at_once_and_the_merchant_repays_the_platform(
        rt: Runtime, world: World) -> None:
    seed_tier(rt, world.buyer, "good")
    bought = buy(rt, world, units=((0, 2),), ship=True)
    request = ask(rt, world, bought, units=1, kind="return_refund", reason="damaged")
    assert request.quick is True
    assert refunded_to(rt) == [(f"advance:{request.id}", TEA)]
    assert outstanding(rt, world) == TEA
    aftersales.agree(rt, bought.owner, bought.store_id, request.request_no)
    aftersales.ship_back(rt, world.buyer, request.request_no, "SF", "SF3333")
    aftersales.confirm_received(rt, bought.owner, bought.store_id, request.request_no)
    assert refunded_to(rt) == [(f"advance:{request.id}", TEA)]  # nothing more to the consumer
    assert outstanding(rt, world) == 0
    assert ledger_ok(rt) == []


def test_a_quick_refund_whose_return_never_arrives_is_clawed_back(rt: Runtime, world: World) -> None:
    seed_tier(rt, world.buyer, "good")
    bought = buy(rt, world, units=((0, 1),), ship=True)
    request = ask(rt, world, bought, kind="return_refund")
    aftersales.agree(rt, bought.owner, bought.store_id, request.request_no)
    run_jobs(rt, timedelta(days=7))
    assert refunded_to(rt, "clawback") == [(f"clawback:{request.id}", TEA)]
    assert outstanding(rt, world) == 0
    assert facts(rt, world) == AftersalesCreditFacts(0, 0, 0, 1, 1)
    assert ledger_ok(rt) == []


def test_no_quick_refund_beyond_the_tiers_cap_or_below_good(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 1),), ship=True)
    assert ask(rt, world, bought).quick is False  # no score yet
    seed_tier(rt, world.buyer, "good")
    terms = terms_for("good")
    assert terms is not None and terms.per_order_max < 59900
    big = buy(rt, world, "nike", units=((0, 1),), ship=True)  # 599.00 yuan
    assert ask(rt, world, big).quick is False
    assert refunded_to(rt) == []


# --- refusals that change nothing -------------------------------------------------------------------------------

def refused_code(rt: Runtime, action: object) -> str:
    before = snapshot(rt)
    with pytest.raises(DomainError) as refused:
        action()  # type: ignore[operator]
    assert snapshot(rt) == before
    return refused.value.code


def test_more_units_than_bought_or_left_are_refused_and_change_nothing(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 3),))
    assert refused_code(rt, lambda: ask(rt, world, bought, units=4)) == "refund_units_invalid"
    assert refused_code(rt, lambda: ask(rt, world, bought, units=0)) == "refund_units_invalid"
    first = ask(rt, world, bought, units=2)
    aftersales.agree(rt, bought.owner, bought.store_id, first.request_no)
    assert refused_code(rt, lambda: ask(rt, world, bought, units=2)) == "refund_units_invalid"


def test_someone_elses_order_is_not_found_and_changes_nothing(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 1),))
    stranger = person(rt, "stranger@example.com")
    assert refused_code(rt, lambda: ask(rt, world, bought, buyer=stranger)) == "not_found"


def test_a_second_open_request_on_the_same_line_is_refused_and_changes_nothing(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 3),))
    ask(rt, world, bought, units=1)
    assert refused_code(rt, lambda: ask(rt, world, bought, units=1)) == "refund_request_open"


def test_an_unpaid_order_is_refused_and_changes_nothing(rt: Runtime, world: World) -> None:
    sku = world.shops["tea"].skus[0]
    trade.add_to_cart(rt, world.buyer, sku, 1)
    placed = preview_and_place(rt, world, sku_ids=[sku])
    line_id = trade.my_order(rt, world.buyer, placed.orders[0].order_no).lines[0].id
    assert refused_code(rt, lambda: aftersales.request_refund(
        rt, world.buyer, order_no=placed.orders[0].order_no, order_line_id=line_id, units=1, kind="refund_only",
        reason="changed_mind")) == "refund_order_not_paid"


def test_a_return_of_goods_never_shipped_is_the_wrong_kind_and_changes_nothing(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 1),))
    assert refused_code(rt, lambda: ask(rt, world, bought, kind="return_refund")) == "refund_kind_not_allowed"


def test_agreeing_twice_is_refused_and_pays_once(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 1),))
    request = ask(rt, world, bought)
    aftersales.agree(rt, bought.owner, bought.store_id, request.request_no)
    assert refused_code(rt, lambda: aftersales.agree(rt, bought.owner, bought.store_id, request.request_no)) == \
        "refund_transition_forbidden"
    assert refunded_to(rt) == [(f"refund:{request.id}", TEA)]


def test_another_stores_merchant_cannot_see_the_request(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 1),))
    request = ask(rt, world, bought)
    other = world.shops["farm"]
    assert refused_code(rt, lambda: aftersales.agree(rt, other.owner, other.store_id, request.request_no)) == \
        "refund_request_not_found"


# --- the rest -------------------------------------------------------------------------------------------------

def test_a_retry_with_the_same_key_returns_the_first_request(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 3),))
    first = ask(rt, world, bought, key="k-1")
    again = ask(rt, world, bought, key="k-1")
    assert again.id == first.id
    assert [r.id for r in aftersales.my_requests(rt, world.buyer).items] == [first.id]


def test_a_cancelled_request_frees_the_line_and_a_quick_advance_comes_back(rt: Runtime, world: World) -> None:
    seed_tier(rt, world.buyer, "good")
    bought = buy(rt, world, units=((0, 1),), ship=True)
    request = ask(rt, world, bought)
    cancelled = aftersales.cancel_request(rt, world.buyer, request.request_no)
    assert cancelled.status is Status.CANCELLED
    assert refunded_to(rt, "clawback") == [(f"clawback:{request.id}", TEA)]
    assert outstanding(rt, world) == 0
    assert ask(rt, world, bought).status is Status.REQUESTED
    assert ledger_ok(rt) == []


def test_request_times_list_when_a_consumer_asked_at_each_store(rt: Runtime, world: World) -> None:
    tea = buy(rt, world, units=((0, 1),))
    first = ask(rt, world, tea)
    rt.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    farm = buy(rt, world, "farm", units=((0, 1),))
    second = ask(rt, world, farm)
    with rt.uow(read_only=True) as uow:
        times = aftersales.request_times_in(uow, [world.buyer.user_id])
    assert times == {(world.buyer.user_id, tea.store_id): [first.created_at],
                     (world.buyer.user_id, farm.store_id): [second.created_at]}


def test_a_refusal_not_escalated_in_seven_days_closes_and_its_quick_refund_comes_back(
        rt: Runtime, world: World) -> None:
    seed_tier(rt, world.buyer, "good")
    bought = buy(rt, world, units=((0, 1),), ship=True)
    request = ask(rt, world, bought, reason="quality")
    aftersales.refuse(rt, bought.owner, bought.store_id, request.request_no, "No fault found")
    run_jobs(rt, timedelta(days=7))
    assert aftersales.my_request(rt, world.buyer, request.request_no).request.status is Status.CLOSED
    assert refunded_to(rt, "clawback") == [(f"clawback:{request.id}", TEA)]
    assert outstanding(rt, world) == 0
    assert ledger_ok(rt) == []


def rescore_reasons(rt: Runtime) -> list[str]:
    with rt.uow(read_only=True) as uow:
        rows = uow.conn.execute(sa.select(jobs.c.payload).where(jobs.c.kind == "credit.rescore")
                                .order_by(jobs.c.created_at, jobs.c.id))
        return [str(r.payload["reason"]) for r in rows]


def test_a_completed_refund_and_a_lost_dispute_ask_credit_for_a_rescore(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 2),), ship=True)
    first = ask(rt, world, bought)
    aftersales.agree(rt, bought.owner, bought.store_id, first.request_no)
    rt.clock.advance(timedelta(seconds=1))  # type: ignore[attr-defined]
    second = ask(rt, world, bought)
    aftersales.refuse(rt, bought.owner, bought.store_id, second.request_no, "No")
    aftersales.escalate(rt, world.buyer, second.request_no, "Yes")
    aftersales.decide(rt, world.operator, second.request_no, "denied")
    assert rescore_reasons(rt) == ["refund", "dispute_lost"]


def test_merchant_and_operator_actions_are_audited(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 2),), ship=True)
    first = ask(rt, world, bought)
    aftersales.refuse(rt, bought.owner, bought.store_id, first.request_no, "No")
    aftersales.escalate(rt, world.buyer, first.request_no, "Yes")
    aftersales.decide(rt, world.operator, first.request_no, "full")
    with rt.uow(read_only=True) as uow:
        rows = uow.conn.execute(sa.text("SELECT action, actor_id FROM audit_log WHERE target_id = :id "
                                        "ORDER BY at, id"), {"id": first.id})
        assert [(r.action, r.actor_id) for r in rows] == [("refund.refuse", bought.owner.user_id),
                                                          ("refund.decide", world.operator.user_id)]


def test_quick_refunds_on_one_order_stay_within_the_per_order_cap(rt: Runtime, world: World) -> None:
    seed_tier(rt, world.buyer, "good")
    terms = terms_for("good")
    assert terms is not None
    units = terms.per_order_max // 1250  # the farm's first SKU costs 12.50 yuan
    assert units <= 100 and terms.per_order_max - units * 1250 < 700 <= terms.outstanding_max - units * 1250
    bought = buy(rt, world, "farm", units=((0, units), (1, 1)), ship=True)
    first = ask(rt, world, bought, units=units, line=0, kind="return_refund", reason="damaged")
    second = ask(rt, world, bought, units=1, line=1, kind="return_refund", reason="damaged")
    assert (first.amount, second.amount, first.quick, second.quick) == (units * 1250, 700, True, False)
    assert outstanding(rt, world) == units * 1250
    aftersales.cancel_request(rt, world.buyer, first.request_no)
    aftersales.cancel_request(rt, world.buyer, second.request_no)
    assert ask(rt, world, bought, units=1, line=1).quick is True  # the cancelled advance no longer counts


def test_a_request_on_an_order_the_consumer_then_cancels_closes_unpaid(rt: Runtime, world: World) -> None:
    seed_tier(rt, world.buyer, "good")
    bought = buy(rt, world, units=((0, 2),))
    request = ask(rt, world, bought, units=1)
    assert request.quick is False  # an unshipped order may still be cancelled: no advance
    trade.cancel_order(rt, world.buyer, bought.order_no)
    closed = aftersales.my_request(rt, world.buyer, request.request_no).request
    assert (closed.status, closed.refunded, closed.due_at) == (Status.CLOSED, 0, None)  # at once, by trade's event
    with pytest.raises(DomainError) as late:
        aftersales.agree(rt, bought.owner, bought.store_id, request.request_no)
    assert late.value.code == "refund_transition_forbidden"
    with rt.uow(read_only=True) as uow:
        moved = uow.conn.execute(sa.text("SELECT kind, amount FROM refund_movements")).all()
    assert [(r.kind, int(r.amount)) for r in moved] == [("cancel", 2 * TEA)]
    assert ledger_ok(rt) == []


def test_a_line_returned_in_full_gets_no_default_rating_and_the_kept_line_does(rt: Runtime, world: World) -> None:
    from mercato.reviews.model import REVIEW_WINDOW

    bought = buy(rt, world, "farm", units=((0, 2), (1, 1)), receive=True)
    request = ask(rt, world, bought, units=2, kind="return_refund", reason="damaged")
    aftersales.agree(rt, bought.owner, bought.store_id, request.request_no)
    aftersales.ship_back(rt, world.buyer, request.request_no, "SF Express", "SF12345678")
    aftersales.confirm_received(rt, bought.owner, bought.store_id, request.request_no)
    with rt.uow(read_only=True) as uow:
        assert aftersales.fully_refunded_lines_in(uow, bought.order_id) == {bought.line_ids[0]}
    run_jobs(rt, REVIEW_WINDOW + timedelta(minutes=1))
    with rt.uow(read_only=True) as uow:
        rated = uow.conn.execute(sa.text("SELECT order_line_id, rating, is_default FROM reviews WHERE order_id = :o"),
                                 {"o": bought.order_id}).all()
    assert [(line, rating, bool(default)) for line, rating, default in rated] == [(bought.line_ids[1], 5, True)]

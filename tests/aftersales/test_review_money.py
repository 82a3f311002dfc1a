"""A reviewer's second look at after-sales money: trade's cancel of a paid order after after-sales moved some of
its money, the shipping fee, the operator and the jobs racing the merchant, and what `ledger verify` catches."""

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
from mercato.aftersales.model import Status
from mercato.kernel.errors import DomainError
from mercato.kernel.runtime import Runtime
from mercato.payments import service as payments
from mercato.trade import service as trade
from trade.trade_helpers import World

TEA = 9900  # the tea shop's first SKU: 99.00 yuan, 5 in stock


def code_of(action: object) -> str:
    with pytest.raises(DomainError) as refused:
        action()  # type: ignore[operator]
    return refused.value.code


def test_cancelling_a_paid_order_after_a_partial_refund_is_refused_and_changes_nothing(
        rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 3),))
    request = ask(rt, world, bought, units=1)
    aftersales.agree(rt, bought.owner, bought.store_id, request.request_no)
    assert stock_of(rt, bought.sku_ids[0]) == (3, 0)
    before = snapshot(rt)
    assert code_of(lambda: trade.cancel_order(rt, world.buyer, bought.order_no)) == "order_not_cancellable"
    assert snapshot(rt) == before
    assert stock_of(rt, bought.sku_ids[0]) == (3, 0)  # the refunded unit is not put back on sale twice
    assert refunded_to(rt) == [(f"refund:{request.id}", TEA)]
    assert order_status(rt, world, bought) == "paid"
    assert ledger_ok(rt) == []


def test_cancelling_a_paid_order_with_a_quick_refund_advanced_on_it_is_refused_and_changes_nothing(
        rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 2),))
    with rt.uow() as uow:  # after-sales only advances on shipped orders; trade must not rely on it
        payments.advance_refund_in(uow, source="advance:early", order_id=bought.order_id,
                                   consumer_id=world.buyer.user_id, amount=TEA, now=rt.clock.now())
        uow.commit()
    before = snapshot(rt)
    assert code_of(lambda: trade.cancel_order(rt, world.buyer, bought.order_no)) == "order_not_cancellable"
    assert snapshot(rt) == before
    assert refunded_to(rt) == [("advance:early", TEA)]


def test_the_rest_of_a_partly_refunded_order_comes_back_through_after_sales_with_the_shipping_fee(
        rt: Runtime, world: World) -> None:
    shop = world.shops["tea"]
    trade.set_shipping_settings(rt, shop.owner, shop.store_id, 800, None)
    bought = buy(rt, world, units=((0, 3),))
    first = ask(rt, world, bought, units=1)
    aftersales.agree(rt, bought.owner, bought.store_id, first.request_no)
    rest = ask(rt, world, bought, units=2)
    done = aftersales.agree(rt, bought.owner, bought.store_id, rest.request_no)
    assert (done.refunded, done.shipping) == (2 * TEA, 800)
    assert sum(amount for _, amount in refunded_to(rt)) == 3 * TEA + 800
    assert stock_of(rt, bought.sku_ids[0]) == (5, 0)
    assert order_status(rt, world, bought) == "cancelled"
    assert ledger_ok(rt) == []


@pytest.mark.parametrize("decision", ["full", "denied"])
def test_a_dispute_on_an_order_trade_then_cancelled_closes_unpaid_and_is_not_a_lost_dispute(
        rt: Runtime, world: World, decision: str) -> None:
    bought = buy(rt, world, units=((0, 2),))
    request = ask(rt, world, bought, units=1)
    aftersales.refuse(rt, bought.owner, bought.store_id, request.request_no, "Already packed")
    aftersales.escalate(rt, world.buyer, request.request_no, "Escalated before I cancelled")
    trade.cancel_order(rt, world.buyer, bought.order_no)
    assert aftersales.my_request(rt, world.buyer, request.request_no).request.status is Status.CLOSED
    with pytest.raises(DomainError):  # nothing left to decide: the dispute closed with the order
        aftersales.decide(rt, world.operator, request.request_no, decision)
    with rt.uow(read_only=True) as uow:
        facts = aftersales.credit_facts_in(uow, world.buyer.user_id, rt.clock.now() - timedelta(days=1))
    assert (facts.refunds, facts.disputes_lost) == (0, 0)
    assert [amount for _, amount in refunded_to(rt)] == [2 * TEA]  # trade's cancel only
    assert stock_of(rt, bought.sku_ids[0]) == (5, 0)
    assert ledger_ok(rt) == []


def test_the_answer_job_after_trade_cancelled_the_order_closes_the_request_and_pays_nothing(
        rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 2),))
    request = ask(rt, world, bought, units=1)
    trade.cancel_order(rt, world.buyer, bought.order_no)
    paid = refunded_to(rt)
    run_jobs(rt, timedelta(hours=49))
    assert aftersales.my_request(rt, world.buyer, request.request_no).request.status is Status.CLOSED
    assert refunded_to(rt) == paid
    assert ledger_ok(rt) == []


def test_a_part_refunded_count_that_disagrees_with_its_movements_is_a_ledger_problem(
        rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 2),), receive=True)
    with rt.uow() as uow:  # a broken path: the settled part forgets a refund it made
        uow.conn.execute(sa.text("UPDATE payment_parts SET refunded = refunded + 100 WHERE order_id = :o"),
                         {"o": bought.order_id})
        uow.commit()
    assert [p.check for p in ledger_ok(rt)] == ["part_refunded"]


def test_a_partial_decision_on_every_unit_of_an_unshipped_order_leaves_no_money_stranded_in_escrow(
        rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 2),))
    request = ask(rt, world, bought, units=2, reason="not_shipped")
    aftersales.refuse(rt, bought.owner, bought.store_id, request.request_no, "It is packed")
    aftersales.escalate(rt, world.buyer, request.request_no, "Never sent")
    decided = aftersales.decide(rt, world.operator, request.request_no, "partial", 5000)
    assert (decided.status, decided.refunded) == (Status.REFUNDED, 5000)
    assert refunded_to(rt) == [(f"refund:{request.id}", 5000)]
    commission = trade.my_order(rt, world.buyer, bought.order_no).commission
    kept_commission = commission - request.commission_share * 5000 // request.amount
    with rt.uow(read_only=True) as uow:  # the merchant keeps what the operator did not give back, at once
        assert payments.balance_in(uow, bought.store_id).available == 2 * TEA - 5000 - kept_commission
    assert order_status(rt, world, bought) == "cancelled"
    assert ledger_ok(rt) == []


def test_a_request_marked_refunded_whose_money_never_moved_is_a_ledger_problem(rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 2),), ship=True)
    request = ask(rt, world, bought, units=1)
    with rt.uow() as uow:  # a broken path: the request says refunded, payments moved nothing
        uow.conn.execute(sa.text("UPDATE refund_requests SET status = 'refunded', refunded = amount WHERE id = :r"),
                         {"r": request.id})
        uow.commit()
    assert [(p.check, p.where, p.expected, p.actual) for p in ledger_ok(rt)] == \
        [("aftersales_money", f"movement refund:{request.id}", TEA, 0)]


def test_a_quick_refund_clawed_back_in_part_by_a_partial_decision_verifies(rt: Runtime, world: World) -> None:
    seed_tier(rt, world.buyer, "good")
    bought = buy(rt, world, units=((0, 1),), ship=True)
    request = ask(rt, world, bought, units=1, reason="not_arrived")
    assert request.quick is True
    aftersales.refuse(rt, bought.owner, bought.store_id, request.request_no, "Delivered")
    aftersales.escalate(rt, world.buyer, request.request_no, "Not here")
    aftersales.decide(rt, world.operator, request.request_no, "partial", 4000)
    assert refunded_to(rt) == [(f"advance:{request.id}", TEA)]
    assert refunded_to(rt, "clawback") == [(f"clawback:{request.id}", TEA - 4000)]
    assert ledger_ok(rt) == []

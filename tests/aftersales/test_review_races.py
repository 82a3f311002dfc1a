"""A reviewer's races on both engines (each test commits for real on a private database): trade's cancel of a paid
order racing the merchant's agreement to refund part or all of it, and two quick refunds asked at once on one
order. Whichever wins, the consumer is paid what they paid at most once, every unit goes back on sale once, the
tier's caps hold, and the ledger verifies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aftersales_helpers import ask, buy, ledger_ok, refunded_to, seed_tier, stock_of
from test_aftersales_concurrency import at_once, real_rt

from mercato.aftersales import service as aftersales
from mercato.aftersales.model import RefundRequest, Status
from mercato.credit.model import terms_for
from mercato.kernel.errors import DomainError
from mercato.kernel.runtime import Runtime
from mercato.payments import service as payments
from mercato.trade import service as trade
from trade.trade_helpers import World, build_world

TEA = 9900

__all__ = ["real_rt"]


def outcome(rt: Runtime, world: World, units: int) -> None:
    """Cancel and agreement at once; then the request is settled by a second agreement attempt if still open."""
    bought = buy(rt, world, units=((0, 3),))
    request = ask(rt, world, bought, units=units)
    cancelled, agreed = at_once(lambda: trade.cancel_order(rt, world.buyer, bought.order_no),
                                lambda: aftersales.agree(rt, bought.owner, bought.store_id, request.request_no))
    if isinstance(agreed, DomainError):  # cancelled first: the cancel closed the request, or the part is refunded
        assert agreed.code in ("refund_transition_forbidden", "refund_part_not_paid", "refund_exceeds_refundable")
        agreed = aftersales.my_request(rt, world.buyer, request.request_no).request
    assert isinstance(agreed, RefundRequest)
    paid_back = sum(amount for _, amount in refunded_to(rt))
    if agreed.status is Status.CLOSED:
        assert not isinstance(cancelled, DomainError)
        assert paid_back == 3 * TEA
    else:
        assert agreed.status is Status.REFUNDED
        assert isinstance(cancelled, DomainError) and cancelled.code == "order_not_cancellable"
        assert paid_back == units * TEA
    assert stock_of(rt, bought.sku_ids[0]) == (2 + paid_back // TEA, 0)
    assert ledger_ok(rt) == []


@pytest.mark.slow
@pytest.mark.parametrize("units", [1, 3])
def test_trade_cancel_racing_an_agreed_refund_pays_and_restocks_once(real_rt: Runtime, units: int) -> None:
    outcome(real_rt, build_world(real_rt), units)


@pytest.mark.slow
def test_two_quick_refunds_asked_at_once_on_one_order_stay_within_the_per_order_cap(real_rt: Runtime) -> None:
    world = build_world(real_rt)
    seed_tier(real_rt, world.buyer, "good")
    terms = terms_for("good")
    assert terms is not None
    units = terms.per_order_max // 1250  # the farm's first SKU costs 12.50 yuan, its second 7.00
    assert terms.per_order_max - units * 1250 < 700 <= terms.outstanding_max - units * 1250
    bought = buy(real_rt, world, "farm", units=((0, units), (1, 1)), ship=True)
    asked = at_once(lambda: ask(real_rt, world, bought, units=units, line=0, kind="return_refund", reason="damaged"),
                    lambda: ask(real_rt, world, bought, units=1, line=1, kind="return_refund", reason="damaged"))
    assert all(isinstance(r, RefundRequest) for r in asked)
    assert sorted(r.quick for r in asked) == [False, True]
    assert sum(amount for _, amount in refunded_to(real_rt)) <= terms.per_order_max
    assert ledger_ok(real_rt) == []


@pytest.mark.slow
def test_settlement_racing_a_refund_pays_the_consumer_once_and_the_merchant_the_rest(real_rt: Runtime) -> None:
    world = build_world(real_rt)
    bought = buy(real_rt, world, units=((0, 2),), ship=True)
    request = ask(real_rt, world, bought, units=1, reason="damaged")
    at_once(lambda: trade.confirm_receipt(real_rt, world.buyer, bought.order_no),
            lambda: aftersales.agree(real_rt, bought.owner, bought.store_id, request.request_no))
    assert refunded_to(real_rt) == [(f"refund:{request.id}", TEA)]
    commission = trade.my_order(real_rt, world.buyer, bought.order_no).commission
    with real_rt.uow(read_only=True) as uow:
        available = payments.balance_in(uow, bought.store_id).available
    assert available == 2 * TEA - commission - (TEA - request.commission_share)
    assert ledger_ok(real_rt) == []


@pytest.mark.slow
def test_the_receipt_job_racing_the_merchants_confirmation_pays_once(real_rt: Runtime) -> None:
    world = build_world(real_rt)
    bought = buy(real_rt, world, units=((0, 2),), ship=True)
    request = ask(real_rt, world, bought, units=1, kind="return_refund", reason="damaged")
    aftersales.agree(real_rt, bought.owner, bought.store_id, request.request_no)
    aftersales.ship_back(real_rt, world.buyer, request.request_no, "SF", "SF7777")
    real_rt.clock.advance(timedelta(days=8))  # type: ignore[attr-defined]
    at_once(lambda: aftersales.confirm_received(real_rt, bought.owner, bought.store_id, request.request_no),
            lambda: aftersales.receipt_due_job(real_rt, {"request_id": request.id}))
    assert refunded_to(real_rt) == [(f"refund:{request.id}", TEA)]
    assert stock_of(real_rt, bought.sku_ids[0]) == (4, 0)
    assert ledger_ok(real_rt) == []


@pytest.mark.slow
def test_two_quick_refunds_asked_at_once_on_different_orders_stay_within_the_outstanding_cap(
        real_rt: Runtime) -> None:
    world = build_world(real_rt)
    seed_tier(real_rt, world.buyer, "good")
    terms = terms_for("good")
    assert terms is not None
    amount = 30 * 1250  # 30 units of the farm's first SKU: under the per-order cap; three are over the outstanding
    assert amount <= terms.per_order_max and 2 * amount <= terms.outstanding_max < 3 * amount
    first, second, third = (buy(real_rt, world, "farm", units=((0, 30),), ship=True) for _ in range(3))
    assert ask(real_rt, world, first, units=30, kind="return_refund", reason="damaged").quick
    asked = at_once(lambda: ask(real_rt, world, second, units=30, kind="return_refund", reason="damaged"),
                    lambda: ask(real_rt, world, third, units=30, kind="return_refund", reason="damaged"))
    assert all(isinstance(r, RefundRequest) for r in asked)
    assert sorted(r.quick for r in asked) == [False, True]
    with real_rt.uow(read_only=True) as uow:
        assert payments.outstanding_advances_in(uow, consumer_id=world.buyer.user_id) == 2 * amount
    assert ledger_ok(real_rt) == []

"""`mercato ledger verify` (trade.service.verify_ledger) with real orders and after-sales money, on both databases:
escrow per order is the order's total less what refunds took from escrow, until settlement of the remainder; a
tampered part or order is found."""

from __future__ import annotations

import pytest

from mercato.kernel.runtime import Runtime
from mercato.payments import service as payments
from mercato.payments.tables import payment_parts
from mercato.trade import service as trade
from mercato.trade.model import PlacedOrder
from mercato.trade.tables import orders
from trade.trade_helpers import World, build_world, capture, preview_and_place


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


def _place_and_pay(rt: Runtime, world: World) -> PlacedOrder:
    """A tea order (2 x 99.00) and a nike order (1 x 599.00) in one payment, paid."""
    trade.add_to_cart(rt, world.buyer, world.shops["tea"].skus[0], 2)
    trade.add_to_cart(rt, world.buyer, world.shops["nike"].skus[0], 1)
    placed = preview_and_place(rt, world)
    capture(rt, placed.payment_id)
    return placed


def _order(placed: PlacedOrder, world: World, shop: str) -> tuple[str, str]:
    """(order_id, order_no) of the shop's order."""
    found = next(o for o in placed.orders if o.store_id == world.shops[shop].store_id)
    return found.order_id, found.order_no


def _refund(rt: Runtime, source: str, order_id: str, amount: int) -> None:
    with rt.uow() as uow:
        payments.refund_in(uow, source=source, order_id=order_id, amount=amount, commission_share=0,
                           platform_share=0, now=rt.clock.now())
        uow.commit()


def test_the_ledger_check_follows_partial_refunds_through_settlement(rt: Runtime, world: World) -> None:
    placed = _place_and_pay(rt, world)
    tea_id, tea_no = _order(placed, world, "tea")
    _refund(rt, "refund:tea-1", tea_id, 9_900)  # one of the two units
    with rt.uow(read_only=True) as uow:
        assert payments.held_by_order_in(uow)[tea_id] == 9_900
        assert payments.escrow_refunded_by_order_in(uow) == {tea_id: 9_900}
    assert trade.verify_ledger(rt) == []
    tea = world.shops["tea"]
    trade.ship_order(rt, tea.owner, tea.store_id, tea_no, "SF Express", "SF1234567890")
    trade.confirm_receipt(rt, world.buyer, tea_no)
    with rt.uow(read_only=True) as uow:
        assert tea_id not in payments.held_by_order_in(uow)
        assert payments.balance_in(uow, tea.store_id).pending == 0
    assert trade.verify_ledger(rt) == []
    _refund(rt, "refund:tea-2", tea_id, 9_900)  # the other unit, from the merchant's balance now
    assert trade.verify_ledger(rt) == []


def test_the_ledger_check_finds_a_part_whose_escrow_refunds_were_tampered_with(rt: Runtime, world: World) -> None:
    placed = _place_and_pay(rt, world)
    tea_id, _ = _order(placed, world, "tea")
    _refund(rt, "refund:tea-1", tea_id, 5_000)
    with rt.uow() as uow:
        uow.conn.execute(payment_parts.update().where(payment_parts.c.order_id == tea_id).values(escrow_refunded=0))
        uow.commit()
    assert {(p.check, p.where) for p in trade.verify_ledger(rt)} == {
        ("escrow_held", "account escrow"), ("part_refunds", f"order {tea_id}")}


def test_the_ledger_check_finds_a_partly_refunded_order_closed_without_refunding_the_rest(rt: Runtime,
                                                                                          world: World) -> None:
    placed = _place_and_pay(rt, world)
    tea_id, _ = _order(placed, world, "tea")
    _refund(rt, "refund:tea-1", tea_id, 5_000)
    with rt.uow() as uow:  # a bug cancels the order without refunding what escrow still holds of it
        uow.conn.execute(orders.update().where(orders.c.id == tea_id).values(status="cancelled"))
        uow.commit()
    problems = trade.verify_ledger(rt)
    assert [(p.check, p.where, p.expected, p.actual) for p in problems] == [
        ("orders_escrow", f"order {tea_id}", 0, 14_800)]

"""What trade tells search and recommend: the products of paid orders and the units sold recently, both databases."""

from __future__ import annotations

from datetime import timedelta

from trade_helpers import World, capture, preview_and_place

from mercato.kernel.runtime import Runtime
from mercato.trade import service as trade


def product_of(rt: Runtime, world: World, shop: str, index: int) -> str:
    cart = trade.cart(rt, world.buyer)
    sku = world.shops[shop].skus[index]
    return next(line.product_id for group in cart.groups for line in group.lines if line.sku_id == sku)


def test_units_sold_count_only_paid_orders_since_the_window_start(rt: Runtime, world: World) -> None:
    start = rt.clock.now()
    trade.add_to_cart(rt, world.buyer, world.shops["tea"].skus[0], 2)
    trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 3)
    tea, farm = product_of(rt, world, "tea", 0), product_of(rt, world, "farm", 0)
    paid = preview_and_place(rt, world)
    with rt.uow(read_only=True) as uow:
        assert trade.units_sold_since_in(uow, start) == {}  # placed, not paid yet
    capture(rt, paid.payment_id)
    trade.add_to_cart(rt, world.buyer, world.shops["tea"].skus[0], 1)
    preview_and_place(rt, world)  # a second order, left unpaid
    with rt.uow(read_only=True) as uow:
        assert trade.units_sold_since_in(uow, start) == {tea: 2, farm: 3}
        assert trade.units_sold_since_in(uow, rt.clock.now() + timedelta(seconds=1)) == {}
        order_ids = [o.order_id for o in paid.orders]
        assert sorted(trade.paid_product_ids_in(uow, order_ids)) == sorted([tea, farm])
        assert trade.paid_product_ids_in(uow, []) == []

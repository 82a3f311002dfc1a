"""A bundle through checkout, on both databases: the engine's split of the bundle discount lands on the order lines'
paid amounts and their discount rows, funded by the store; a cart without a whole set pays the list prices."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from pricing_helpers import add_promotion

from mercato.kernel.idgen import new_id
from mercato.kernel.runtime import Runtime
from mercato.pricing.model import Kind, Promotion, Scope
from mercato.trade import service as trade
from mercato.trade.model import PlacedOrder
from mercato.trade.tables import order_line_discounts, order_lines, orders
from trade.trade_helpers import World, build_world


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


def add_bundle(rt: Runtime, world: World, price: int) -> str:
    """Nike's two SKUs (599.00 and 399.00) together at `price`."""
    nike = world.shops["nike"]
    bundle = Promotion(new_id(), Kind.BUNDLE, scope=Scope(frozenset({nike.store_id}), frozenset(nike.skus[:2])),
                       price=price)
    with rt.uow() as uow:
        add_promotion(uow.conn, bundle, owner="store", store_id=nike.store_id, name_en="Nike pair",
                      name_zh="耐克组合")
        uow.commit()
    return bundle.promotion_id


def place(rt: Runtime, world: World) -> PlacedOrder:
    preview = trade.checkout_preview(rt, world.buyer)
    return trade.place_order(rt, world.buyer, address_id=world.address_id, fingerprint=preview.fingerprint,
                             idempotency_key=f"place-{new_id()}")


def rows(rt: Runtime, query: Any) -> list[Any]:
    with rt.uow(read_only=True) as uow:
        return list(uow.conn.execute(query))


def test_a_bundle_splits_its_discount_over_the_order_lines_by_largest_remainder(rt: Runtime, world: World) -> None:
    bundle = add_bundle(rt, world, 90000)
    nike = world.shops["nike"]
    trade.add_to_cart(rt, world.buyer, nike.skus[0], 1)
    trade.add_to_cart(rt, world.buyer, nike.skus[1], 2)
    placed = place(rt, world)
    # one set: 599.00 + 399.00 - 900.00 = 98.00 off, split 4202 / 5598 over 599.00 and 798.00
    assert placed.amount == 139700 - 9800
    lines = {r.sku_id: r for r in rows(rt, sa.select(order_lines))}
    assert [(lines[s].line_total, lines[s].discount, lines[s].paid) for s in nike.skus[:2]] == [
        (59900, 4202, 55698), (79800, 5598, 74202)]
    parts = rows(rt, sa.select(order_line_discounts.c.order_line_id, order_line_discounts.c.promotion_id,
                               order_line_discounts.c.promo_class, order_line_discounts.c.amount,
                               order_line_discounts.c.merchant, order_line_discounts.c.platform))
    assert sorted((p.order_line_id, p.promotion_id, p.promo_class, p.amount, p.merchant, p.platform)
                  for p in parts) == sorted([
                      (lines[nike.skus[0]].id, bundle, "item", 4202, 4202, 0),
                      (lines[nike.skus[1]].id, bundle, "item", 5598, 5598, 0)])
    order = rows(rt, sa.select(orders.c.goods_original, orders.c.discount, orders.c.goods_total,
                               orders.c.platform_funded))
    assert [tuple(o) for o in order] == [(139700, 9800, 129900, 0)]


def test_a_cart_without_a_whole_set_pays_the_list_prices(rt: Runtime, world: World) -> None:
    add_bundle(rt, world, 90000)
    nike = world.shops["nike"]
    trade.add_to_cart(rt, world.buyer, nike.skus[1], 2)
    placed = place(rt, world)
    assert placed.amount == 79800
    assert [(r.discount, r.paid) for r in rows(rt, sa.select(order_lines))] == [(0, 79800)]
    assert rows(rt, sa.select(order_line_discounts)) == []

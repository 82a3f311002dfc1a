"""The cart and the address book through the use cases, on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa
from trade_helpers import World, list_skus, person, snapshot

from mercato.catalog import service as catalog
from mercato.catalog.tables import skus
from mercato.kernel.clock import FixedClock
from mercato.kernel.runtime import Runtime
from mercato.recommend.tables import recommend_events
from mercato.stores import service as stores
from mercato.trade import service as trade
from mercato.trade.model import (
    AddressBookFull,
    AddressInput,
    AddressInvalid,
    AddressNotFound,
    CartFull,
    CartQuantityInvalid,
    LineProblem,
    SkuNotFound,
    SkuUnavailable,
)

HOME = AddressInput("Li Lei", "13900000000", "Beijing", "Beijing", "2 Chang'an Ave", "100000")


def test_lines_are_grouped_by_store_with_current_prices(rt: Runtime, world: World, clock: FixedClock) -> None:
    tea, nike = world.shops["tea"].skus[0], world.shops["nike"].skus[0]
    trade.add_to_cart(rt, world.buyer, nike, 1)
    clock.advance(timedelta(seconds=1))
    view = trade.add_to_cart(rt, world.buyer, tea, 2)
    assert [(g.store_id, [(x.sku_id, x.unit_price, x.quantity, x.line_total, x.available, x.problem)
                          for x in g.lines], g.goods_total) for g in view.groups] == [
        (world.shops["nike"].store_id, [(nike, 59900, 1, 59900, 10, None)], 59900),
        (world.shops["tea"].store_id, [(tea, 9900, 2, 19800, 5, None)], 19800)]
    assert (view.goods_total, view.item_count) == (79700, 3)
    assert view.groups[1].lines[0].title_en == "Tee TEA"
    assert view.groups[1].store_name_en == "Tea-Shop"
    assert trade.cart(rt, world.buyer) == view


def test_adding_a_sku_again_adds_to_its_line(rt: Runtime, world: World) -> None:
    sku = world.shops["farm"].skus[0]
    trade.add_to_cart(rt, world.buyer, sku, 2)
    view = trade.add_to_cart(rt, world.buyer, sku, 3)
    assert [(x.sku_id, x.quantity) for g in view.groups for x in g.lines] == [(sku, 5)]


def test_each_add_to_the_cart_is_a_cart_event_for_recommendations(rt: Runtime, world: World) -> None:
    sku = world.shops["farm"].skus[0]
    trade.add_to_cart(rt, world.buyer, sku, 2)
    trade.add_to_cart(rt, world.buyer, sku, 1)
    with rt.uow() as uow:
        product_id = uow.conn.execute(sa.select(skus.c.product_id).where(skus.c.id == sku)).scalar_one()
        rows = uow.conn.execute(sa.select(recommend_events.c.actor_id, recommend_events.c.product_id,
                                          recommend_events.c.kind).order_by(recommend_events.c.id)).all()
    assert [tuple(r) for r in rows] == [(world.buyer.user_id, product_id, "cart")] * 2


@pytest.mark.parametrize("quantity", [0, -1, 1000])
def test_a_quantity_outside_1_to_999_is_refused_and_changes_nothing(rt: Runtime, world: World, quantity: int) -> None:
    sku = world.shops["farm"].skus[0]
    trade.add_to_cart(rt, world.buyer, sku, 2)
    before = snapshot(rt)
    with pytest.raises(CartQuantityInvalid):
        trade.add_to_cart(rt, world.buyer, sku, quantity)
    assert snapshot(rt) == before


def test_a_line_cannot_grow_past_999(rt: Runtime, world: World) -> None:
    sku = world.shops["farm"].skus[0]
    trade.add_to_cart(rt, world.buyer, sku, 998)
    before = snapshot(rt)
    with pytest.raises(CartQuantityInvalid):
        trade.add_to_cart(rt, world.buyer, sku, 2)
    assert snapshot(rt) == before


def test_an_unknown_sku_is_404(rt: Runtime, world: World) -> None:
    before = snapshot(rt)
    with pytest.raises(SkuNotFound):
        trade.add_to_cart(rt, world.buyer, "01HZZZZZZZZZZZZZZZZZZZZZZZ", 1)
    assert snapshot(rt) == before


def test_an_inactive_sku_is_refused(rt: Runtime, world: World) -> None:
    sku = world.shops["nike"].skus[1]
    catalog.deactivate_sku(rt, world.shops["nike"].owner, sku)
    before = snapshot(rt)
    with pytest.raises(SkuUnavailable) as caught:
        trade.add_to_cart(rt, world.buyer, sku, 1)
    assert (caught.value.code, caught.value.params["reason"]) == ("sku_unavailable", "inactive")
    assert snapshot(rt) == before


def test_a_sku_of_a_suspended_store_is_refused(rt: Runtime, world: World) -> None:
    sku = world.shops["tea"].skus[0]
    stores.suspend_store(rt, world.operator, world.shops["tea"].store_id, "counterfeits")
    before = snapshot(rt)
    with pytest.raises(SkuUnavailable) as caught:
        trade.add_to_cart(rt, world.buyer, sku, 1)
    assert caught.value.params["reason"] == "store_suspended"
    assert snapshot(rt) == before


def test_an_out_of_stock_sku_may_wait_in_the_cart_marked(rt: Runtime, world: World) -> None:
    sold_out, in_stock = world.shops["tea"].skus[1], world.shops["tea"].skus[0]
    trade.add_to_cart(rt, world.buyer, sold_out, 1)
    view = trade.add_to_cart(rt, world.buyer, in_stock, 6)
    assert {x.sku_id: x.problem for g in view.groups for x in g.lines} == {
        sold_out: LineProblem.OUT_OF_STOCK, in_stock: LineProblem.OUT_OF_STOCK}
    assert view.has_problems


def test_lines_show_problems_that_arose_after_adding(rt: Runtime, world: World) -> None:
    nike, tea = world.shops["nike"].skus[0], world.shops["tea"].skus[0]
    trade.add_to_cart(rt, world.buyer, nike, 1)
    trade.add_to_cart(rt, world.buyer, tea, 1)
    catalog.deactivate_sku(rt, world.shops["nike"].owner, nike)
    stores.suspend_store(rt, world.operator, world.shops["tea"].store_id, "counterfeits")
    view = trade.cart(rt, world.buyer)
    assert {x.sku_id: x.problem for g in view.groups for x in g.lines} == {
        nike: LineProblem.INACTIVE, tea: LineProblem.STORE_SUSPENDED}


def test_setting_a_quantity_replaces_it_and_zero_removes_the_line(rt: Runtime, world: World) -> None:
    sku = world.shops["farm"].skus[0]
    trade.add_to_cart(rt, world.buyer, sku, 2)
    view = trade.set_cart_quantity(rt, world.buyer, sku, 7)
    assert [x.quantity for g in view.groups for x in g.lines] == [7]
    assert trade.set_cart_quantity(rt, world.buyer, sku, 0).is_empty
    with pytest.raises(SkuNotFound):
        trade.set_cart_quantity(rt, world.buyer, sku, 3)
    with pytest.raises(CartQuantityInvalid):
        trade.set_cart_quantity(rt, world.buyer, sku, 1000)


def test_removing_a_line(rt: Runtime, world: World) -> None:
    sku = world.shops["farm"].skus[0]
    trade.add_to_cart(rt, world.buyer, sku, 2)
    assert trade.remove_from_cart(rt, world.buyer, sku).is_empty
    with pytest.raises(SkuNotFound):
        trade.remove_from_cart(rt, world.buyer, sku)


def test_carts_are_private(rt: Runtime, world: World) -> None:
    other = person(rt, "other@example.com")
    trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 2)
    assert trade.cart(rt, other).is_empty
    with pytest.raises(SkuNotFound):
        trade.set_cart_quantity(rt, other, world.shops["farm"].skus[0], 1)


def test_the_cart_holds_at_most_fifty_lines(rt: Runtime, world: World) -> None:
    skus = list_skus(rt, world.shops["farm"], world.tree, "BULK", [(100, 1)] * 51)
    for sku in skus[:50]:
        trade.add_to_cart(rt, world.buyer, sku, 1)
    before = snapshot(rt)
    with pytest.raises(CartFull):
        trade.add_to_cart(rt, world.buyer, skus[50], 1)
    assert snapshot(rt) == before
    assert trade.add_to_cart(rt, world.buyer, skus[0], 1).item_count == 51  # an existing line still grows


# --- addresses ----------------------------------------------------------------------------------------------------

def test_the_first_address_is_the_default_and_a_new_default_takes_over(rt: Runtime, world: World) -> None:
    office = trade.add_address(rt, world.buyer, HOME)
    assert not office.is_default
    home = trade.add_address(rt, world.buyer, replace(HOME, make_default=True))
    book = trade.addresses(rt, world.buyer)
    assert [(a.id, a.is_default) for a in book] == [(home.id, True), (office.id, False), (world.address_id, False)]


def test_setting_and_deleting_the_default(rt: Runtime, world: World) -> None:
    second = trade.add_address(rt, world.buyer, HOME)
    assert trade.set_default_address(rt, world.buyer, second.id).is_default
    trade.delete_address(rt, world.buyer, second.id)
    assert [(a.id, a.is_default) for a in trade.addresses(rt, world.buyer)] == [(world.address_id, True)]
    trade.delete_address(rt, world.buyer, world.address_id)
    assert trade.addresses(rt, world.buyer) == []


def test_someone_elses_address_is_404(rt: Runtime, world: World) -> None:
    other = person(rt, "other@example.com")
    before = snapshot(rt)
    for attempt in (trade.delete_address, trade.set_default_address):
        with pytest.raises(AddressNotFound):
            attempt(rt, other, world.address_id)
    assert snapshot(rt) == before


def test_a_malformed_address_is_refused(rt: Runtime, world: World) -> None:
    before = snapshot(rt)
    with pytest.raises(AddressInvalid) as caught:
        trade.add_address(rt, world.buyer, AddressInput("", "13900000000", "Beijing", "Beijing", "2 Rd"))
    assert caught.value.params["field"] == "recipient"
    assert snapshot(rt) == before


def test_the_address_book_holds_twenty(rt: Runtime, world: World) -> None:
    for _ in range(19):
        trade.add_address(rt, world.buyer, HOME)
    with pytest.raises(AddressBookFull):
        trade.add_address(rt, world.buyer, HOME)
    assert len(trade.addresses(rt, world.buyer)) == 20

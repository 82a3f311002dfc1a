"""Checkout through the use cases, on both databases: the preview, placing an order (all or nothing, one payment,
one order per store), refusals that change nothing, idempotency, the payment timeout, and the SQL budget."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from trade_helpers import (
    World,
    capture,
    counting,
    order_rows,
    payment_status,
    person,
    preview_and_place,
    run_jobs,
    snapshot,
    stock_of,
)

from mercato.catalog import service as catalog
from mercato.inventory.model import StockInsufficient
from mercato.kernel.errors import IdempotencyKeyReused
from mercato.kernel.jobs import jobs
from mercato.kernel.runtime import Runtime
from mercato.stores import service as stores
from mercato.trade import service as trade
from mercato.trade.model import (
    AddressNotFound,
    CartEmpty,
    CartStale,
    OrderStatus,
    SkuUnavailable,
    looks_like_order_no,
)
from mercato.trade.tables import order_events, order_lines


def fill_cart(rt: Runtime, world: World) -> dict[str, str]:
    """3 stores, 5 lines: tea 2 x 99.00; nike 1 x 599.00 + 2 x 399.00; farm 4 x 12.50 + 3 x 7.00."""
    tea, nike, farm = world.shops["tea"], world.shops["nike"], world.shops["farm"]
    trade.add_to_cart(rt, world.buyer, tea.skus[0], 2)
    trade.add_to_cart(rt, world.buyer, nike.skus[0], 1)
    trade.add_to_cart(rt, world.buyer, nike.skus[1], 2)
    trade.add_to_cart(rt, world.buyer, farm.skus[0], 4)
    trade.add_to_cart(rt, world.buyer, farm.skus[1], 3)
    return {"tea": tea.store_id, "nike": nike.store_id, "farm": farm.store_id}


def set_fees(rt: Runtime, world: World) -> None:
    trade.set_shipping_settings(rt, world.shops["tea"].owner, world.shops["tea"].store_id, 800, 9900)
    trade.set_shipping_settings(rt, world.shops["nike"].owner, world.shops["nike"].store_id, 1500, 200000)
    trade.set_shipping_settings(rt, world.shops["farm"].owner, world.shops["farm"].store_id, 600, None)


# --- the preview --------------------------------------------------------------------------------------------------

def test_the_preview_prices_each_store_with_its_shipping(rt: Runtime, world: World) -> None:
    ids = fill_cart(rt, world)
    set_fees(rt, world)
    preview = trade.checkout_preview(rt, world.buyer)
    assert [(s.store_id, s.goods_total, s.shipping_fee, s.total) for s in preview.stores] == [
        (ids["tea"], 19800, 0, 19800),  # 198.00 reaches the 99.00 threshold
        (ids["nike"], 139700, 1500, 141200),
        (ids["farm"], 7100, 600, 7700)]
    assert (preview.goods_total, preview.shipping_total, preview.grand_total) == (166600, 2100, 168700)
    assert not preview.has_problems


def test_the_preview_can_cover_some_lines_only(rt: Runtime, world: World) -> None:
    ids = fill_cart(rt, world)
    preview = trade.checkout_preview(rt, world.buyer, [world.shops["farm"].skus[0]])
    assert [(s.store_id, s.total) for s in preview.stores] == [(ids["farm"], 5000)]


# --- placing ------------------------------------------------------------------------------------------------------

def test_placing_creates_one_payment_and_one_order_per_store(rt: Runtime, world: World) -> None:
    ids = fill_cart(rt, world)
    set_fees(rt, world)
    placed = preview_and_place(rt, world)
    assert placed.amount == 168700
    assert placed.expires_at == rt.clock.now() + timedelta(minutes=15)
    assert sorted((o.store_id, o.total) for o in placed.orders) == sorted(
        [(ids["tea"], 19800), (ids["nike"], 141200), (ids["farm"], 7700)])
    assert all(looks_like_order_no(o.order_no) for o in placed.orders)
    assert len({o.order_no for o in placed.orders}) == 3
    assert payment_status(rt, placed.payment_id) == ("open", 168700)
    rows = {r.store_id: r for r in order_rows(rt)}
    assert {(r.status, r.payment_id, r.consumer_id) for r in rows.values()} == {
        ("pending_payment", placed.payment_id, world.buyer.user_id)}
    assert (rows[ids["nike"]].goods_total, rows[ids["nike"]].shipping_fee, rows[ids["nike"]].commission) == (
        139700, 1500, 6985)  # flagship 5 % of 1,397.00, none on shipping
    assert rows[ids["tea"]].address["recipient"] == "Wang Fang"


def test_placing_reserves_the_stock_and_empties_the_bought_lines(rt: Runtime, world: World) -> None:
    fill_cart(rt, world)
    preview_and_place(rt, world)
    assert stock_of(rt, world.shops["tea"].skus[0]) == (3, 2)
    assert stock_of(rt, world.shops["nike"].skus[1]) == (8, 2)
    assert stock_of(rt, world.shops["farm"].skus[0]) == (96, 4)
    assert trade.cart(rt, world.buyer).is_empty


def test_placing_some_lines_leaves_the_others_in_the_cart(rt: Runtime, world: World) -> None:
    fill_cart(rt, world)
    farm = world.shops["farm"].skus[0]
    placed = preview_and_place(rt, world, sku_ids=[farm])
    assert [o.total for o in placed.orders] == [5000]
    left = trade.cart(rt, world.buyer)
    assert sorted(x.sku_id for g in left.groups for x in g.lines) == sorted(
        [world.shops["tea"].skus[0], *world.shops["nike"].skus, world.shops["farm"].skus[1]])


def test_lines_keep_their_snapshot_and_commission_rate(rt: Runtime, world: World) -> None:
    fill_cart(rt, world)
    placed = preview_and_place(rt, world)
    catalog.set_commission_rate(rt, world.operator, world.tree.apparel.id, "independent", 1000)
    catalog.set_sku_price(rt, world.shops["tea"].owner, world.shops["tea"].skus[0], 100)
    tea_order = next(o for o in placed.orders if o.store_id == world.shops["tea"].store_id)
    detail = trade.my_order(rt, world.buyer, tea_order.order_no)
    assert [(x.title_en, x.unit_price, x.quantity, x.line_total, x.vertical_id, x.commission_bp, x.commission)
            for x in detail.lines] == [("Tee TEA", 9900, 2, 19800, world.tree.apparel.id, 300, 594)]
    assert detail.commission == 594
    assert [(e.status, e.note) for e in detail.events] == [(OrderStatus.PENDING_PAYMENT, "placed")]


def test_order_numbers_are_random_not_sequential(rt: Runtime, world: World) -> None:
    numbers = []
    for _ in range(3):
        trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 1)
        numbers.append(int(preview_and_place(rt, world).orders[0].order_no))
    assert len(set(numbers)) == 3
    assert all(abs(a - b) > 1000 for a in numbers for b in numbers if a != b)


# --- refusals that change nothing ---------------------------------------------------------------------------------

def test_a_stale_fingerprint_is_refused(rt: Runtime, world: World) -> None:
    fill_cart(rt, world)
    preview = trade.checkout_preview(rt, world.buyer)
    catalog.set_sku_price(rt, world.shops["nike"].owner, world.shops["nike"].skus[0], 49900)
    before = snapshot(rt)
    with pytest.raises(CartStale) as caught:
        trade.place_order(rt, world.buyer, address_id=world.address_id, fingerprint=preview.fingerprint,
                          idempotency_key="k1")
    assert (caught.value.code, caught.value.status) == ("cart_stale", 409)
    assert snapshot(rt) == before


def test_a_changed_quantity_or_fee_makes_the_fingerprint_stale(rt: Runtime, world: World) -> None:
    fill_cart(rt, world)
    preview = trade.checkout_preview(rt, world.buyer)
    trade.set_shipping_settings(rt, world.shops["farm"].owner, world.shops["farm"].store_id, 600, None)
    with pytest.raises(CartStale):
        trade.place_order(rt, world.buyer, address_id=world.address_id, fingerprint=preview.fingerprint,
                          idempotency_key=None)
    preview = trade.checkout_preview(rt, world.buyer)
    trade.set_cart_quantity(rt, world.buyer, world.shops["farm"].skus[0], 5)
    with pytest.raises(CartStale):
        trade.place_order(rt, world.buyer, address_id=world.address_id, fingerprint=preview.fingerprint,
                          idempotency_key=None)


def test_more_than_in_stock_is_refused_and_nothing_is_reserved(rt: Runtime, world: World) -> None:
    fill_cart(rt, world)
    trade.set_cart_quantity(rt, world.buyer, world.shops["tea"].skus[0], 6)  # 5 in stock
    before = snapshot(rt)
    with pytest.raises(StockInsufficient) as caught:
        preview_and_place(rt, world, key="k1")
    assert caught.value.params["sku_ids"] == [world.shops["tea"].skus[0]]
    assert snapshot(rt) == before


def test_an_inactive_sku_or_a_suspended_store_stops_placement(rt: Runtime, world: World) -> None:
    fill_cart(rt, world)
    preview = trade.checkout_preview(rt, world.buyer)
    catalog.deactivate_sku(rt, world.shops["nike"].owner, world.shops["nike"].skus[1])
    before = snapshot(rt)
    with pytest.raises(SkuUnavailable):
        trade.place_order(rt, world.buyer, address_id=world.address_id, fingerprint=preview.fingerprint,
                          idempotency_key=None)
    assert snapshot(rt) == before
    trade.remove_from_cart(rt, world.buyer, world.shops["nike"].skus[1])
    stores.suspend_store(rt, world.operator, world.shops["farm"].store_id, "fraud")
    before = snapshot(rt)
    with pytest.raises(SkuUnavailable) as caught:
        preview_and_place(rt, world)
    assert caught.value.params["reason"] == "store_suspended"
    assert snapshot(rt) == before


def test_an_empty_cart_or_someone_elses_address_is_refused(rt: Runtime, world: World) -> None:
    with pytest.raises(CartEmpty):
        preview_and_place(rt, world)
    fill_cart(rt, world)
    other = person(rt, "other@example.com")
    before = snapshot(rt)
    with pytest.raises(AddressNotFound):
        preview_and_place(rt, world, buyer=world.buyer, address_id="01HZZZZZZZZZZZZZZZZZZZZZZZ")
    trade.add_to_cart(rt, other, world.shops["farm"].skus[0], 1)
    before = snapshot(rt)
    with pytest.raises(AddressNotFound):
        preview_and_place(rt, world, buyer=other, address_id=world.address_id)
    assert snapshot(rt) == before


# --- idempotency --------------------------------------------------------------------------------------------------

def test_a_retry_with_the_same_key_returns_the_first_answer(rt: Runtime, world: World) -> None:
    fill_cart(rt, world)
    preview = trade.checkout_preview(rt, world.buyer)
    first = trade.place_order(rt, world.buyer, address_id=world.address_id, fingerprint=preview.fingerprint,
                              idempotency_key="key-1")
    after_first = snapshot(rt)
    again = trade.place_order(rt, world.buyer, address_id=world.address_id, fingerprint=preview.fingerprint,
                              idempotency_key="key-1")
    assert again == first
    assert snapshot(rt) == after_first
    with pytest.raises(IdempotencyKeyReused) as caught:
        trade.place_order(rt, world.buyer, address_id=world.address_id, fingerprint="0" * 32,
                          idempotency_key="key-1")
    assert caught.value.status == 409
    assert snapshot(rt) == after_first


# --- the payment timeout ------------------------------------------------------------------------------------------

def test_the_timeout_closes_the_payment_cancels_the_orders_and_releases_the_stock(rt: Runtime, world: World) -> None:
    fill_cart(rt, world)
    placed = preview_and_place(rt, world)
    assert run_jobs(rt, timedelta(minutes=14)) == 0
    assert run_jobs(rt, timedelta(minutes=1)) == 2  # the close, then the buyer's credit rescore
    assert payment_status(rt, placed.payment_id)[0] == "closed"
    assert {(r.status, r.cancel_reason) for r in order_rows(rt)} == {("cancelled", None)}
    assert stock_of(rt, world.shops["tea"].skus[0]) == (5, 0)
    assert stock_of(rt, world.shops["nike"].skus[1]) == (10, 0)
    detail = trade.my_order(rt, world.buyer, placed.orders[0].order_no)
    assert [(e.status, e.note, e.actor_id) for e in detail.events] == [
        (OrderStatus.PENDING_PAYMENT, "placed", world.buyer.user_id),
        (OrderStatus.CANCELLED, "payment_timeout", None)]


def test_the_timeout_does_nothing_once_the_payment_was_captured(rt: Runtime, world: World) -> None:
    fill_cart(rt, world)
    placed = preview_and_place(rt, world)
    capture(rt, placed.payment_id)
    paid = snapshot(rt)
    run_jobs(rt, timedelta(minutes=15))
    after = snapshot(rt)
    assert {k: v for k, v in after.items() if k != "jobs"} == {k: v for k, v in paid.items() if k != "jobs"}
    assert {r.status for r in order_rows(rt)} == {"paid"}
    assert stock_of(rt, world.shops["tea"].skus[0]) == (3, 0)


def test_the_close_job_runs_once_per_payment(rt: Runtime, world: World) -> None:
    fill_cart(rt, world)
    placed = preview_and_place(rt, world)
    with rt.uow(read_only=True) as uow:
        queued = list(uow.conn.execute(sa.select(jobs.c.kind, jobs.c.key, jobs.c.run_at)))
    assert queued == [("trade.close_payment", f"trade.close_payment:{placed.payment_id}", placed.expires_at)]
    run_jobs(rt, timedelta(minutes=15))
    trade.close_payment_job(rt, {"payment_id": placed.payment_id})  # a second delivery changes nothing
    with rt.uow(read_only=True) as uow:
        cancelled = uow.conn.execute(sa.select(sa.func.count()).select_from(order_events)
                                     .where(order_events.c.status == "cancelled")).scalar_one()
    assert cancelled == 3
    assert stock_of(rt, world.shops["tea"].skus[0]) == (5, 0)


# --- SQL economy --------------------------------------------------------------------------------------------------

def test_placing_a_three_store_five_line_cart_issues_at_most_25_statements(rt: Runtime, world: World) -> None:
    fill_cart(rt, world)
    set_fees(rt, world)
    preview = trade.checkout_preview(rt, world.buyer)
    assert (len(preview.stores), sum(len(s.lines) for s in preview.stores)) == (3, 5)
    with counting(rt.engine) as statements:
        trade.place_order(rt, world.buyer, address_id=world.address_id, fingerprint=preview.fingerprint,
                          idempotency_key="sql-budget")
    print(f"place_order, 3 stores / 5 lines: {len(statements)} statements")
    assert len(statements) <= 25, "\n".join(statements)
    with rt.uow(read_only=True) as uow:
        assert uow.conn.execute(sa.select(sa.func.count()).select_from(order_lines)).scalar_one() == 5

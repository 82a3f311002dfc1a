"""Checkout through the promotion engine, on both databases: a three-store cart with a store full reduction, a
store coupon, a cross-store reduction the platform half funds and a platform voucher, priced to the fen per line,
order and payment; coupons spent at placement and back when the payment times out; the platform subsidy paid at
settlement and checked by ledger verify; refusals that change nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from checkout_fixtures import Promos, add_promotions, fill_cart
from pricing_helpers import add_promotion

from mercato.kernel.idgen import new_id
from mercato.kernel.runtime import Runtime
from mercato.payments import service as payments
from mercato.payments.model import SUBSIDY, merchant_account
from mercato.payments.tables import ledger_entries, ledger_lines, payment_parts
from mercato.pricing import service as pricing
from mercato.pricing.model import Context, Kind, Line, PromoClass, Promotion, Scope, Tier
from mercato.pricing.tables import held_coupons, promotions
from mercato.trade import service as trade
from mercato.trade.model import CartStale, DiscountRow, OrderTotalZero, PlacedOrder, PriceHint, line_commission
from mercato.trade.tables import order_line_discounts, order_lines, orders
from trade.trade_helpers import World, build_world, capture, counting, run_jobs, snapshot


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


@pytest.fixture
def promos(rt: Runtime, world: World) -> Promos:
    return add_promotions(rt, world)


def place(rt: Runtime, world: World) -> PlacedOrder:
    preview = trade.checkout_preview(rt, world.buyer)
    return trade.place_order(rt, world.buyer, address_id=world.address_id, fingerprint=preview.fingerprint,
                             idempotency_key=f"place-{new_id()}")


def rows(rt: Runtime, query: Any) -> list[Any]:
    with rt.uow(read_only=True) as uow:
        return list(uow.conn.execute(query))


def held_status(rt: Runtime, promos: Promos) -> list[tuple[str, str | None]]:
    found = {r.id: (r.status, r.payment_id) for r in rows(rt, sa.select(held_coupons))}
    return [found[promos.coupon_held], found[promos.voucher_held]]


# --- the preview --------------------------------------------------------------------------------------------------

def test_the_preview_shows_each_stores_discounts_the_platform_ones_and_what_the_consumer_pays(
        rt: Runtime, world: World, promos: Promos) -> None:
    skus = fill_cart(rt, world)
    preview = trade.checkout_preview(rt, world.buyer)
    tea, nike, farm = (world.shops[n].store_id for n in ("tea", "nike", "farm"))
    by_store = {s.store_id: s for s in preview.stores}
    assert [(s.goods_original, s.discount, s.goods_total, s.shipping_fee, s.total, s.platform_funded)
            for s in (by_store[tea], by_store[nike], by_store[farm])] == [
        (19800, 3923, 15877, 0, 15877, 1109), (39900, 6986, 32914, 0, 32914, 2299),
        (5000, 91, 4909, 800, 5709, 91)]  # farm's fee is back: its goods after discounts are below 50.00
    assert [(p.sku_id, p.original, p.discount, p.paid) for p in by_store[tea].prices] == [
        (skus["tea"], 19800, 3923, 15877)]
    assert by_store[tea].discounts == (
        DiscountRow(promos.coupon, promos.coupon_held, PromoClass.STORE, "Tea coupon", "茶店券", 2000),
        DiscountRow(promos.cross, "", PromoClass.CROSS_STORE, "Double 11", "双11", 1627),
        DiscountRow(promos.voucher, promos.voucher_held, PromoClass.PLATFORM_VOUCHER, "Red envelope", "红包", 296))
    assert preview.platform_discounts == (
        DiscountRow(promos.cross, "", PromoClass.CROSS_STORE, "Double 11", "双11", 5000),
        DiscountRow(promos.voucher, promos.voucher_held, PromoClass.PLATFORM_VOUCHER, "Red envelope", "红包", 1000))
    assert (preview.goods_original, preview.discount, preview.goods_total, preview.shipping_total,
            preview.grand_total) == (64700, 11000, 53700, 800, 54500)
    assert preview.hints == (PriceHint(promos.cross, "", "Double 11", "双11", 5300, 5000),)
    assert preview.used_held == tuple(sorted((promos.coupon_held, promos.voucher_held)))


def test_a_cross_store_reduction_no_cart_store_opted_in_to_is_left_out(rt: Runtime, world: World) -> None:
    trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 40)
    lonely = Promotion(new_id(), Kind.CROSS_STORE_REDUCTION, every=30000, amount=5000)
    with rt.uow() as uow:
        add_promotion(uow.conn, lonely, owner="platform", opted=(world.shops["tea"].store_id,))
        uow.commit()
    preview = trade.checkout_preview(rt, world.buyer)
    assert (preview.goods_original, preview.discount, preview.grand_total) == (50000, 0, 50000)


def test_a_promotion_row_the_engine_refuses_is_left_out_instead_of_breaking_the_checkout(rt: Runtime,
                                                                                          world: World) -> None:
    trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 4)
    broken = Promotion(new_id(), Kind.STORE_REDUCTION, scope=Scope(frozenset({world.shops["farm"].store_id})),
                       tiers=(Tier(1000, 100),))
    with rt.uow() as uow:
        add_promotion(uow.conn, broken, owner="platform")
        uow.conn.execute(promotions.update().where(promotions.c.id == broken.promotion_id).values(store_id=None))
        uow.commit()
    preview = trade.checkout_preview(rt, world.buyer)
    assert (preview.goods_original, preview.discount, preview.grand_total) == (5000, 0, 5000)


def test_quote_in_prices_lines_with_the_promotions_of_their_stores(rt: Runtime, world: World,
                                                                   promos: Promos) -> None:
    nike = world.shops["nike"].store_id
    line = Line("l1", world.shops["nike"].skus[1], nike, "v", 39900, 1)
    with rt.uow(read_only=True) as uow:
        quote = pricing.quote_in(uow, lines=[line], context=Context(), now=rt.clock.now())
    assert (quote.original, quote.payable) == (39900, 31900)  # 30.00 store reduction, then 50.00 cross-store
    assert [(d.promotion_id, d.amount, d.merchant, d.platform) for d in quote.lines[0].discounts] == [
        (promos.reduction, 3000, 3000, 0), (promos.cross, 5000, 2500, 2500)]


# --- placement ----------------------------------------------------------------------------------------------------

def test_placement_keeps_every_discount_per_line_and_spends_the_coupons(rt: Runtime, world: World,
                                                                        promos: Promos) -> None:
    skus = fill_cart(rt, world)
    placed = place(rt, world)
    assert placed.amount == 54500
    order_rows = {r.store_id: r for r in rows(rt, sa.select(orders))}
    assert sorted((r.goods_original, r.discount, r.goods_total, r.shipping_fee, r.total, r.platform_funded)
                  for r in order_rows.values()) == [
        (5000, 91, 4909, 800, 5709, 91), (19800, 3923, 15877, 0, 15877, 1109), (39900, 6986, 32914, 0, 32914, 2299)]
    lines = {r.sku_id: r for r in rows(rt, sa.select(order_lines))}
    assert [(lines[s].line_total, lines[s].discount, lines[s].paid) for s in (skus["tea"], skus["nike"],
                                                                               skus["farm"])] == [
        (19800, 3923, 15877), (39900, 6986, 32914), (5000, 91, 4909)]
    for sku, platform in ((skus["tea"], 1109), (skus["nike"], 2299), (skus["farm"], 91)):
        line = lines[sku]
        assert line.commission == line_commission(line.paid + platform, line.commission_bp)
    parts = rows(rt, sa.select(order_line_discounts.c.order_line_id, order_line_discounts.c.promotion_id,
                               order_line_discounts.c.held_id, order_line_discounts.c.amount,
                               order_line_discounts.c.merchant, order_line_discounts.c.platform))
    assert sorted((r.order_line_id, r.promotion_id, r.held_id, r.amount, r.merchant, r.platform) for r in parts) == \
        sorted([
            (lines[skus["tea"]].id, promos.coupon, promos.coupon_held, 2000, 2000, 0),
            (lines[skus["tea"]].id, promos.cross, None, 1627, 814, 813),
            (lines[skus["tea"]].id, promos.voucher, promos.voucher_held, 296, 0, 296),
            (lines[skus["nike"]].id, promos.reduction, None, 3000, 3000, 0),
            (lines[skus["nike"]].id, promos.cross, None, 3373, 1687, 1686),
            (lines[skus["nike"]].id, promos.voucher, promos.voucher_held, 613, 0, 613),
            (lines[skus["farm"]].id, promos.voucher, promos.voucher_held, 91, 0, 91)])
    assert sorted(int(r.amount) for r in rows(rt, sa.select(payment_parts))) == [5709, 15877, 32914]
    assert held_status(rt, promos) == [("used", placed.payment_id), ("used", placed.payment_id)]


def test_settlement_pays_the_platform_subsidy_and_the_ledger_verifies(rt: Runtime, world: World,
                                                                      promos: Promos) -> None:
    fill_cart(rt, world)
    placed = place(rt, world)
    capture(rt, placed.payment_id)
    for ref in placed.orders:
        owner = next(s.owner for s in world.shops.values() if s.store_id == ref.store_id)
        trade.ship_order(rt, owner, ref.store_id, ref.order_no, "SF Express", "SF1234567")
        trade.confirm_receipt(rt, world.buyer, ref.order_no)
    order_rows = {r.store_id: r for r in rows(rt, sa.select(orders))}
    settled = {r.store_id: (int(r.amount), int(r.commission), int(r.subsidy), r.status)
               for r in rows(rt, sa.select(payment_parts))}
    balances = {a.account: a.balance for a in payments.ledger_accounts(rt, world.operator)}
    for store_id, order in order_rows.items():
        assert settled[store_id] == (order.total, order.commission, order.platform_funded, "settled")
        assert balances[merchant_account(store_id)] == -(order.total - order.commission + order.platform_funded)
        with rt.uow(read_only=True) as uow:
            assert payments.balance_in(uow, store_id).available == \
                order.total - order.commission + order.platform_funded
    assert balances[SUBSIDY] == 1109 + 2299 + 91
    assert payments.verify_ledger(rt, world.operator) == []
    assert trade.verify_ledger(rt) == []


def _settle_one(rt: Runtime, world: World) -> str:
    fill_cart(rt, world)
    placed = place(rt, world)
    capture(rt, placed.payment_id)
    ref = next(r for r in placed.orders if r.store_id == world.shops["nike"].store_id)
    trade.ship_order(rt, world.shops["nike"].owner, ref.store_id, ref.order_no, "SF Express", "SF1234567")
    trade.confirm_receipt(rt, world.buyer, ref.order_no)
    return ref.order_id


def _subsidy_line(order_id: str) -> Any:
    entry = sa.select(ledger_entries.c.id).where(ledger_entries.c.source == f"settle:{order_id}").scalar_subquery()
    return sa.and_(ledger_lines.c.entry_id == entry, ledger_lines.c.account == SUBSIDY)


def test_ledger_verify_fails_when_the_subsidy_line_is_wrong(rt: Runtime, world: World, promos: Promos) -> None:
    order_id = _settle_one(rt, world)
    with rt.uow() as uow:
        uow.conn.execute(ledger_lines.update().where(_subsidy_line(order_id)).values(amount=2000))
        uow.commit()
    checks = sorted((p.check, p.expected, p.actual) for p in payments.verify_ledger(rt, world.operator))
    assert checks == [("entry_balanced", 0, 2000 - 2299), ("subsidy_paid", 2299, 2000)]


def test_ledger_verify_fails_when_the_subsidy_line_is_missing(rt: Runtime, world: World, promos: Promos) -> None:
    order_id = _settle_one(rt, world)
    with rt.uow() as uow:
        uow.conn.execute(ledger_lines.delete().where(_subsidy_line(order_id)))
        uow.commit()
    checks = sorted((p.check, p.expected, p.actual) for p in payments.verify_ledger(rt, world.operator))
    assert checks == [("entry_balanced", 0, -2299), ("subsidy_paid", 2299, 0)]


# --- coupons back, stale prices, free orders, SQL --------------------------------------------------------------------

def test_the_coupons_come_back_when_the_payment_times_out(rt: Runtime, world: World, promos: Promos) -> None:
    fill_cart(rt, world)
    placed = place(rt, world)
    run_jobs(rt, timedelta(minutes=rt.settings.payment_timeout_minutes + 1))
    assert held_status(rt, promos) == [("available", None), ("available", None)]
    assert {r.status for r in rows(rt, sa.select(orders).where(orders.c.payment_id == placed.payment_id))} == {
        "cancelled"}
    with rt.uow(read_only=True) as uow:
        assert {h.held_id for h in pricing.held_in(uow, world.buyer.user_id, rt.clock.now())} == {
            promos.coupon_held, promos.voucher_held}


def test_cancelling_one_of_two_unpaid_orders_keeps_the_coupons_spent_and_the_last_gives_them_back(
        rt: Runtime, world: World, promos: Promos) -> None:
    fill_cart(rt, world)
    placed = place(rt, world)
    first, second, third = placed.orders
    trade.cancel_order(rt, world.buyer, first.order_no)
    trade.cancel_order(rt, world.buyer, second.order_no)
    assert held_status(rt, promos) == [("used", placed.payment_id), ("used", placed.payment_id)]
    trade.cancel_order(rt, world.buyer, third.order_no)
    assert held_status(rt, promos) == [("available", None), ("available", None)]


def test_a_paid_payment_keeps_its_coupons_spent_after_the_timeout(rt: Runtime, world: World,
                                                                  promos: Promos) -> None:
    fill_cart(rt, world)
    placed = place(rt, world)
    capture(rt, placed.payment_id)
    run_jobs(rt, timedelta(minutes=rt.settings.payment_timeout_minutes + 1))
    assert held_status(rt, promos) == [("used", placed.payment_id), ("used", placed.payment_id)]


def test_a_promotion_paused_between_preview_and_placement_makes_the_cart_stale(rt: Runtime, world: World,
                                                                               promos: Promos) -> None:
    fill_cart(rt, world)
    preview = trade.checkout_preview(rt, world.buyer)
    with rt.uow() as uow:
        uow.conn.execute(promotions.update().where(promotions.c.id == promos.cross).values(status="paused"))
        uow.commit()
    before = snapshot(rt)
    with pytest.raises(CartStale):
        trade.place_order(rt, world.buyer, address_id=world.address_id, fingerprint=preview.fingerprint,
                          idempotency_key="stale")
    assert snapshot(rt) == before
    assert held_status(rt, promos) == [("available", None), ("available", None)]


def test_an_order_discounted_to_nothing_is_refused_and_nothing_changes(rt: Runtime, world: World) -> None:
    farm = world.shops["farm"]
    trade.add_to_cart(rt, world.buyer, farm.skus[0], 2)
    free = Promotion(new_id(), Kind.SPECIAL_PRICE, scope=Scope(frozenset({farm.store_id})), price=0)
    with rt.uow() as uow:
        add_promotion(uow.conn, free, owner="store", store_id=farm.store_id)
        uow.commit()
    preview = trade.checkout_preview(rt, world.buyer)
    assert (preview.discount, preview.grand_total) == (2500, 0)
    before = snapshot(rt)
    with pytest.raises(OrderTotalZero) as refused:
        trade.place_order(rt, world.buyer, address_id=world.address_id, fingerprint=preview.fingerprint,
                          idempotency_key="free")
    assert (refused.value.code, refused.value.status) == ("order_total_zero", 409)
    assert snapshot(rt) == before


def test_placing_with_four_promotions_issues_at_most_25_statements(rt: Runtime, world: World,
                                                                   promos: Promos) -> None:
    fill_cart(rt, world)
    preview = trade.checkout_preview(rt, world.buyer)
    with counting(rt.engine) as statements:
        trade.place_order(rt, world.buyer, address_id=world.address_id, fingerprint=preview.fingerprint,
                          idempotency_key="sql-budget")
    print(f"place_order with four promotions: {len(statements)} statements")
    assert len(statements) <= 25, "\n".join(statements)

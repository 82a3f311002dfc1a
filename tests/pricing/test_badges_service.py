"""The badge use cases on both databases: which stored promotions reach a product or a store (status, window,
scope, opt-ins, claimability), their names, and a fixed number of statements for any number of products."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from pricing_helpers import add_promotion

from mercato.kernel.idgen import new_id
from mercato.kernel.runtime import Runtime
from mercato.pricing import service as pricing
from mercato.pricing.model import Kind, Promotion, Scope, Window
from mercato.pricing.model.badges import Badge, SkuPrice, UnitPrice
from storefront.catalog_rows import CatalogRows


@dataclass
class Shops:
    rows: CatalogRows
    own: str
    other: str
    vertical: str


@pytest.fixture
def shops(rt: Runtime) -> Shops:
    rows = CatalogRows(rt)
    return Shops(rows, rows.store(slug="own-shop"), rows.store(slug="other-shop"), rows.category("apparel").id)


def add(rt: Runtime, promo: Promotion, *, owner: str = "store", **columns: Any) -> str:
    """A store's promotion belongs to the one store of its scope; a platform one to none."""
    store_id = next(iter(promo.scope.store_ids)) if owner == "store" else None
    with rt.uow() as uow:
        add_promotion(uow.conn, promo, owner=owner, store_id=store_id, **columns)
        uow.commit()
    return promo.promotion_id


def shop(store_id: str, *sku_ids: str) -> Scope:
    return Scope(store_ids=frozenset({store_id}), sku_ids=frozenset(sku_ids))


def product(shops: Shops, *prices: int) -> pricing.ProductSkus:
    product_id = new_id()
    skus = tuple(SkuPrice(f"{product_id}-{i}", shops.own, shops.vertical, p) for i, p in enumerate(prices))
    return pricing.ProductSkus(product_id, shops.own, skus)


@contextmanager
def counting(rt: Runtime) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(rt.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(rt.engine, "before_cursor_execute", record)


def test_a_products_badges_come_from_its_stores_open_promotions_with_their_names(rt: Runtime, shops: Shops) -> None:
    goods = product(shops, 20000)
    special = add(rt, Promotion(new_id(), Kind.SPECIAL_PRICE, scope=shop(shops.own, goods.skus[0].sku_id),
                                price=15900), name_en="Autumn price", name_zh="秋季特价")
    reduction = add(rt, Promotion(new_id(), Kind.STORE_REDUCTION, scope=shop(shops.own), every=20000, amount=2000))
    found = pricing.product_badges(rt, [goods])
    assert found.of(goods.product_id).badges == (
        Badge(special, Kind.SPECIAL_PRICE, price=15900),
        Badge(reduction, Kind.STORE_REDUCTION, amount=2000, every=20000),
    )
    assert found.of(goods.product_id).prices == (UnitPrice(goods.skus[0].sku_id, 20000, 15900),)
    assert found.names[special] == pricing.PromotionName("Autumn price", "秋季特价")


def test_a_paused_ended_or_future_promotion_shows_no_badge(rt: Runtime, shops: Shops) -> None:
    goods, now = product(shops, 20000), rt.clock.now()
    add(rt, Promotion(new_id(), Kind.ITEM_DISCOUNT, scope=shop(shops.own), percent=10), status="paused")
    add(rt, Promotion(new_id(), Kind.ITEM_DISCOUNT, scope=shop(shops.own), percent=10), status="ended")
    add(rt, Promotion(new_id(), Kind.ITEM_DISCOUNT, scope=shop(shops.own), percent=10,
                      window=Window(now - timedelta(days=2), now)))
    add(rt, Promotion(new_id(), Kind.ITEM_DISCOUNT, scope=shop(shops.own), percent=10,
                      window=Window(now + timedelta(hours=1), None)))
    found = pricing.product_badges(rt, [goods]).of(goods.product_id)
    assert found.badges == ()
    assert found.prices == (UnitPrice(goods.skus[0].sku_id, 20000, 20000),)


def test_another_stores_promotion_and_a_promotion_of_another_sku_are_not_badged(rt: Runtime, shops: Shops) -> None:
    goods = product(shops, 20000)
    add(rt, Promotion(new_id(), Kind.ITEM_DISCOUNT, scope=shop(shops.other), percent=30))
    add(rt, Promotion(new_id(), Kind.SPECIAL_PRICE, scope=shop(shops.own, "some-other-sku"), price=100))
    assert pricing.product_badges(rt, [goods]).of(goods.product_id).badges == ()


def test_a_festival_shows_only_on_goods_of_stores_that_opted_in(rt: Runtime, shops: Shops) -> None:
    joined, not_joined = product(shops, 20000), product(shops, 20000)
    not_joined = pricing.ProductSkus(not_joined.product_id, shops.other,
                                     tuple(SkuPrice(s.sku_id, shops.other, shops.vertical, s.unit_price)
                                           for s in not_joined.skus))
    festival = add(rt, Promotion(new_id(), Kind.CROSS_STORE_REDUCTION, scope=shop(shops.own), every=30000,
                                 amount=5000), owner="platform", opted=[shops.own],
                   name_en="Double 11", name_zh="双十一")
    found = pricing.product_badges(rt, [joined, not_joined])
    assert found.of(joined.product_id).badges == (
        Badge(festival, Kind.CROSS_STORE_REDUCTION, amount=5000, every=30000),)
    assert found.of(not_joined.product_id).badges == ()
    assert found.names[festival] == pricing.PromotionName("Double 11", "双十一")


def test_a_coupon_is_claimable_until_it_is_sold_out(rt: Runtime, shops: Shops) -> None:
    goods = product(shops, 20000)
    open_ = add(rt, Promotion(new_id(), Kind.STORE_COUPON, scope=shop(shops.own), threshold=9900, amount=1000),
                total_quantity=10, issued=9)
    add(rt, Promotion(new_id(), Kind.STORE_COUPON, scope=shop(shops.own), threshold=9900, amount=2000),
        total_quantity=10, issued=10)
    add(rt, Promotion(new_id(), Kind.STORE_COUPON, scope=shop(shops.own), threshold=9900, amount=3000),
        claimable=False)
    found = pricing.product_badges(rt, [goods]).of(goods.product_id)
    assert found.badges == (Badge(open_, Kind.STORE_COUPON, amount=1000, threshold=9900, claimable=True),)


def test_badges_for_many_products_of_many_stores_take_two_statements(rt: Runtime, shops: Shops) -> None:
    rows = shops.rows
    many = []
    for i in range(5):
        store = rows.store(slug=f"many-{i}")
        add(rt, Promotion(new_id(), Kind.CROSS_STORE_REDUCTION, scope=shop(store), every=30000, amount=5000),
            owner="platform", opted=[store])
        add(rt, Promotion(new_id(), Kind.ITEM_DISCOUNT, scope=shop(store), percent=10))
        many.append(pricing.ProductSkus(new_id(), store, (SkuPrice(new_id(), store, shops.vertical, 10000),)))
    with counting(rt) as statements:
        found = pricing.product_badges(rt, many)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2
    assert [len(found.of(p.product_id).badges) for p in many] == [2, 2, 2, 2, 2]
    assert [found.of(p.product_id).prices[0].price for p in many] == [9000] * 5


def test_a_store_shows_its_own_and_joined_promotions_with_its_claimable_coupons(rt: Runtime, shops: Shops) -> None:
    coupon = add(rt, Promotion(new_id(), Kind.STORE_COUPON, scope=shop(shops.own), threshold=9900, amount=1000))
    festival = add(rt, Promotion(new_id(), Kind.CROSS_STORE_REDUCTION, scope=shop(shops.own), every=30000,
                                 amount=5000), owner="platform", opted=[shops.own])
    add(rt, Promotion(new_id(), Kind.STORE_REDUCTION, scope=shop(shops.other), every=10000, amount=1000))
    found = pricing.store_badges_of(rt, shops.own)
    assert [b.promotion_id for b in found.badges] == [festival, coupon]
    assert [b.promotion_id for b in found.coupons] == [coupon]

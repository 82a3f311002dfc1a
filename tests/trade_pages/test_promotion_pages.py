"""The cart, checkout and order pages with promotions, on both engines: each store's discounts by name, a line's
price after them, the platform-wide discounts, the goods after discounts, what the consumer pays and the hints;
the order page's discount per line after placing through the form."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from trade_pages_helpers import World, as_person, build_world, csrf_from, hidden

from mercato.kernel.runtime import Runtime
from mercato.trade import service as trade
from pricing.checkout_fixtures import Promos, add_promotions, fill_cart


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


@pytest.fixture
def promos(rt: Runtime, world: World) -> Promos:
    return add_promotions(rt, world)


@pytest.fixture
def buyer(client: TestClient, rt: Runtime, world: World) -> TestClient:
    return as_person(client, rt, world.buyer)


def texts_of(html: str, name: str) -> list[str]:
    found = re.findall(rf'<[^>]*data-testid="{name}"[^>]*>(.*?)</(?:td|th|tr|li|span|s|strong)>', html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in found]


def names_of(html: str, testid: str) -> list[str]:
    rows = re.findall(rf'data-testid="{testid}".*?<th[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>', html, flags=re.S)
    return [f"{name.strip()} {amount.strip()}" for name, amount in rows]


def test_the_checkout_shows_each_stores_discounts_the_platform_ones_and_the_hints(
        buyer: TestClient, rt: Runtime, world: World, promos: Promos) -> None:
    fill_cart(rt, world)
    page = buyer.get("/checkout").text
    assert texts_of(page, "store-goods-original") == ["¥198.00", "¥399.00", "¥50.00"]
    assert texts_of(page, "store-goods-total") == ["¥158.77", "¥329.14", "¥49.09"]
    assert texts_of(page, "store-shipping-fee") == ["Free", "Free", "¥8.00"]
    assert page.count("Free from ¥50.00 (of goods after discounts)") == 1
    assert names_of(page, "discount-row")[:3] == ["Tea coupon -¥20.00", "Double 11 -¥16.27", "Red envelope -¥2.96"]
    assert names_of(page, "platform-discount-row") == ["Double 11 -¥50.00", "Red envelope -¥10.00"]
    assert texts_of(page, "checkout-discount") == ["-¥110.00"]
    assert texts_of(page, "checkout-grand-total") == ["¥545.00"]
    assert texts_of(page, "price-hint") == [
        "Add ¥53.00 more from the participating stores to get ¥50.00 off (Double 11)"]
    assert texts_of(page, "line-paid") == ["¥158.77", "¥329.14", "¥49.09"]
    assert hidden(page, "fingerprint") == trade.checkout_preview(rt, world.buyer).fingerprint


def test_the_cart_shows_the_discounts_and_the_goods_after_them(buyer: TestClient, rt: Runtime, world: World,
                                                               promos: Promos) -> None:
    fill_cart(rt, world)
    page = buyer.get("/cart").text
    assert texts_of(page, "cart-store-subtotal") == ["¥198.00", "¥399.00", "¥50.00"]
    assert texts_of(page, "cart-store-after-discounts") == ["¥158.77", "¥329.14", "¥49.09"]
    assert names_of(page, "discount-row")[3:5] == ["Double 11 -¥33.73", "Nike 300 off 30 -¥30.00"]
    assert texts_of(page, "cart-total-after-discounts") == ["¥537.00"]
    assert texts_of(page, "cart-line-total") == ["¥198.00", "¥399.00", "¥50.00"]
    assert texts_of(page, "line-paid") == ["¥158.77", "¥329.14", "¥49.09"]
    assert texts_of(page, "price-hint") == [
        "Add ¥53.00 more from the participating stores to get ¥50.00 off (Double 11)"]


def test_the_chinese_pages_name_the_promotions_in_chinese(buyer: TestClient, rt: Runtime, world: World,
                                                          promos: Promos) -> None:
    fill_cart(rt, world)
    buyer.cookies.set("mercato_lang", "zh-CN")
    page = buyer.get("/checkout").text
    assert '<html lang="zh-CN">' in page
    assert names_of(page, "platform-discount-row") == ["双11 -¥50.00", "红包 -¥10.00"]


def test_the_order_page_shows_the_discount_of_each_line(buyer: TestClient, rt: Runtime, world: World,
                                                        promos: Promos) -> None:
    fill_cart(rt, world)
    page = buyer.get("/checkout").text
    form = {"csrf_token": csrf_from(page), "fingerprint": hidden(page, "fingerprint"),
            "idempotency_key": hidden(page, "idempotency_key"), "address_id": world.address_id}
    assert buyer.post("/checkout", data=form, follow_redirects=False).status_code == 303
    nike = next(o for o in trade.my_orders(rt, world.buyer).items if o.store_id == world.shops["nike"].store_id)
    order = buyer.get(f"/orders/{nike.order_no}").text
    assert texts_of(order, "order-line-original") == ["¥399.00"]
    assert texts_of(order, "order-line-discount") == ["Discount ¥69.86"]
    assert texts_of(order, "order-line-paid") == ["¥329.14"]
    assert texts_of(order, "order-discount") == ["-¥69.86"]
    assert texts_of(order, "order-goods-total") == ["¥329.14"]

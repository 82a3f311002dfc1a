"""The checkout with promotions over HTTP: the preview's breakdown per store, the platform-wide discounts and the
hints; placing with an Idempotency-Key; the order's discount per line; a spent coupon as problem+json."""

from __future__ import annotations

from typing import Any

import pytest
from checkout_fixtures import Promos, add_promotions, fill_cart
from fastapi.testclient import TestClient

from mercato.kernel.runtime import Runtime
from mercato.pricing import service as pricing
from support import bearer
from trade.trade_helpers import World, build_world


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


@pytest.fixture
def promos(rt: Runtime, world: World) -> Promos:
    return add_promotions(rt, world)


def test_the_preview_answers_the_breakdown_and_the_hints(client: TestClient, rt: Runtime, world: World,
                                                         promos: Promos) -> None:
    skus = fill_cart(rt, world)
    response = client.get("/api/v1/checkout/preview", headers=bearer(rt, world.buyer))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["goods_original"], body["discount"], body["goods_total"], body["shipping_total"],
            body["grand_total"]) == (64700, 11000, 53700, 800, 54500)
    tea = next(s for s in body["stores"] if s["store_id"] == world.shops["tea"].store_id)
    assert (tea["goods_original"], tea["discount"], tea["goods_total"], tea["total"]) == (19800, 3923, 15877, 15877)
    assert tea["prices"] == [{"sku_id": skus["tea"], "original": 19800, "discount": 3923, "paid": 15877,
                              "platform": 1109}]
    assert [(d["name_en"], d["promo_class"], d["amount"]) for d in tea["discounts"]] == [
        ("Tea coupon", "store", 2000), ("Double 11", "cross_store", 1627), ("Red envelope", "platform_voucher", 296)]
    assert [(d["name_zh"], d["held_id"], d["amount"]) for d in body["platform_discounts"]] == [
        ("双11", None, 5000), ("红包", promos.voucher_held, 1000)]
    assert body["used_held"] == sorted([promos.coupon_held, promos.voucher_held])
    assert body["hints"] == [{"promotion_id": promos.cross, "store_id": None, "name_en": "Double 11",
                              "name_zh": "双11", "missing": 5300, "gained": 5000}]


def _place(client: TestClient, headers: dict[str, str], world: World, key: str, fingerprint: str) -> Any:
    return client.post("/api/v1/orders", headers={**headers, "Idempotency-Key": key},
                       json={"address_id": world.address_id, "fingerprint": fingerprint})


def test_placing_answers_the_discounted_amount_and_the_order_shows_each_lines_discount(
        client: TestClient, rt: Runtime, world: World, promos: Promos) -> None:
    skus = fill_cart(rt, world)
    headers = bearer(rt, world.buyer)
    fingerprint = client.get("/api/v1/checkout/preview", headers=headers).json()["fingerprint"]
    placed = _place(client, headers, world, "promo-1", fingerprint)
    assert placed.status_code == 201, placed.text
    assert placed.json()["amount"] == 54500
    again = _place(client, headers, world, "promo-1", fingerprint)
    assert (again.status_code, again.json()["payment_id"]) == (201, placed.json()["payment_id"])
    nike = next(o for o in placed.json()["orders"] if o["store_id"] == world.shops["nike"].store_id)
    detail = client.get(f"/api/v1/orders/{nike['order_no']}", headers=headers).json()
    assert (detail["goods_original"], detail["discount"], detail["goods_total"]) == (39900, 6986, 32914)
    assert [(x["sku_id"], x["line_total"], x["discount"], x["paid"]) for x in detail["lines"]] == [
        (skus["nike"], 39900, 6986, 32914)]


def test_a_preview_whose_coupon_was_spent_meanwhile_is_409_cart_stale(client: TestClient, rt: Runtime,
                                                                       world: World, promos: Promos) -> None:
    fill_cart(rt, world)
    headers = bearer(rt, world.buyer)
    preview = client.get("/api/v1/checkout/preview", headers=headers).json()
    with rt.uow() as uow:
        pricing.spend_held_in(uow, consumer_id=world.buyer.user_id, held_ids=[promos.voucher_held],
                              payment_id="ELSEWHERE", now=rt.clock.now())
        uow.commit()
    response = client.post("/api/v1/orders", headers={**headers, "Idempotency-Key": "stale"},
                           json={"address_id": world.address_id, "fingerprint": preview["fingerprint"]})
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "cart_stale"

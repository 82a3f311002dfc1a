"""The trade JSON API over HTTP: the cart, addresses, preview, placing with an Idempotency-Key, the consumer's
orders, merchants' orders and shipping, the operator's list; refusals as problem+json with their codes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from trade_helpers import World, capture, snapshot

from mercato.kernel.runtime import Runtime
from support import bearer

PROBLEM = "application/problem+json"


@pytest.fixture
def buyer(rt: Runtime, world: World) -> dict[str, str]:
    return bearer(rt, world.buyer)


def problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == code


def fill(client: TestClient, world: World, buyer: dict[str, str]) -> dict[str, Any]:
    for sku, quantity in ((world.shops["tea"].skus[0], 2), (world.shops["nike"].skus[0], 1)):
        response = client.post("/api/v1/cart/lines", headers=buyer, json={"sku_id": sku, "quantity": quantity})
        assert response.status_code == 200, response.text
    preview = client.get("/api/v1/checkout/preview", headers=buyer)
    assert preview.status_code == 200
    return preview.json()


def place(client: TestClient, world: World, buyer: dict[str, str], key: str) -> Any:
    preview = fill(client, world, buyer)
    return client.post("/api/v1/orders", headers={**buyer, "Idempotency-Key": key},
                       json={"address_id": world.address_id, "fingerprint": preview["fingerprint"]})


def test_the_cart_over_http(client: TestClient, world: World, buyer: dict[str, str]) -> None:
    sku = world.shops["tea"].skus[0]
    added = client.post("/api/v1/cart/lines", headers=buyer, json={"sku_id": sku, "quantity": 2}).json()
    assert [(s["store_name_en"], [(x["sku_id"], x["quantity"], x["line_total"]) for x in s["lines"]])
            for s in added["stores"]] == [("Tea-Shop", [(sku, 2, 19800)])]
    changed = client.put(f"/api/v1/cart/lines/{sku}", headers=buyer, json={"quantity": 6}).json()
    assert changed["stores"][0]["lines"][0]["problem"] == "out_of_stock"
    assert client.get("/api/v1/cart", headers=buyer).json() == changed
    assert client.delete(f"/api/v1/cart/lines/{sku}", headers=buyer).json()["stores"] == []
    problem(client.delete(f"/api/v1/cart/lines/{sku}", headers=buyer), 404, "not_found")


@pytest.mark.parametrize("quantity", [0, 1000, -3])
def test_a_bad_quantity_is_400_cart_quantity_invalid(client: TestClient, rt: Runtime, world: World,
                                                     buyer: dict[str, str], quantity: int) -> None:
    before = snapshot(rt)
    problem(client.post("/api/v1/cart/lines", headers=buyer,
                        json={"sku_id": world.shops["tea"].skus[0], "quantity": quantity}), 400,
            "cart_quantity_invalid")
    assert snapshot(rt) == before


def test_an_unknown_sku_is_404(client: TestClient, world: World, buyer: dict[str, str]) -> None:
    problem(client.post("/api/v1/cart/lines", headers=buyer, json={"sku_id": "nope", "quantity": 1}), 404,
            "not_found")


def test_the_address_book_over_http(client: TestClient, world: World, buyer: dict[str, str]) -> None:
    created = client.post("/api/v1/addresses", headers=buyer, json={
        "recipient": "Li Lei", "phone": "13900000000", "region": "Beijing", "city": "Beijing", "line1": "2 Rd"})
    assert created.status_code == 201
    made = client.post(f"/api/v1/addresses/{created.json()['id']}/default", headers=buyer).json()
    assert made["is_default"] is True
    listed = client.get("/api/v1/addresses", headers=buyer).json()
    assert [(a["id"], a["is_default"]) for a in listed] == [(made["id"], True), (world.address_id, False)]
    assert client.delete(f"/api/v1/addresses/{made['id']}", headers=buyer).status_code == 204
    problem(client.post("/api/v1/addresses", headers=buyer, json={
        "recipient": "", "phone": "1", "region": "B", "city": "B", "line1": "2 Rd"}), 400, "address_invalid")


def test_placing_answers_the_payment_and_one_order_per_store(client: TestClient, world: World,
                                                            buyer: dict[str, str]) -> None:
    placed = place(client, world, buyer, "order-1")
    assert placed.status_code == 201, placed.text
    body = placed.json()
    assert body["amount"] == 79700
    assert sorted((o["store_id"], o["total"]) for o in body["orders"]) == sorted(
        [(world.shops["tea"].store_id, 19800), (world.shops["nike"].store_id, 59900)])
    assert all(len(o["order_no"]) == 20 for o in body["orders"])
    assert client.get("/api/v1/cart", headers=buyer).json()["stores"] == []


def test_a_retry_returns_the_first_answer_and_another_body_is_409(client: TestClient, rt: Runtime, world: World,
                                                                  buyer: dict[str, str]) -> None:
    preview = fill(client, world, buyer)
    request = {"address_id": world.address_id, "fingerprint": preview["fingerprint"]}
    headers = {**buyer, "Idempotency-Key": "order-2"}
    first = client.post("/api/v1/orders", headers=headers, json=request)
    assert first.status_code == 201
    after = snapshot(rt)
    retry = client.post("/api/v1/orders", headers=headers, json=request)
    assert (retry.status_code, retry.json()) == (201, first.json())
    problem(client.post("/api/v1/orders", headers=headers, json={**request, "fingerprint": "0" * 32}), 409,
            "idempotency_key_reused")
    assert snapshot(rt) == after


def test_a_stale_cart_is_409(client: TestClient, rt: Runtime, world: World, buyer: dict[str, str]) -> None:
    fill(client, world, buyer)
    before = snapshot(rt)
    problem(client.post("/api/v1/orders", headers=buyer,
                        json={"address_id": world.address_id, "fingerprint": "0" * 32}), 409, "cart_stale")
    assert snapshot(rt) == before


def test_my_orders_cancel_and_confirm(client: TestClient, rt: Runtime, world: World, buyer: dict[str, str]) -> None:
    placed = place(client, world, buyer, "order-3").json()
    listed = client.get("/api/v1/orders", headers=buyer).json()
    assert sorted(o["order_no"] for o in listed["items"]) == sorted(o["order_no"] for o in placed["orders"])
    number = placed["orders"][0]["order_no"]
    detail = client.get(f"/api/v1/orders/{number}", headers=buyer).json()
    assert (detail["status"], detail["address"]["city"], detail["events"][0]["note"]) == (
        "pending_payment", "Hangzhou", "placed")
    problem(client.post(f"/api/v1/orders/{number}/confirm", headers=buyer), 409, "order_not_shipped")
    cancelled = client.post(f"/api/v1/orders/{number}/cancel", headers={**buyer, "Idempotency-Key": "c1"},
                            json={"reason": "wrong colour"})
    assert cancelled.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/orders/{number}/cancel", headers={**buyer, "Idempotency-Key": "c1"},
                        json={"reason": "wrong colour"})
    assert again.json() == cancelled.json()
    problem(client.post(f"/api/v1/orders/{number}/cancel", headers=buyer, json={}), 409, "order_not_cancellable")


def test_someone_elses_order_is_404(client: TestClient, rt: Runtime, world: World, buyer: dict[str, str]) -> None:
    placed = place(client, world, buyer, "order-4").json()
    number = placed["orders"][0]["order_no"]
    other = bearer(rt, world.shops["tea"].owner)
    problem(client.get(f"/api/v1/orders/{number}", headers=other), 404, "not_found")
    problem(client.post(f"/api/v1/orders/{number}/cancel", headers=other, json={}), 404, "not_found")
    problem(client.post(f"/api/v1/orders/{number}/confirm", headers=other), 404, "not_found")


def test_merchants_ship_their_paid_orders(client: TestClient, rt: Runtime, world: World,
                                          buyer: dict[str, str]) -> None:
    placed = place(client, world, buyer, "order-5").json()
    tea = world.shops["tea"]
    number = next(o["order_no"] for o in placed["orders"] if o["store_id"] == tea.store_id)
    owner = bearer(rt, tea.owner)
    url = f"/api/v1/merchant/stores/{tea.store_id}/orders/{number}/ship"
    shipment = {"carrier": "SF Express", "tracking_no": "SF1234567890"}
    problem(client.post(url, headers=owner, json=shipment), 409, "order_not_paid")
    capture(rt, placed["payment_id"])
    nike = bearer(rt, world.shops["nike"].owner)
    problem(client.post(f"/api/v1/merchant/stores/{world.shops['nike'].store_id}/orders/{number}/ship",
                        headers=nike, json=shipment), 404, "not_found")
    problem(client.post(url, headers=nike, json=shipment), 404, "not_found")
    shipped = client.post(url, headers=owner, json=shipment)
    assert shipped.json()["status"] == "shipped"
    listed = client.get(f"/api/v1/merchant/stores/{tea.store_id}/orders?status=shipped", headers=owner).json()
    assert [o["order_no"] for o in listed["items"]] == [number]
    detail = client.get(f"/api/v1/merchant/stores/{tea.store_id}/orders/{number}", headers=owner).json()
    assert (detail["carrier"], detail["tracking_no"]) == ("SF Express", "SF1234567890")
    confirmed = client.post(f"/api/v1/orders/{number}/confirm", headers=buyer)
    assert confirmed.json()["status"] == "completed"


def test_shipping_settings_over_http(client: TestClient, rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    owner = bearer(rt, tea.owner)
    url = f"/api/v1/merchant/stores/{tea.store_id}/shipping"
    assert client.get(url, headers=owner).json() == {"store_id": tea.store_id, "flat_fee": 0,
                                                     "free_threshold": None, "is_default": True}
    saved = client.put(url, headers=owner, json={"flat_fee": 800, "free_threshold": 9900}).json()
    assert (saved["flat_fee"], saved["free_threshold"], saved["is_default"]) == (800, 9900, False)
    problem(client.put(url, headers=bearer(rt, world.shops["nike"].owner), json={"flat_fee": 1}), 404, "not_found")
    assert client.put(url, headers=owner, json={"flat_fee": -1}).status_code == 422


def test_operators_see_every_order(client: TestClient, rt: Runtime, world: World, buyer: dict[str, str]) -> None:
    placed = place(client, world, buyer, "order-6").json()
    ops = bearer(rt, world.operator)
    listed = client.get("/api/v1/ops/orders", headers=ops).json()
    assert sorted(o["order_no"] for o in listed["items"]) == sorted(o["order_no"] for o in placed["orders"])
    number = placed["orders"][0]["order_no"]
    assert client.get(f"/api/v1/ops/orders/{number}", headers=ops).json()["order_no"] == number
    problem(client.get("/api/v1/ops/orders", headers=buyer), 403, "access_denied")


def test_anonymous_callers_are_401(client: TestClient) -> None:
    for method, path in (("get", "/api/v1/cart"), ("post", "/api/v1/orders"), ("get", "/api/v1/orders")):
        problem(client.request(method.upper(), path, json={}), 401, "not_authenticated")


def test_the_preview_can_cover_chosen_lines(client: TestClient, world: World, buyer: dict[str, str]) -> None:
    fill(client, world, buyer)
    nike = world.shops["nike"].skus[0]
    preview = client.get(f"/api/v1/checkout/preview?sku_ids={nike}", headers=buyer).json()
    assert [(s["store_id"], s["total"]) for s in preview["stores"]] == [(world.shops["nike"].store_id, 59900)]
    assert preview["grand_total"] == 59900

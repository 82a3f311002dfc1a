"""The catalog API through the whole app on both engines: exact statuses and problem codes, and on every refusal
nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from catalog_helpers import Tree, person, snapshot
from fastapi.testclient import TestClient

from mercato.accounts import service as accounts
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime


def bearer(rt: Runtime, who: Principal) -> dict[str, str]:
    plain, _ = accounts.create_api_token(rt, who, "tests")
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def merchant_h(rt: Runtime, merchant: Principal) -> dict[str, str]:
    return bearer(rt, merchant)


@pytest.fixture
def other_h(rt: Runtime, other_merchant: Principal, other_store_id: str) -> dict[str, str]:
    return bearer(rt, other_merchant)


@pytest.fixture
def ops_h(rt: Runtime, operator: Principal) -> dict[str, str]:
    return bearer(rt, operator)


def body(tree: Tree, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category_id": tree.tees.id, "title_en": "Cotton tee", "title_zh": "纯棉T恤",
        "attributes": {"size_system": "CN"}, "image_urls": ["https://img.example.com/a.jpg"],
        "skus": [{"code": "TEE-M", "options": {"size": "M"}, "price_minor": 9900, "list_price_minor": 12900,
                  "stock": 4},
                 {"code": "TEE-L", "options": {"size": "L"}, "price_minor": 10900}]}
    data.update(overrides)
    return data


def create(client: TestClient, store_id: str, headers: dict[str, str], tree: Tree, **overrides: Any) -> Any:
    response = client.post(f"/api/v1/merchant/stores/{store_id}/products", json=body(tree, **overrides),
                           headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_the_public_tree_nests_active_categories_with_inherited_attributes(
        client: TestClient, rt: Runtime, operator: Principal, tree: Tree) -> None:
    from mercato.catalog import service as catalog

    catalog.update_category(rt, operator, tree.medicine.id, active=False)
    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    roots = response.json()
    assert [(c["slug"], [k["slug"] for k in c["children"]]) for c in roots] == [("apparel", ["tops"]),
                                                                               ("health", [])]
    tees = roots[0]["children"][0]["children"][0]
    assert [a["code"] for a in tees["attributes"]] == ["material", "size_system"]


def test_a_merchant_lists_a_product_and_reads_it_back_with_stock(
        client: TestClient, merchant_h: dict[str, str], store_id: str, tree: Tree) -> None:
    created = create(client, store_id, merchant_h, tree)
    assert (created["status"], created["min_price_minor"], created["max_price_minor"], created["in_stock"]) == (
        "active", 9900, 10900, True)
    read = client.get(f"/api/v1/merchant/products/{created['id']}", headers=merchant_h).json()
    assert [(s["code"], s["available"]) for s in read["skus"]] == [("TEE-M", 4), ("TEE-L", 0)]
    page = client.get(f"/api/v1/merchant/stores/{store_id}/products?status=active", headers=merchant_h).json()
    assert [p["id"] for p in page["items"]] == [created["id"]]


def test_a_refused_listing_answers_400_with_every_violation_and_changes_nothing(
        client: TestClient, rt: Runtime, merchant_h: dict[str, str], store_id: str, tree: Tree) -> None:
    before = snapshot(rt)
    response = client.post(f"/api/v1/merchant/stores/{store_id}/products", headers=merchant_h, json=body(
        tree, title_en="", attributes={}, skus=[{"code": "A", "price_minor": 0}]))
    assert response.status_code == 400
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["code"] == "listing_rejected"
    assert [(v["code"], v["field"]) for v in problem["params"]["violations"]] == [
        ("title_length", "title_en"), ("attribute_missing", "attributes.size_system"),
        ("price_out_of_range", "skus[0].price_minor")]
    assert snapshot(rt) == before


@pytest.mark.parametrize("bad", [
    {"skus": "many"}, {"title_en": "x" * 1001}, {"skus": [{"code": "A", "price_minor": "99"}]},
    {"skus": [{"code": "A", "price_minor": 1.5}]}, {"unexpected": 1}, {"skus": [{"code": "A", "price_minor": 10**13}]}])
def test_malformed_requests_are_422(client: TestClient, rt: Runtime, merchant_h: dict[str, str], store_id: str,
                                    tree: Tree, bad: dict[str, Any]) -> None:
    before = snapshot(rt)
    response = client.post(f"/api/v1/merchant/stores/{store_id}/products", json=body(tree, **bad),
                           headers=merchant_h)
    assert (response.status_code, response.json()["code"]) == (422, "request_malformed")
    assert snapshot(rt) == before


def test_another_stores_merchant_gets_404_everywhere_and_nothing_changes(
        client: TestClient, rt: Runtime, merchant_h: dict[str, str], other_h: dict[str, str], store_id: str,
        tree: Tree) -> None:
    product = create(client, store_id, merchant_h, tree)
    sku = product["skus"][0]["id"]
    before = snapshot(rt)
    attempts = [
        ("post", f"/api/v1/merchant/stores/{store_id}/products", body(tree)),
        ("get", f"/api/v1/merchant/stores/{store_id}/products", None),
        ("get", f"/api/v1/merchant/products/{product['id']}", None),
        ("patch", f"/api/v1/merchant/products/{product['id']}", {"title_en": "Mine now"}),
        ("post", f"/api/v1/merchant/products/{product['id']}/skus", {"code": "Z", "options": {"size": "S"},
                                                                     "price_minor": 1}),
        ("patch", f"/api/v1/merchant/skus/{sku}", {"price_minor": 1}),
        ("post", f"/api/v1/merchant/products/{product['id']}/delist", None),
        ("put", f"/api/v1/merchant/skus/{sku}/stock", {"quantity": 0}),
        ("post", f"/api/v1/merchant/skus/{sku}/stock/adjust", {"delta": -1}),
        ("get", f"/api/v1/merchant/stores/{store_id}/stock", None)]
    for method, url, payload in attempts:
        response = client.request(method, url, json=payload, headers=other_h)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), url
    assert snapshot(rt) == before


def test_merchant_endpoints_need_a_login(client: TestClient, store_id: str) -> None:
    response = client.get(f"/api/v1/merchant/stores/{store_id}/products")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


def test_editing_skus_and_delisting(client: TestClient, merchant_h: dict[str, str], store_id: str,
                                    tree: Tree) -> None:
    product = create(client, store_id, merchant_h, tree)
    sku = product["skus"][0]["id"]
    patched = client.patch(f"/api/v1/merchant/skus/{sku}", json={"price_minor": 5000, "list_price_minor": None},
                           headers=merchant_h)
    assert patched.status_code == 200
    assert (patched.json()["price_minor"], patched.json()["list_price_minor"]) == (5000, None)
    added = client.post(f"/api/v1/merchant/products/{product['id']}/skus", headers=merchant_h,
                        json={"code": "TEE-S", "options": {"size": "S"}, "price_minor": 20000, "stock": 3})
    assert (added.status_code, added.json()["available"]) == (201, 3)
    read = client.get(f"/api/v1/merchant/products/{product['id']}", headers=merchant_h).json()
    assert (read["min_price_minor"], read["max_price_minor"]) == (5000, 20000)
    off = client.patch(f"/api/v1/merchant/skus/{sku}", json={"status": "inactive"}, headers=merchant_h)
    assert (off.status_code, off.json()["status"]) == (200, "inactive")
    edited = client.patch(f"/api/v1/merchant/products/{product['id']}", json={"title_en": "Organic tee"},
                          headers=merchant_h)
    assert (edited.status_code, edited.json()["title_en"]) == (200, "Organic tee")
    delisted = client.post(f"/api/v1/merchant/products/{product['id']}/delist", headers=merchant_h)
    assert (delisted.status_code, delisted.json()["status"]) == (200, "delisted")
    again = client.post(f"/api/v1/merchant/products/{product['id']}/delist", headers=merchant_h)
    assert (again.status_code, again.json()["code"]) == (409, "product_status_conflict")
    relisted = client.post(f"/api/v1/merchant/products/{product['id']}/relist", headers=merchant_h)
    assert (relisted.status_code, relisted.json()["status"]) == (200, "active")


def test_a_list_price_below_the_price_is_400_and_unchanged(client: TestClient, rt: Runtime,
                                                           merchant_h: dict[str, str], store_id: str,
                                                           tree: Tree) -> None:
    product = create(client, store_id, merchant_h, tree)
    before = snapshot(rt)
    response = client.patch(f"/api/v1/merchant/skus/{product['skus'][0]['id']}", json={"price_minor": 20000},
                            headers=merchant_h)
    assert (response.status_code, response.json()["code"]) == (400, "listing_rejected")
    assert snapshot(rt) == before


def test_stock_endpoints(client: TestClient, rt: Runtime, merchant_h: dict[str, str], store_id: str,
                         tree: Tree) -> None:
    product = create(client, store_id, merchant_h, tree)
    sku = product["skus"][0]["id"]
    put = client.put(f"/api/v1/merchant/skus/{sku}/stock", json={"quantity": 8}, headers=merchant_h)
    assert (put.status_code, put.json()["available"]) == (200, 8)
    adjusted = client.post(f"/api/v1/merchant/skus/{sku}/stock/adjust", json={"delta": -3}, headers=merchant_h)
    assert (adjusted.status_code, adjusted.json()["available"]) == (200, 5)
    before = snapshot(rt)
    too_many = client.post(f"/api/v1/merchant/skus/{sku}/stock/adjust", json={"delta": -6}, headers=merchant_h)
    assert (too_many.status_code, too_many.json()["code"]) == (409, "stock_insufficient")
    for payload in ({"quantity": -1}, {"quantity": 1_000_001}, {"quantity": "5"}, {"quantity": 2.5}, {}):
        response = client.put(f"/api/v1/merchant/skus/{sku}/stock", json=payload, headers=merchant_h)
        assert response.status_code == 422, payload
    zero = client.post(f"/api/v1/merchant/skus/{sku}/stock/adjust", json={"delta": 0}, headers=merchant_h)
    assert (zero.status_code, zero.json()["code"]) == (400, "stock_quantity_invalid")
    assert snapshot(rt) == before
    listing = client.get(f"/api/v1/merchant/stores/{store_id}/stock?low_stock_only=true", headers=merchant_h)
    assert sorted(r["available"] for r in listing.json()["items"]) == [0, 5]
    unknown = client.put(f"/api/v1/merchant/skus/{'0' * 26}/stock", json={"quantity": 1}, headers=merchant_h)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")


def test_a_consumer_is_refused_on_operator_endpoints_and_nothing_changes(
        client: TestClient, rt: Runtime, tree: Tree) -> None:
    consumer = bearer(rt, person(rt, "shopper@example.com"))
    before = snapshot(rt)
    attempts = [("post", "/api/v1/ops/categories", {"slug": "x", "name_en": "X", "name_zh": "X"}),
                ("patch", f"/api/v1/ops/categories/{tree.tops.id}", {"restricted": True}),
                ("put", f"/api/v1/ops/categories/{tree.tops.id}/attributes", {"attributes": []}),
                ("get", "/api/v1/ops/commission-rates", None),
                ("put", "/api/v1/ops/commission-rates", {"vertical_id": tree.apparel.id, "store_kind": "flagship",
                                                         "rate_bp": 1}),
                ("get", "/api/v1/ops/prohibited-words", None),
                ("post", "/api/v1/ops/prohibited-words", {"word": "fake"}),
                ("get", "/api/v1/ops/product-reviews", None)]
    for method, url, payload in attempts:
        response = client.request(method, url, json=payload, headers=consumer)
        assert (response.status_code, response.json()["code"]) == (403, "access_denied"), url
    assert snapshot(rt) == before


def test_operators_manage_categories_rates_and_words(client: TestClient, ops_h: dict[str, str],
                                                     tree: Tree) -> None:
    made = client.post("/api/v1/ops/categories", headers=ops_h, json={
        "parent_id": tree.tops.id, "slug": "shirts", "name_en": "Shirts", "name_zh": "衬衫"})
    assert (made.status_code, made.json()["level"]) == (201, 3)
    deep = client.post("/api/v1/ops/categories", headers=ops_h, json={
        "parent_id": made.json()["id"], "slug": "oxford", "name_en": "Oxford", "name_zh": "牛津纺"})
    assert (deep.status_code, deep.json()["code"]) == (400, "category_too_deep")
    attrs = client.put(f"/api/v1/ops/categories/{made.json()['id']}/attributes", headers=ops_h, json={
        "attributes": [{"code": "collar", "name_en": "Collar", "name_zh": "领", "options": ["button", "spread"]}]})
    assert [a["code"] for a in attrs.json()["attributes"]] == ["collar"]
    toggled = client.patch(f"/api/v1/ops/categories/{made.json()['id']}", headers=ops_h, json={"restricted": True})
    assert toggled.json()["restricted"] is True
    rate = client.put("/api/v1/ops/commission-rates", headers=ops_h,
                      json={"vertical_id": tree.apparel.id, "store_kind": "flagship", "rate_bp": 800})
    assert rate.json() == {"vertical_id": tree.apparel.id, "store_kind": "flagship", "rate_bp": 800,
                           "is_default": False}
    bad = client.put("/api/v1/ops/commission-rates", headers=ops_h,
                     json={"vertical_id": tree.apparel.id, "store_kind": "flagship", "rate_bp": 5001})
    assert (bad.status_code, bad.json()["code"]) == (400, "commission_rate_invalid")
    assert len(client.get("/api/v1/ops/commission-rates", headers=ops_h).json()) == 4
    word = client.post("/api/v1/ops/prohibited-words", headers=ops_h, json={"word": "Fake"})
    assert (word.status_code, word.json()["word"]) == (201, "fake")
    dup = client.post("/api/v1/ops/prohibited-words", headers=ops_h, json={"word": "FAKE"})
    assert (dup.status_code, dup.json()["code"]) == (409, "prohibited_word_duplicate")
    gone = client.delete(f"/api/v1/ops/prohibited-words/{word.json()['id']}", headers=ops_h)
    assert gone.status_code == 204
    assert client.get("/api/v1/ops/prohibited-words", headers=ops_h).json() == []


def test_operators_review_restricted_listings(client: TestClient, rt: Runtime, ops_h: dict[str, str],
                                              merchant_h: dict[str, str], store_id: str, tree: Tree) -> None:
    first = create(client, store_id, merchant_h, tree, category_id=tree.medicine.id, attributes={})
    second = create(client, store_id, merchant_h, tree, category_id=tree.medicine.id, attributes={},
                    skus=[{"code": "MED-2", "price_minor": 100}])
    assert first["status"] == "pending_review"
    queue = client.get("/api/v1/ops/product-reviews", headers=ops_h).json()
    assert [p["id"] for p in queue["items"]] == [first["id"], second["id"]]
    approved = client.post(f"/api/v1/ops/product-reviews/{first['id']}/approve", headers=ops_h)
    assert (approved.status_code, approved.json()["status"]) == (200, "active")
    before = snapshot(rt)
    empty = client.post(f"/api/v1/ops/product-reviews/{second['id']}/reject", headers=ops_h, json={"reason": ""})
    assert (empty.status_code, empty.json()["code"]) == (400, "reason_invalid")
    twice = client.post(f"/api/v1/ops/product-reviews/{first['id']}/approve", headers=ops_h)
    assert (twice.status_code, twice.json()["code"]) == (409, "product_status_conflict")
    unknown = client.post(f"/api/v1/ops/product-reviews/{'0' * 26}/approve", headers=ops_h)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert snapshot(rt) == before
    rejected = client.post(f"/api/v1/ops/product-reviews/{second['id']}/reject", headers=ops_h,
                           json={"reason": "No licence"})
    assert (rejected.json()["status"], rejected.json()["review_note"]) == ("rejected", "No licence")

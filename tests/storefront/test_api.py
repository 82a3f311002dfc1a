"""The storefront API: listings, facets, product detail, category and store listings, and every refusal's code."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from mercato.catalog.browse import encode_cursor
from storefront.catalog_rows import Market

PROBLEM = "application/problem+json"


def refused(client: TestClient, url: str, status: int, code: str) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == code


def test_listing_returns_cards_with_store_and_brand(client: TestClient, market: Market) -> None:
    response = client.get("/api/v1/products", params={"store_kind": "flagship"})
    assert response.status_code == 200
    body = response.json()
    assert body["next_cursor"] is None
    assert [(i["id"], i["title_zh"], i["store"]["kind"], i["brand"]["name_en"]) for i in body["items"]] == [
        (market.shirt, "纯棉T恤", "flagship", "Acme")]
    assert body["items"][0]["min_price_minor"] == 9900


def test_listing_pages_follow_the_cursor(client: TestClient, market: Market) -> None:
    first = client.get("/api/v1/products", params={"limit": 1, "sort": "price_asc"}).json()
    second = client.get("/api/v1/products", params={"limit": 1, "sort": "price_asc",
                                                    "cursor": first["next_cursor"]}).json()
    assert [first["items"][0]["id"], second["items"][0]["id"]] == [market.tea, market.shirt]
    assert second["next_cursor"] is None


def test_listing_filters_by_category_brand_price_and_stock(client: TestClient, market: Market) -> None:
    params = {"category": market.apparel.id, "brand": [market.acme], "min_price": 9000, "max_price": 10000,
              "in_stock": "true"}
    body = client.get("/api/v1/products", params=params).json()
    assert [i["id"] for i in body["items"]] == [market.shirt]
    assert client.get("/api/v1/products", params={"q": "龙井"}).json()["items"][0]["id"] == market.tea


@pytest.mark.parametrize(("query", "status", "code"), [
    ("cursor=garbage", 400, "cursor_invalid"),
    ("min_price=500&max_price=100", 400, "price_range_invalid"),
    ("limit=0", 422, "request_malformed"),
    ("limit=101", 422, "request_malformed"),
    ("limit=ten", 422, "request_malformed"),
    ("min_price=-1", 422, "request_malformed"),
    ("sort=cheapest", 422, "request_malformed"),
    ("store_kind=outlet", 422, "request_malformed"),
    ("in_stock=maybe", 422, "request_malformed"),
    ("q=" + "x" * 101, 422, "request_malformed"),
    ("brand=nope", 400, "input_invalid"),
    ("q=tea%00", 400, "input_invalid"),
    ("store=nope", 400, "input_invalid"),
    ("category=01ARZ3NDEKTSV4RRFFQ69G5FAV", 404, "category_not_found"),
])
def test_bad_listing_parameters_are_refused_with_a_code(client: TestClient, market: Market, query: str,
                                                        status: int, code: str) -> None:
    refused(client, f"/api/v1/products?{query}", status, code)
    refused(client, f"/api/v1/products/facets?{query}", status, code)


def test_a_cursor_of_another_sort_is_refused(client: TestClient, market: Market) -> None:
    cursor = encode_cursor(["sales", 1, market.tea])
    refused(client, f"/api/v1/products?sort=newest&cursor={cursor}", 400, "cursor_invalid")


def test_facets_report_counts_and_whether_they_are_exact(client: TestClient, market: Market) -> None:
    body = client.get("/api/v1/products/facets").json()
    assert body["brands"] == [{"brand": {"id": market.acme, "slug": body["brands"][0]["brand"]["slug"],
                                         "name_en": "Acme", "name_zh": "极致"},
                               "brand_id": market.acme, "count": 1}]
    assert body["store_kinds"] == [{"value": "flagship", "count": 1}, {"value": "independent", "count": 1}]
    assert (body["in_stock"], body["scanned"], body["exact"]) == (2, 2, True)


def test_product_detail_has_skus_with_stock_and_axes(client: TestClient, market: Market) -> None:
    body = client.get(f"/api/v1/products/{market.shirt}").json()
    assert body["option_axes"] == [{"name": "colour", "values": ["Red", "Blue"]},
                                   {"name": "size", "values": ["M", "L"]}]
    assert [(s["id"], s["available"], s["stock_state"]) for s in body["skus"]] == [
        (market.red_m, 7, "in_stock"), (market.red_l, 0, "sold_out"), (market.blue_m, 2, "low")]
    assert [c["slug"] for c in body["categories"]] == ["apparel", "tops", "tees"]
    assert (body["store"]["slug"], body["brand"]["name_zh"]) == ("acme-official", "极致")


def test_delisted_unknown_and_malformed_products_are_not_found(client: TestClient, market: Market) -> None:
    refused(client, f"/api/v1/products/{market.hidden}", 404, "product_not_found")
    refused(client, f"/api/v1/products/{market.rows.new_id()}", 404, "product_not_found")
    refused(client, "/api/v1/products/" + "A" * 40, 422, "request_malformed")


def test_vertical_lists_its_products_and_unknown_is_not_found(client: TestClient, market: Market) -> None:
    body = client.get("/api/v1/verticals/apparel").json()
    assert body["category"]["slug"] == "apparel"
    assert [c["slug"] for c in body["children"]] == ["tops"]
    assert [i["id"] for i in body["products"]["items"]] == [market.shirt]
    refused(client, "/api/v1/verticals/nothing", 404, "category_not_found")
    refused(client, "/api/v1/verticals/Bad_Slug", 422, "request_malformed")


def test_store_products_lists_an_active_store_and_hides_unknown_ones(client: TestClient, market: Market) -> None:
    body = client.get("/api/v1/stores/leaf-and-cup/products").json()
    assert body["tags"] == ["handmade", "tea"]
    assert [i["id"] for i in body["products"]["items"]] == [market.tea]
    refused(client, "/api/v1/stores/nobody/products", 404, "store_not_found")
    refused(client, "/api/v1/stores/leaf-and-cup/products?cursor=zz", 400, "cursor_invalid")

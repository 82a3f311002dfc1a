"""`GET /api/v1/search/products` and the `/search` page over HTTP: results, facets, sorts, cursors, relaxation,
and every bad parameter refused with a stable code (or a 422 for a malformed one), never a full-text error."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from search_helpers import BAD_INPUTS, doc

from mercato.kernel.runtime import Runtime
from mercato.search import service

API = "/api/v1/search/products"


@pytest.fixture
def shop(rt: Runtime) -> Runtime:
    docs = [doc(f"p-mug-{i}", f"Red ceramic mug {i}", "红色马克杯", price_min=(10 + i) * 100,
                store_kind="flagship" if i % 2 else "independent") for i in range(5)]
    docs += [doc("p-scarf", "Red scarf", "红色围巾", vertical_id="v-fashion", price_min=20_000)]
    with rt.uow() as uow:
        service.index_products_in(uow, docs)
        uow.commit()
    return rt


def test_the_api_returns_hits_facets_terms_and_a_cursor(shop: Runtime, client: TestClient) -> None:
    body = client.get(API, params={"q": "red mug", "limit": 2}).json()
    assert [item["tier"] for item in body["items"]] == [0, 0]
    assert body["capped"] is False
    assert (body["terms"], body["dropped"], body["relaxed"], body["sort"]) == (["red", "mug"], [], False,
                                                                               "relevance")
    assert body["facets"]["counted"] == 5 and body["facets"]["store_kinds"] == [
        {"value": "independent", "count": 3}, {"value": "flagship", "count": 2}]
    following = client.get(API, params={"q": "red mug", "limit": 2, "cursor": body["next_cursor"]}).json()
    assert not {i["product_id"] for i in following["items"]} & {i["product_id"] for i in body["items"]}


def test_the_api_sorts_and_filters(shop: Runtime, client: TestClient) -> None:
    body = client.get(API, params={"q": "red", "sort": "price_desc", "vertical": "v-digital", "price_max": 1300,
                                   "store_kind": "independent"}).json()
    assert [item["product_id"] for item in body["items"]] == ["p-mug-2", "p-mug-0"]
    assert body["items"][0]["price_min"] == 1200


def test_the_api_says_which_terms_it_dropped(shop: Runtime, client: TestClient) -> None:
    body = client.get(API, params={"q": "scarf zzzunknown"}).json()
    assert (body["items"][0]["product_id"], body["dropped"], body["relaxed"]) == ("p-scarf", ["zzzunknown"], True)


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"sort": "cheapest"}, 400, "search_sort_invalid"),
    ({"store_kind": "outlet"}, 400, "search_filter_invalid"),
    ({"price_min": 500, "price_max": 100}, 400, "price_range_invalid"),
    ({"vertical": "bad id!"}, 400, "search_filter_invalid"),
    ({"cursor": "not-a-cursor"}, 400, "cursor_invalid"),
    ({"limit": 0}, 422, None),
    ({"limit": 101}, 422, None),
    ({"price_min": -1}, 422, None),
    ({"min_rating": 501}, 422, None),
    ({"in_stock": "perhaps"}, 422, None),
])
def test_bad_parameters_are_refused_with_a_stable_code(shop: Runtime, client: TestClient, params: dict[str, object],
                                                        status: int, code: str | None) -> None:
    response = client.get(API, params={"q": "red", **params})
    assert response.status_code == status
    if code is not None:
        assert response.json()["code"] == code


def test_every_bad_query_text_answers_without_error(shop: Runtime, client: TestClient) -> None:
    for raw in BAD_INPUTS:
        response = client.get(API, params={"q": raw})
        assert response.status_code == 200, raw
        assert all(item["product_id"].startswith("p-") for item in response.json()["items"])


def test_the_search_page_shows_cards_sorts_facets_and_the_relaxed_notice(shop: Runtime,
                                                                          client: TestClient) -> None:
    page = client.get("/search", params={"q": "scarf zzzunknown"})
    assert page.status_code == 200
    assert 'data-testid="relaxed-notice"' in page.text and "zzzunknown" in page.text
    sorted_page = client.get("/search", params={"q": "mug", "sort": "price_asc"})
    assert 'data-testid="sort-price_asc" aria-current="true"' in sorted_page.text
    assert 'data-testid="facet-kinds"' in sorted_page.text


def test_the_search_page_refuses_a_bad_price_with_a_message(shop: Runtime, client: TestClient) -> None:
    page = client.get("/search", params={"q": "mug", "price_min": "abc"})
    assert page.status_code == 400
    assert 'data-testid="search-error"' in page.text

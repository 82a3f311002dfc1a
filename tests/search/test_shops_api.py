"""The shop search and suggest endpoints over HTTP: results, the query log they feed, and bad input as 4xx at worst."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from search_helpers import BAD_INPUTS
from test_shops_service import Market, build_market

from mercato.kernel.runtime import Runtime
from mercato.search.shops_repo import QueryLogRepo


@pytest.fixture
def market(rt: Runtime) -> Market:
    return build_market(rt)


def logged(rt: Runtime, key: str) -> tuple[int, int] | None:
    with rt.uow(read_only=True) as uow:
        return QueryLogRepo(uow.conn).get(key)


def test_shop_search_answers_stores_with_their_tags_and_matching_goods(market: Market, client: TestClient) -> None:
    body = client.get("/api/v1/search/shops", params={"q": "Tea"}).json()
    first = body["items"][0]
    assert [i["slug"] for i in body["items"]] == ["tea-house", "acme-official"]
    assert (first["kind"], first["tags"], first["name_zh"]) == ("independent", ["tea", "茶叶"], "茶馆")
    assert [g["product_id"] for g in first["goods"]] == ["p-oolong", "p-green", "p-cup"]
    assert (body["terms"], body["dropped"], body["next_cursor"]) == (["tea"], [], None)


def test_distinctive_shops_over_http(market: Market, client: TestClient) -> None:
    body = client.get("/api/v1/search/shops", params={"q": "tea", "distinctive": "true"}).json()
    assert [(i["slug"], i["matching"], i["share"]) for i in body["items"]] == [("tea-house", 3, 0.5)]


def test_a_first_page_is_logged_once_and_a_later_page_not_at_all(market: Market, client: TestClient) -> None:
    first = client.get("/api/v1/search/shops", params={"q": "Tea", "limit": 1}).json()
    client.get("/api/v1/search/shops", params={"q": "Tea", "limit": 1, "cursor": first["next_cursor"]})
    assert logged(market.rt, "tea") == (1, 1)


def test_suggest_offers_a_logged_query_that_found_stores(market: Market, client: TestClient) -> None:
    client.get("/api/v1/search/shops", params={"q": "茶叶"})
    client.get("/api/v1/search/shops", params={"q": "茶叶"})
    client.get("/api/v1/search/shops", params={"q": "茶叶罐子飞船"})  # relaxed to 茶叶: found stores, so logged
    client.get("/api/v1/search/shops", params={"q": "zeppelin"})
    assert client.get("/api/v1/search/suggest", params={"q": "茶", "limit": 2}).json()["items"] == [
        {"text": "茶叶", "source": "query"}, {"text": "茶叶罐子飞船", "source": "query"}]
    assert client.get("/api/v1/search/suggest", params={"q": "zep"}).json()["items"] == []


@pytest.mark.parametrize("params", [{"kind": "outlet"}, {"limit": 0}, {"limit": 101}, {"distinctive": "maybe"},
                                    {"q": "x" * 5001}])
def test_absurd_parameters_are_a_422(market: Market, client: TestClient, params: dict[str, object]) -> None:
    response = client.get("/api/v1/search/shops", params={"q": "tea", **params})
    assert (response.status_code, response.json()["code"]) == (422, "request_malformed")


def test_a_forged_cursor_is_a_400_with_its_code(market: Market, client: TestClient) -> None:
    response = client.get("/api/v1/search/shops", params={"q": "tea", "cursor": "bm9wZQ"})
    assert (response.status_code, response.json()["code"]) == (400, "cursor_invalid")


def test_bad_queries_never_error_on_either_endpoint(market: Market, client: TestClient) -> None:
    for query in BAD_INPUTS:
        for distinctive in ("false", "true"):
            assert client.get("/api/v1/search/shops", params={"q": query, "distinctive": distinctive}
                              ).status_code == 200
        assert client.get("/api/v1/search/suggest", params={"q": query}).status_code == 200

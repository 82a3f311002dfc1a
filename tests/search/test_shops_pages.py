"""The shop results page over HTTP: stores by tag in both languages, kind badges, matching goods, distinctive shops."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from test_shops_service import Market, build_market

from mercato.kernel.runtime import Runtime


@pytest.fixture
def market(rt: Runtime) -> Market:
    return build_market(rt)


def test_the_page_finds_a_store_by_its_chinese_tag(market: Market, client: TestClient) -> None:
    page = client.get("/search/shops", params={"q": "运动鞋"}).text
    assert page.count('data-testid="shop-result"') == 1
    assert 'data-store-slug="shoe-corner"' in page and 'href="/s/shoe-corner"' in page
    assert 'data-testid="shop-tag">运动鞋<' in page and 'data-testid="store-badge"' in page


def test_the_page_shows_distinctive_shops_and_their_matching_goods(market: Market, client: TestClient) -> None:
    page = client.get("/search/shops", params={"q": "tea"}).text
    distinctive = page.split('data-testid="distinctive-shops"')[1].split('data-testid="shop-results"')[0]
    assert distinctive.count('data-testid="distinctive-shop"') == 1 and "tea-house" in distinctive
    assert "3 matching goods" in distinctive
    assert page.count('data-testid="shop-result"') == 2
    assert 'href="/p/p-oolong"' in page


def test_the_kind_filter_and_an_unknown_kind(market: Market, client: TestClient) -> None:
    flagship = client.get("/search/shops", params={"q": "tea", "kind": "flagship"}).text
    assert flagship.count('data-testid="shop-result"') == 1 and 'data-store-slug="acme-official"' in flagship
    anything = client.get("/search/shops", params={"q": "tea", "kind": "outlet"})
    assert anything.status_code == 200 and anything.text.count('data-testid="shop-result"') == 2


def test_an_empty_or_hopeless_query_shows_no_error(market: Market, client: TestClient) -> None:
    assert 'data-testid="shop-result"' not in client.get("/search/shops").text
    hopeless = client.get("/search/shops", params={"q": '"NEAR(*" OR -'})
    assert hopeless.status_code == 200 and 'data-testid="no-shops"' in hopeless.text


def test_a_forged_cursor_is_a_400_page(market: Market, client: TestClient) -> None:
    assert client.get("/search/shops", params={"q": "tea", "cursor": "bm9wZQ"}).status_code == 400

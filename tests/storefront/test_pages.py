"""Storefront pages render in English and Chinese, work without JavaScript, and hide what shoppers may not see."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from mercato.catalog import browse
from mercato.catalog.tables import category_attributes, products
from mercato.kernel.runtime import Runtime
from storefront.catalog_rows import Market


def zh(client: TestClient) -> TestClient:
    client.cookies.set("mercato_lang", "zh-CN")
    return client


def product_cards(html: str) -> list[str]:
    return re.findall(r'data-testid="product-card" data-product-id="([0-9A-Z]+)"', html)


@pytest.mark.parametrize(("lang", "title", "store"), [("en", "Cotton Tee", "Acme Official"),
                                                      ("zh-CN", "纯棉T恤", "极致官方旗舰店")])
def test_home_shows_verticals_products_and_both_kinds_of_store_in_each_language(
        client: TestClient, market: Market, lang: str, title: str, store: str) -> None:
    client.cookies.set("mercato_lang", lang)
    response = client.get("/")
    assert response.status_code == 200
    assert title in response.text and store in response.text
    assert 'data-testid="store-tag">handmade' in response.text
    assert set(product_cards(response.text)) == {market.shirt, market.tea}


def test_listing_page_filters_and_keeps_the_filter_form_filled(client: TestClient, market: Market) -> None:
    response = client.get("/products", params={"store_kind": "independent", "min_price": "50",
                                               "max_price": "70.5", "in_stock": "1", "sort": "price_asc"})
    assert response.status_code == 200
    assert product_cards(response.text) == [market.tea]
    assert 'data-testid="filter-form"' in response.text
    assert 'value="50.00"' in response.text and 'value="70.50"' in response.text
    assert 'hx-get="/fragments/facets?store_kind=independent' in response.text


def test_listing_page_pages_with_a_cursor_link(client: TestClient, market: Market) -> None:
    first = client.get("/products", params={"limit": "1"})
    next_url = re.search(r'href="([^"]+)" rel="next"', first.text)
    assert next_url is not None
    second = client.get(next_url.group(1).replace("&amp;", "&"))
    assert product_cards(first.text) + product_cards(second.text) == [market.tea, market.shirt]
    assert 'rel="next"' not in second.text


@pytest.mark.parametrize("query", ["min_price=9&max_price=1", "min_price=abc", "cursor=zzz", "sort=cheap"])
def test_listing_page_shows_the_error_next_to_the_form(client: TestClient, market: Market, query: str) -> None:
    response = client.get(f"/products?{query}")
    assert response.status_code == 400
    assert 'role="alert"' in response.text and 'data-testid="filter-form"' in response.text
    assert product_cards(response.text) == []


def test_facets_fragment_counts_the_listing(client: TestClient, market: Market) -> None:
    response = client.get("/fragments/facets", params={"category": market.apparel.id})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Acme (1)" in response.text
    assert "1 products match" in response.text


def test_category_page_lists_sub_categories_and_products_in_chinese(client: TestClient, market: Market) -> None:
    response = zh(client).get("/c/apparel")
    assert response.status_code == 200
    assert 'data-testid="subcategory">上装' in response.text
    assert "纯棉T恤" in response.text and product_cards(response.text) == [market.shirt]
    assert client.get("/c/no-such-thing").status_code == 404


@pytest.mark.parametrize(("lang", "title"), [("en", "Cotton Tee"), ("zh-CN", "纯棉T恤")])
def test_product_page_shows_the_picker_price_stock_store_and_attributes(
        client: TestClient, market: Market, lang: str, title: str) -> None:
    client.cookies.set("mercato_lang", lang)
    response = client.get(f"/p/{market.shirt}")
    assert response.status_code == 200
    html = response.text
    assert f'data-testid="product-title">{title}' in html
    assert html.count('data-testid="sku-option"') == 4  # Red, Blue, M, L
    assert 'data-testid="sku-price">¥99.00' in html
    assert 'data-stock-state="in_stock"' in html
    assert 'data-testid="product-attributes"' in html and 'href="/s/acme-official"' in html
    assert 'data-testid="store-badge"' in html


def test_choosing_options_without_javascript_reloads_with_that_sku(client: TestClient, market: Market) -> None:
    html = client.get(f"/p/{market.shirt}", params={"colour": "Blue", "size": "M"}).text
    assert 'data-testid="sku-price">¥129.00' in html and 'data-stock-state="low"' in html


def test_sku_fragment_shows_the_chosen_skus_price_and_stock(client: TestClient, market: Market) -> None:
    sold_out = client.get("/fragments/sku", params={"product": market.shirt, "colour": "Red", "size": "L"})
    assert sold_out.status_code == 200 and "<html" not in sold_out.text
    assert 'data-stock-state="sold_out"' in sold_out.text
    missing = client.get("/fragments/sku", params={"product": market.shirt, "colour": "Blue", "size": "L"})
    assert 'data-stock-state="unavailable"' in missing.text


def test_delisted_or_unknown_products_and_stores_are_404_pages(client: TestClient, market: Market) -> None:
    for url in (f"/p/{market.hidden}", f"/p/{market.rows.new_id()}", "/p/x", "/s/nobody", "/s/a%00b",
                f"/fragments/sku?product={market.hidden}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "text/html" in response.headers["content-type"]


def test_store_page_shows_profile_tags_and_products_in_chinese(client: TestClient, market: Market) -> None:
    response = zh(client).get("/s/leaf-and-cup")
    assert response.status_code == 200
    assert "叶与杯" in response.text and "西湖龙井" in response.text
    assert 'data-testid="store-tag">tea' in response.text
    assert product_cards(response.text) == [market.tea]


@pytest.mark.parametrize(("lang", "label"), [("en", "Fabric"), ("zh-CN", "面料")])
def test_product_page_names_attributes_in_the_visitors_language(
        client: TestClient, market: Market, rt: Runtime, lang: str, label: str) -> None:
    vertical_id = _vertical_of(rt, market.shirt)
    with rt.uow() as uow:
        uow.conn.execute(category_attributes.insert().values(
            category_id=vertical_id, code="material", name_en="Fabric", name_zh="面料", required=False,
            options=None, position=0))
        uow.commit()
    browse.forget_category_tree(rt)
    client.cookies.set("mercato_lang", lang)
    html = client.get(f"/p/{market.shirt}").text
    assert f"<th>{label}</th><td>cotton</td>" in html


def _vertical_of(rt: Runtime, product_id: str) -> str:
    with rt.uow(read_only=True) as uow:
        return str(uow.conn.execute(sa.select(products.c.vertical_id).where(products.c.id == product_id)).scalar_one())

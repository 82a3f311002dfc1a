"""A consumer shops in Chinese: the header's language switch, logging in, a vertical, the filter form, a product
and its SKU picker; and the same picker without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from mercato.kernel.money import Money

pytestmark = pytest.mark.browser

CONSUMER = ("consumer@demo.mercato", "demo-consumer-2026")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
MIN_YUAN, MAX_YUAN = 50, 400


def fen_of(shown: str) -> int:
    """The amount a price label like "¥1,299.00" shows, in fen."""
    return int(Money.parse(shown.strip().lstrip("¥").replace(",", "")).minor)


def low_price_of(card: Locator) -> int:
    return fen_of(card.get_by_test_id("price").inner_text().split("–")[0])


def product_read(page: Page, product_id: str) -> dict[str, Any]:
    """The product as the API sees it: only to know which SKU to pick and what it should show."""
    response = page.request.get(f"/api/v1/products/{product_id}")
    assert response.status == 200
    data: dict[str, Any] = response.json()
    return data


def pick_options(page: Page, options: dict[str, str]) -> None:
    for axis, value in options.items():
        page.locator(f"[data-testid=sku-axis][data-axis='{axis}']").get_by_label(value, exact=True).check()


def expect_sku_shown(page: Page, sku: dict[str, Any]) -> None:
    expect(page.get_by_test_id("sku-price")).to_have_text(Money(sku["price_minor"]).format())
    stock = page.get_by_test_id("sku-stock")
    expect(stock).to_have_attribute("data-stock-state", sku["stock_state"])
    if sku["stock_state"] == "low":
        expect(stock).to_contain_text(str(sku["available"]))


def switch_to_chinese(page: Page) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("header a[hreflang='zh-CN']").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("header .lang strong")).to_have_text("简体中文")
    # UI labels from the zh-CN catalog, not only the bilingual content.
    expect(page.get_by_test_id("header-search")).to_have_attribute("placeholder", "搜索商品和店铺")
    expect(page.get_by_test_id("verticals").locator("h2")).to_have_text("按类目选购")


def filter_independent_stores_in_price_range(page: Page) -> Locator:
    expect(page.get_by_test_id("filter-apply")).to_have_text("筛选")
    page.get_by_test_id("filter-independent").check()
    page.get_by_test_id("filter-min-price").fill(str(MIN_YUAN))
    page.get_by_test_id("filter-max-price").fill(str(MAX_YUAN))
    page.get_by_test_id("filter-apply").click()
    expect(page).to_have_url(re.compile(rf"store_kind=independent&min_price={MIN_YUAN}&max_price={MAX_YUAN}"))
    cards = page.get_by_test_id("product-card")
    expect(cards.first).to_be_visible()
    return cards


def assert_every_card_matches_the_filters(cards: Locator) -> None:
    for i in range(cards.count()):
        card = cards.nth(i)
        expect(card.get_by_test_id("store-badge")).to_have_class(re.compile(r"\bindependent\b"))
        expect(card.get_by_test_id("store-badge")).to_have_text("独立店铺")
        assert MIN_YUAN * 100 <= low_price_of(card) <= MAX_YUAN * 100
        assert CHINESE.search(card.get_by_test_id("product-title").inner_text())


def test_a_consumer_browses_a_vertical_in_chinese_and_the_chosen_sku_shows_its_price_and_stock(
        page: Page, log_in: Callable[[Page, str, str], None], screenshot: Callable[[Page, str], Path]) -> None:
    switch_to_chinese(page)
    log_in(page, *CONSUMER)
    # The demo consumer's account says English; the choice made in the header outranks it.
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    page.get_by_test_id("vertical-card").filter(has_text="家居").click()
    expect(page).to_have_url(re.compile(r"/c/home$"))
    expect(page.locator("h1")).to_have_text("家居")

    cards = filter_independent_stores_in_price_range(page)
    assert_every_card_matches_the_filters(cards)
    screenshot(page, "listing-zh")
    # A card showing a price range is a product whose SKUs cost different amounts.
    card = cards.filter(has=page.locator("[data-testid=price]", has_text="–")).first
    title = card.get_by_test_id("product-title").inner_text()
    card.click()

    expect(page.get_by_test_id("product-title")).to_have_text(title)
    product = product_read(page, page.url.rsplit("/", 1)[1])
    assert title == product["title_zh"]
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text("家居")
    shown = page.get_by_test_id("sku-price").inner_text()
    other = next(s for s in product["skus"] if Money(s["price_minor"]).format() != shown)
    url_before = page.url
    pick_options(page, other["options"])
    expect_sku_shown(page, other)
    assert page.url == url_before  # swapped in place, not a new page
    screenshot(page, "product-zh")


def test_without_javascript_the_choose_button_shows_the_chosen_sku(
        new_page: Callable[..., Page], screenshot: Callable[[Page, str], Path]) -> None:
    page = new_page(java_script_enabled=False)
    page.goto("/products?store_kind=flagship&sort=price_desc")
    card = page.get_by_test_id("product-card").filter(has=page.locator("[data-testid=price]", has_text="–")).first
    card.click()
    product = product_read(page, page.url.rsplit("/", 1)[1])
    shown = page.get_by_test_id("sku-price").inner_text()
    other = next(s for s in product["skus"] if Money(s["price_minor"]).format() != shown)

    pick_options(page, other["options"])
    page.get_by_test_id("sku-choose").click()

    expect_sku_shown(page, other)
    for axis, value in other["options"].items():
        expect(page.locator(f"[data-testid=sku-axis][data-axis='{axis}']").get_by_label(value, exact=True)) \
            .to_be_checked()
    screenshot(page, "product-no-js")

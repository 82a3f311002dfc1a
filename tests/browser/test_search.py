"""A shopper searches from the header box in English and in Chinese, narrows by a facet, sorts by price and sees
the notice when part of the query matches nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from mercato.kernel.money import Money

pytestmark = pytest.mark.browser

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def search_from_header(page: Page, text: str) -> None:
    box = page.get_by_test_id("header-search")
    box.fill(text)
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))


def low_prices(page: Page) -> list[int]:
    shown = page.get_by_test_id("product-card").get_by_test_id("price").all_inner_texts()
    return [int(Money.parse(text.split("–")[0].strip().lstrip("¥").replace(",", "")).minor) for text in shown]


def test_a_shopper_searches_in_english_applies_a_facet_and_sorts_by_price(
        page: Page, screenshot: Callable[[Page, str], Path]) -> None:
    page.goto("/")
    search_from_header(page, "tent")
    titles = page.get_by_test_id("product-title").all_inner_texts()
    assert titles and all("tent" in t.lower() for t in titles[:5]), titles
    expect(page.get_by_test_id("relaxed-notice")).to_have_count(0)

    kinds = page.get_by_test_id("facet-kinds").get_by_test_id("facet-link")
    chosen = kinds.first.inner_text()
    kinds.first.click()
    expect(page.get_by_test_id("facet-kinds").locator("[data-active=true]")).to_have_count(1)
    badge = "Flagship store" if chosen.startswith("Flagship") else "Independent store"
    for text in page.get_by_test_id("store-badge").all_inner_texts():
        assert text == badge

    page.get_by_test_id("sort-price_asc").click()
    expect(page.get_by_test_id("sort-price_asc")).to_have_attribute("aria-current", "true")
    prices = low_prices(page)
    assert prices and prices == sorted(prices)
    assert "store_kind=" in page.url  # the facet stays chosen under the new sort
    screenshot(page, "search-en")


def test_a_query_with_an_unknown_word_says_what_it_shows_instead(page: Page) -> None:
    page.goto("/search?q=tent+zzqxv")
    notice = page.get_by_test_id("relaxed-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("zzqxv")
    assert page.get_by_test_id("product-card").count() > 0


def test_a_shopper_searches_in_chinese(page: Page, screenshot: Callable[[Page, str], Path]) -> None:
    page.goto("/lang/zh-CN?next=/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    search_from_header(page, "帐篷")
    titles = page.get_by_test_id("product-title").all_inner_texts()
    assert titles and all("帐篷" in t for t in titles[:5]), titles
    assert all(CHINESE.search(t) for t in titles)
    page.get_by_test_id("sort-price_desc").click()
    prices = low_prices(page)
    assert prices and prices == sorted(prices, reverse=True)
    screenshot(page, "search-zh")

"""A shopper finds shops: autocomplete in the header's search box offers a query others searched, and the shop
results page finds a store by its tag in English and in Chinese, with its kind badge and tags."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

HAN = re.compile(r"[\u4e00-\u9fff]")


def a_tagged_store(page: Page) -> tuple[dict[str, Any], str, str]:
    """A demo store with an English and a Chinese tag that few other stores share (so it is on the first page)."""
    stores = page.request.get("/api/v1/stores?limit=100").json()["items"]
    for store in stores:
        english = [t for t in store["tags"] if not HAN.search(t)]
        chinese = [t for t in store["tags"] if HAN.search(t)]
        if english and chinese:
            sharing = page.request.get("/api/v1/stores", params={"tag": english[0], "limit": 100}).json()["items"]
            if len(sharing) <= 10:
                return store, english[0], chinese[0]
    raise AssertionError("no demo store has both an English and a Chinese tag")


def search_shops(page: Page, query: str) -> None:
    page.goto("/search/shops")
    page.get_by_test_id("shop-search-q").fill(query)
    page.get_by_test_id("shop-search-submit").click()
    expect(page.get_by_test_id("shop-results")).to_be_visible()


def test_shop_search_finds_a_store_by_its_tag_in_english_and_in_chinese(page: Page) -> None:
    store, english, chinese = a_tagged_store(page)
    for query in (english, chinese):
        search_shops(page, query)
        card = page.locator(f"[data-testid=shop-result][data-store-slug='{store['slug']}']")
        expect(card).to_have_count(1)
        expect(card.get_by_test_id("store-badge")).to_be_visible()
        expect(card.get_by_test_id("shop-tag").filter(has_text=query)).to_have_count(1)
    card.get_by_test_id("shop-name").click()
    expect(page).to_have_url(re.compile(f"/s/{store['slug']}$"))


def test_the_header_search_box_suggests_a_query_that_found_something(page: Page) -> None:
    _, english, _ = a_tagged_store(page)
    page.goto("/search/shops?q=" + english)  # a shopper searched it and found shops: it is now a popular query
    page.goto("/")
    box = page.get_by_test_id("header-search")
    box.press_sequentially(english[:3], delay=40)
    option = page.locator(f"datalist#search-suggestions option[value='{english}']")
    expect(option).to_have_count(1)
    expect(option).to_have_attribute("data-source", "query")
    expect(box).to_have_attribute("aria-expanded", "true")

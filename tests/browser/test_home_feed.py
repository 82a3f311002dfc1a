"""The home feed in a real browser: a newcomer sees popular goods and picks verticals; a visitor views a few
products of one vertical, and the home feed then leads with goods of that vertical, loads more in place, and reads
the same in Chinese."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from mercato.web.i18n import translations

pytestmark = pytest.mark.browser

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def vertical_of(page: Page, product_id: str) -> str:
    """The slug of the product's vertical, as the product API says (its category path starts with it)."""
    response = page.request.get(f"/api/v1/products/{product_id}")
    assert response.status == 200
    vertical: str = response.json()["categories"][0]["slug"]
    return vertical


def feed_ids(page: Page) -> list[str]:
    cards = page.get_by_test_id("home-feed").locator("[data-testid=feed-item] [data-testid=product-card]")
    return [cards.nth(i).get_attribute("data-product-id") or "" for i in range(cards.count())]


def view_two_products_of_a_vertical(page: Page) -> tuple[str, list[str]]:
    """Opens a vertical from the home page and two of its products; the vertical's slug and their ids."""
    page.goto("/")
    page.get_by_test_id("vertical-card").first.click()
    expect(page).to_have_url(re.compile(r"/c/[a-z0-9-]+$"))
    listing = page.url
    vertical = listing.rsplit("/", 1)[1]
    seen: list[str] = []
    for n in range(2):
        page.goto(listing)
        page.locator("main [data-testid=product-card]").nth(n).click()
        expect(page).to_have_url(re.compile(r"/p/\w+$"))
        expect(page.get_by_test_id("similar-items")).to_be_visible()
        seen.append(page.url.rsplit("/", 1)[1])
    assert {vertical_of(page, p) for p in seen} == {vertical}
    return vertical, seen


def test_a_newcomer_picks_a_vertical_and_gets_its_popular_goods(page: Page) -> None:
    page.goto("/")
    feed = page.get_by_test_id("home-feed")
    expect(feed).to_have_attribute("data-feed-mode", "popular")
    expect(feed.locator("h2")).to_have_text("Popular now")
    picks = page.get_by_test_id("feed-pick")
    expect(picks.first).to_be_visible()
    slug = picks.first.get_attribute("value")
    picks.first.check()
    page.get_by_test_id("feed-picks-save").click()

    expect(feed.locator("h2")).to_have_text("Popular in your picks")
    expect(page.get_by_test_id("feed-picks")).to_have_count(0)
    assert {vertical_of(page, i) for i in feed_ids(page)[:3]} == {slug}


def test_after_viewing_products_the_home_feed_shows_related_goods_in_english_and_chinese(
        page: Page, screenshot: Callable[[Page, str], Path]) -> None:
    vertical, seen = view_two_products_of_a_vertical(page)

    page.goto("/")
    feed = page.get_by_test_id("home-feed")
    expect(feed).to_have_attribute("data-feed-mode", "personal")
    expect(feed.locator("h2")).to_have_text("Guess you like")
    first_page = feed_ids(page)
    assert len(first_page) == 20
    assert not set(first_page) & set(seen)
    assert vertical_of(page, first_page[0]) == vertical
    screenshot(page, "home-feed")

    page.get_by_test_id("feed-more").click()
    expect(feed.get_by_test_id("feed-item")).to_have_count(40)
    assert feed_ids(page)[:20] == first_page
    assert not set(feed_ids(page)[20:]) & set(first_page)

    page.locator("header a[hreflang='zh-CN']").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(feed).to_have_attribute("data-feed-mode", "personal")
    expect(feed.locator("h2")).to_have_text(translations("zh-CN").gettext("Guess you like"))
    assert feed_ids(page) == first_page
    title = feed.get_by_test_id("product-title").first.inner_text()
    assert CHINESE.search(title)
    screenshot(page, "home-feed-zh")

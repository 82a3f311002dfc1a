"""The independent merchant lists a product from the workbench, and shoppers find it in search and on the store
page, and open it."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

INDIE = ("indie@demo.mercato", "demo-indie-2026")
CATEGORY = "Tableware"  # under Home & Living: Material is required, Dimensions optional; not a reviewed category


def choose_category(page: Page, name: str) -> None:
    """Picks a category by its shown name (indented by its depth); htmx then swaps in its attribute fields."""
    select = page.get_by_test_id("category-select")
    option = select.locator("option", has_text=re.compile(rf"^(— )*{re.escape(name)}$"))
    select.select_option(option.get_attribute("value"))


def use_english(page: Page) -> None:
    """The demo merchant's account may prefer Chinese; the header's language switch outranks it."""
    english = page.locator("header a[hreflang='en']")
    if english.count():
        english.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def open_new_product_form(page: Page) -> str:
    """From the header to the new-product form of the merchant's store; returns the store's address (slug)."""
    page.locator("header a[href='/merchant']").click()
    row = page.get_by_test_id("my-store-row").first
    slug = re.search(r"/([a-z0-9-]+)", row.locator("td").first.inner_text())
    assert slug is not None
    row.get_by_test_id("open-workbench").click()
    page.get_by_test_id("nav-products").click()
    page.get_by_test_id("new-product").click()
    expect(page.get_by_test_id("product-form")).to_be_visible()
    return slug.group(1)


def test_the_independent_merchant_lists_a_product_that_shoppers_then_find_and_open(
        page: Page, live_server: str, log_in: Callable[[Page, str, str], None],
        screenshot: Callable[[Page, str], Path]) -> None:
    token = secrets.token_hex(4).upper()
    title_en, title_zh = f"Glazed Rice Bowl Set {token}", f"釉面饭碗套装 {token}"
    image = f"{live_server}/static/img/placeholder/home.svg"  # an http address the browser can load here
    page.goto("/")
    log_in(page, *INDIE)
    use_english(page)
    store_slug = open_new_product_form(page)

    choose_category(page, CATEGORY)
    expect(page.get_by_test_id("attr-material")).to_be_visible()
    page.get_by_test_id("title-en").fill(title_en)
    page.get_by_test_id("title-zh").fill(title_zh)
    page.get_by_test_id("description-en").fill("Four stoneware bowls, glazed by hand.")
    page.get_by_test_id("description-zh").fill("四只手工上釉的粗陶碗。")
    page.get_by_test_id("attr-material").fill("Stoneware / 粗陶")
    page.get_by_test_id("image-urls").fill(image)
    page.get_by_test_id("sku-lines").fill(f"colour=Celadon | BOWL-{token}-C | 59.00 | 12 | 79.00\n"
                                          f"colour=White | BOWL-{token}-W | 69.00 | 0")
    screenshot(page, "new-product-form")
    page.get_by_test_id("create-product").click()

    expect(page).to_have_url(re.compile(r"/merchant/products/\w+\?done=created$"))
    expect(page.get_by_test_id("product-status")).to_have_attribute("data-status", "active")
    expect(page.get_by_test_id("sku-row")).to_have_count(2)
    product_id = page.url.split("/merchant/products/")[1].split("?")[0]

    page.get_by_test_id("header-search").fill(token)
    page.get_by_test_id("header-search").press("Enter")
    card = page.locator(f"[data-testid=product-card][data-product-id='{product_id}']")
    expect(page.get_by_test_id("product-card")).to_have_count(1)
    expect(card.get_by_test_id("product-title")).to_have_text(title_en)
    expect(card.get_by_test_id("price")).to_have_text("¥59.00 – ¥69.00")
    card.click()

    expect(page.get_by_test_id("product-title")).to_have_text(title_en)
    expect(page.get_by_test_id("breadcrumbs")).to_contain_text(CATEGORY)
    expect(page.get_by_test_id("product-attributes")).to_contain_text("Stoneware / 粗陶")
    expect(page.locator("[data-testid=product-images] img")).to_have_attribute("src", image)
    page.locator("[data-testid=sku-axis][data-axis='colour']").get_by_label("White", exact=True).check()
    expect(page.get_by_test_id("sku-stock")).to_have_attribute("data-stock-state", "sold_out")
    expect(page.get_by_test_id("sku-price")).to_have_text("¥69.00")
    screenshot(page, "product-page")

    page.get_by_test_id("store-card").locator("a.button").click()
    expect(page).to_have_url(re.compile(rf"/s/{store_slug}$"))
    expect(page.locator(f"[data-testid=product-card][data-product-id='{product_id}']")).to_be_visible()

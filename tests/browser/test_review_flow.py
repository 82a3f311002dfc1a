"""A consumer who received an order rates it: the demo consumer buys from the independent store, pays in the
sandbox, the merchant ships, the consumer confirms receipt, follows the order page's review link, rates the item
and scores the store; the product page then shows the review (loaded by htmx) and the store's service scores."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_consumer_buys_across_stores import (
    CONSUMER,
    INDIE,
    add_first_in_stock_product,
    fill_new_address,
    order_numbers,
    pay_in_the_sandbox,
    store_slug_of,
    use_english,
)

pytestmark = pytest.mark.browser

SCORES_WAIT_S = 30  # the store's scores follow by a job at the end of the current 10 seconds


def buy_ship_and_receive(shopper: Page, merchant: Page, token: str) -> str:
    """One order from the merchant's store, paid, shipped by the merchant and received; its number."""
    slug = store_slug_of(merchant)
    before = set(order_numbers(shopper))
    shopper.goto("/cart")
    add_first_in_stock_product(shopper, f"/s/{slug}")
    shopper.get_by_test_id("checkout-link").click()
    fill_new_address(shopper, token)
    shopper.get_by_test_id("place-order").click()
    expect(shopper).to_have_url(re.compile(r"/pay/\w+$"))
    pay_in_the_sandbox(shopper)
    order_no = next(no for no in order_numbers(shopper) if no not in before)
    merchant.goto("/merchant/orders?status=paid")
    merchant.locator(f"[data-testid=store-order-row][data-order-no='{order_no}'] a").click()
    merchant.get_by_label("Carrier").fill("SF Express")
    merchant.get_by_label("Tracking number").fill(f"SF{token.upper()}0002")
    merchant.get_by_test_id("ship-submit").click()
    expect(merchant.get_by_test_id("store-order-detail")).to_have_attribute("data-status", "shipped")
    shopper.goto(f"/orders/{order_no}")
    shopper.get_by_test_id("confirm-receipt-submit").click()
    expect(shopper.get_by_test_id("order-detail")).to_have_attribute("data-status", "completed")
    return order_no


def product_page_with_scores(page: Page, product_url: str) -> None:
    """Reload the product page until the store's scores (a job's work) are in its reviews fragment."""
    deadline = time.monotonic() + SCORES_WAIT_S
    while True:
        page.goto(product_url)
        expect(page.get_by_test_id("product-reviews-body")).to_be_visible()
        if page.get_by_test_id("dsr-description").inner_text() == "5.00" or time.monotonic() > deadline:
            return
        time.sleep(1)


def test_a_consumer_rates_a_received_order_and_the_product_page_shows_it(
        new_page: Callable[..., Page], log_in: Callable[[Page, str, str], None],
        screenshot: Callable[[Page, str], Path]) -> None:
    token = secrets.token_hex(3)
    merchant, shopper = new_page(), new_page()
    for page, who in ((merchant, INDIE), (shopper, CONSUMER)):
        page.goto("/")
        log_in(page, *who)
        use_english(page)
    buy_ship_and_receive(shopper, merchant, token)

    shopper.get_by_test_id("review-line-link").first.click()
    expect(shopper.get_by_test_id("review-form")).to_be_visible()
    product_url = shopper.get_by_test_id("review-form-panel").locator("a").first.get_attribute("href") or ""
    shopper.get_by_test_id("rating-4").check()
    shopper.get_by_test_id("review-text-input").fill(f"Arrived quickly, as described {token}")
    shopper.get_by_test_id("score-description").select_option("5")
    shopper.get_by_test_id("score-service_score").select_option("4")
    shopper.get_by_test_id("score-logistics").select_option("3")
    screenshot(shopper, "review-form")
    shopper.get_by_test_id("review-submit").click()
    expect(shopper).to_have_url(re.compile(r"/account/reviews\?done=submitted$"))
    expect(shopper.get_by_test_id("my-review").first).to_contain_text(f"Arrived quickly, as described {token}")

    product_page_with_scores(shopper, product_url)
    review = shopper.get_by_test_id("product-review").filter(has_text=token)
    expect(review).to_have_count(1)
    expect(shopper.get_by_test_id("product-rating")).to_contain_text("Ratings: ")
    expect(shopper.get_by_test_id("dsr-description")).to_have_text("5.00")
    expect(shopper.get_by_test_id("dsr-service")).to_have_text("4.00")
    expect(shopper.get_by_test_id("dsr-logistics")).to_have_text("3.00")
    screenshot(shopper, "product-reviews")

"""A return from start to money back in a real browser: the demo consumer buys from the independent store and pays,
the merchant ships; the consumer asks for a return from the order page, the merchant agrees in the refund queue,
the consumer ships the goods back with a tracking number, the merchant confirms they arrived, and the consumer's
request shows the money refunded."""

from __future__ import annotations

import re
import secrets
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


def buy_and_ship(shopper: Page, merchant: Page, slug: str, token: str) -> str:
    """One paid order from the merchant's store, shipped; its number."""
    before = set(order_numbers(shopper))
    add_first_in_stock_product(shopper, f"/s/{slug}")
    shopper.get_by_test_id("checkout-link").click()
    fill_new_address(shopper, token)
    shopper.get_by_test_id("place-order").click()
    expect(shopper).to_have_url(re.compile(r"/pay/\w+$"))
    pay_in_the_sandbox(shopper)
    mine = [no for no in order_numbers(shopper) if no not in before]
    merchant.goto("/merchant/orders?status=paid")
    order_no = next(no for no in mine
                    if merchant.locator(f"[data-testid=store-order-row][data-order-no='{no}']").count())
    merchant.goto(f"/merchant/orders/{order_no}")
    merchant.get_by_label("Carrier").fill("SF Express")
    merchant.get_by_label("Tracking number").fill(f"SF{token.upper()}0002")
    merchant.get_by_test_id("ship-submit").click()
    expect(merchant.get_by_test_id("store-order-detail")).to_have_attribute("data-status", "shipped")
    return order_no


def test_a_consumer_returns_goods_and_gets_the_money_back(
        new_page: Callable[..., Page], log_in: Callable[[Page, str, str], None],
        screenshot: Callable[[Page, str], Path]) -> None:
    token = secrets.token_hex(3)
    merchant = new_page()
    merchant.goto("/")
    log_in(merchant, *INDIE)
    use_english(merchant)
    slug = store_slug_of(merchant)
    shopper = new_page()
    shopper.goto("/")
    log_in(shopper, *CONSUMER)
    use_english(shopper)
    order_no = buy_and_ship(shopper, merchant, slug, token)

    shopper.goto(f"/orders/{order_no}")
    shopper.get_by_test_id("refund-link").first.click()
    shopper.get_by_test_id("refund-kind").select_option("return_refund")
    shopper.get_by_test_id("refund-reason").select_option("damaged")
    shopper.get_by_test_id("refund-note").fill(f"Cracked {token}")
    screenshot(shopper, "refund-form")
    shopper.get_by_test_id("refund-submit").click()
    expect(shopper.get_by_test_id("refund-detail")).to_have_attribute("data-status", "requested")
    request_no = shopper.get_by_test_id("refund-detail").get_attribute("data-request-no")
    amount = shopper.get_by_test_id("refund-amount").inner_text()

    merchant.goto("/merchant/refunds?status=requested")
    card = merchant.locator(f"[data-testid=merchant-refund][data-request-no='{request_no}']")
    card.get_by_test_id("refund-agree").click()
    expect(merchant.locator(f"[data-testid=merchant-refund][data-request-no='{request_no}']")).to_have_attribute(
        "data-status", "awaiting_return")

    shopper.reload()
    shopper.get_by_test_id("ship-back-carrier").fill("SF Express")
    shopper.get_by_test_id("ship-back-tracking").fill(f"SF{token.upper()}0003")
    shopper.get_by_test_id("ship-back-submit").click()
    expect(shopper.get_by_test_id("refund-detail")).to_have_attribute("data-status", "shipped_back")

    merchant.goto("/merchant/refunds?status=shipped_back")
    merchant.locator(f"[data-testid=merchant-refund][data-request-no='{request_no}']").get_by_test_id(
        "refund-receive").click()
    expect(merchant.locator(f"[data-testid=merchant-refund][data-request-no='{request_no}']")).to_have_attribute(
        "data-status", "refunded")

    shopper.reload()
    expect(shopper.get_by_test_id("refund-detail")).to_have_attribute("data-status", "refunded")
    expect(shopper.get_by_test_id("refund-refunded")).to_have_text(amount)
    expect(shopper.get_by_test_id("refund-event")).to_have_count(4)
    screenshot(shopper, "refund-done")

"""The independent merchant creates a store coupon in the workbench; a consumer claims it on the store's coupons
page and finds it under My vouchers."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

INDIE = ("indie@demo.mercato", "demo-indie-2026")
CONSUMER = ("consumer@demo.mercato", "demo-consumer-2026")


def use_english(page: Page) -> None:
    english = page.locator("header a[hreflang='en']")
    if english.count():
        english.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def create_coupon(page: Page, name: str, screenshot: Callable[[Page, str], Path]) -> str:
    """From the header to the workbench's promotions, a new store coupon saved; returns the store id."""
    page.locator("header a[href='/merchant']").click()
    page.get_by_test_id("my-store-row").first.get_by_test_id("open-workbench").click()
    page.get_by_test_id("nav-promotions").click()
    page.get_by_test_id("new-store_coupon").click()
    page.get_by_test_id("promo-name_en").fill(name)
    page.get_by_test_id("promo-threshold").fill("150")
    page.get_by_test_id("promo-amount").fill("15")
    page.get_by_test_id("promo-total_quantity").fill("100")
    screenshot(page, "coupon-form")
    page.get_by_test_id("promotion-save").click()
    expect(page.get_by_test_id("flash")).to_have_text("The promotion is saved")
    row = page.get_by_test_id("promotion-row").filter(has_text=name)
    expect(row.get_by_test_id("promotion-rule")).to_have_text("¥15.00 off orders of ¥150.00")
    expect(row.get_by_test_id("promotion-counts")).to_have_text("0 / 100 · 0")
    store_id = re.search(r"store_id=([0-9A-Z]{26})", page.url)
    assert store_id is not None
    return store_id.group(1)


def test_a_merchant_creates_a_coupon_that_a_consumer_claims_and_sees(
        new_page: Callable[..., Page], log_in: Callable[[Page, str, str], None],
        screenshot: Callable[[Page, str], Path]) -> None:
    name = f"Spring coupon {secrets.token_hex(3).upper()}"
    merchant = new_page()
    merchant.goto("/")
    log_in(merchant, *INDIE)
    use_english(merchant)
    store_id = create_coupon(merchant, name, screenshot)
    screenshot(merchant, "merchant-promotions")

    consumer = new_page()
    consumer.goto("/")
    log_in(consumer, *CONSUMER)
    use_english(consumer)
    consumer.goto(f"/coupons?store_id={store_id}")
    coupon = consumer.get_by_test_id("coupon").filter(has_text=name)
    expect(coupon.get_by_test_id("coupon-rule")).to_have_text("¥15.00 off orders of ¥150.00")
    coupon.get_by_test_id("coupon-claim").click()
    expect(consumer.get_by_test_id("flash")).to_have_text("The coupon is yours: it is in My vouchers")
    mine = consumer.get_by_test_id("vouchers-available").get_by_test_id("voucher").filter(has_text=name)
    expect(mine.get_by_test_id("voucher-rule")).to_have_text("¥15.00 off orders of ¥150.00")
    expect(mine.get_by_test_id("voucher-where")).to_contain_text("Only in")
    screenshot(consumer, "my-vouchers")

    merchant.reload()
    row = merchant.get_by_test_id("promotion-row").filter(has_text=name)
    expect(row.get_by_test_id("promotion-counts")).to_have_text("1 / 100 · 0")

"""The demo consumer buys from two stores in one checkout: adds a SKU from each product page to the cart, checks out
to a new address, pays once in the sandbox gateway, and sees both orders paid (the server's worker delivers the
gateway's signed callback). Then the independent merchant ships its order from the workbench and the consumer sees
the tracking number."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CONSUMER = ("consumer@demo.mercato", "demo-consumer-2026")
INDIE = ("indie@demo.mercato", "demo-indie-2026")
CALLBACK_WAIT_MS = 30_000  # the sandbox calls back after a second; the pay page looks again every two


def use_english(page: Page) -> None:
    """A demo account may prefer Chinese; the header's language switch outranks it."""
    english = page.locator("header a[hreflang='en']")
    if english.count():
        english.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def store_slug_of(merchant: Page) -> str:
    """The address (slug) of the logged-in merchant's first store, read from the workbench."""
    merchant.locator("header a[href='/merchant']").click()
    text = merchant.get_by_test_id("my-store-row").first.locator("td").first.inner_text()
    slug = re.search(r"/([a-z0-9-]+)", text)
    assert slug is not None
    return slug.group(1)


def add_first_in_stock_product(page: Page, listing: str) -> str:
    """From a listing, open the first product on sale with stock and add its chosen SKU; returns its title."""
    page.goto(listing)
    page.get_by_test_id("product-card").filter(has_not=page.get_by_test_id("sold-out")).first.click()
    expect(page.get_by_test_id("add-to-cart-form")).to_be_visible()
    title = page.get_by_test_id("product-title").first.inner_text()
    page.get_by_label("Quantity").fill("1")
    page.get_by_test_id("add-to-cart").click()
    expect(page).to_have_url(re.compile(r"/cart\?done=added$"))
    return title


def change_a_quantity_in_place(page: Page) -> None:
    """htmx swaps the cart after a quantity change: 2 units double the line, then back to 1."""
    line = page.get_by_test_id("cart-line").first
    price = line.get_by_test_id("cart-line-price").inner_text()
    for units in ("2", "1"):
        page.get_by_test_id("cart-line").first.get_by_test_id("cart-line-quantity").fill(units)
        page.get_by_test_id("cart-line").first.get_by_test_id("cart-line-quantity").press("Enter")
        expect(page.get_by_test_id("cart-flash")).to_have_text("The cart is updated")
        expect(page.get_by_test_id("cart-line").first.get_by_test_id("cart-line-quantity")).to_have_value(units)
    expect(page.get_by_test_id("cart-line").first.get_by_test_id("cart-line-total")).to_have_text(price)
    expect(page).to_have_url(re.compile(r"/cart\?done=added$"))  # no page load: htmx swapped the cart alone


def fill_new_address(page: Page, token: str) -> None:
    page.get_by_test_id("address-option-new").check()
    page.get_by_label("Recipient").fill(f"Chen Jing {token}")
    page.get_by_label("Phone").fill("139 0000 1234")
    page.get_by_label("Province or region").fill("Zhejiang")
    page.get_by_label("City").fill("Hangzhou")
    page.get_by_label("Street address").fill(f"{token} Wensan Road")
    page.get_by_label("Postal code (optional)").fill("310012")


def pay_in_the_sandbox(page: Page) -> None:
    """On the pay page: to the gateway, approve, and back until the gateway's callback marks the payment captured."""
    page.get_by_test_id("pay-button").click()
    expect(page.get_by_test_id("gateway-page")).to_be_visible()
    page.get_by_test_id("gateway-approve").click()
    expect(page).to_have_url(re.compile(r"/pay/\w+\?done=approved$"))
    expect(page.get_by_test_id("pay-status")).to_have_attribute("data-status", "captured", timeout=CALLBACK_WAIT_MS)


def order_numbers(page: Page) -> list[str]:
    page.goto("/orders")
    rows = page.get_by_test_id("order-row")
    return [rows.nth(i).get_attribute("data-order-no") or "" for i in range(rows.count())]


def test_the_consumer_buys_from_two_stores_pays_once_and_the_merchant_ships(
        new_page: Callable[..., Page], log_in: Callable[[Page, str, str], None],
        screenshot: Callable[[Page, str], Path]) -> None:
    token = secrets.token_hex(3)
    merchant = new_page()
    merchant.goto("/")
    log_in(merchant, *INDIE)
    use_english(merchant)
    indie_slug = store_slug_of(merchant)

    shopper = new_page()
    shopper.goto("/")
    log_in(shopper, *CONSUMER)
    use_english(shopper)
    before = set(order_numbers(shopper))
    add_first_in_stock_product(shopper, f"/s/{indie_slug}")
    add_first_in_stock_product(shopper, "/products?store_kind=flagship&in_stock=1")
    expect(shopper.get_by_test_id("cart-store")).to_have_count(2)
    change_a_quantity_in_place(shopper)
    screenshot(shopper, "cart")

    shopper.get_by_test_id("checkout-link").click()
    expect(shopper.get_by_test_id("checkout-store")).to_have_count(2)
    fill_new_address(shopper, token)
    screenshot(shopper, "checkout")
    shopper.get_by_test_id("place-order").click()
    expect(shopper).to_have_url(re.compile(r"/pay/\w+$"))
    pay_in_the_sandbox(shopper)

    mine = [no for no in order_numbers(shopper) if no not in before]
    assert len(mine) == 2
    for order_no in mine:
        row = shopper.locator(f"[data-testid=order-row][data-order-no='{order_no}']")
        expect(row).to_have_attribute("data-status", "paid")
    screenshot(shopper, "orders-paid")

    merchant.goto("/merchant/orders?status=paid")
    ours = [no for no in mine if merchant.locator(f"[data-testid=store-order-row][data-order-no='{no}']").count()]
    assert len(ours) == 1
    merchant.locator(f"[data-testid=store-order-row][data-order-no='{ours[0]}'] a").click()
    expect(merchant.get_by_test_id("address-text")).to_contain_text(f"Chen Jing {token}")
    merchant.get_by_label("Carrier").fill("SF Express")
    merchant.get_by_label("Tracking number").fill(f"SF{token.upper()}0001")
    merchant.get_by_test_id("ship-submit").click()
    expect(merchant.get_by_test_id("store-order-detail")).to_have_attribute("data-status", "shipped")
    screenshot(merchant, "merchant-shipped")

    shopper.goto(f"/orders/{ours[0]}")
    expect(shopper.get_by_test_id("order-detail")).to_have_attribute("data-status", "shipped")
    expect(shopper.get_by_test_id("order-tracking-no")).to_have_text(f"SF{token.upper()}0001")
    expect(shopper.get_by_test_id("confirm-receipt-submit")).to_be_visible()

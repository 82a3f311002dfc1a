"""A consumer opens "My credit" from the account menu and reads their rating in plain words: the score (or that it
is not computed yet), the quick-refund terms, how to raise it and the tiers; the membership page links to it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CONSUMER = ("consumer@demo.mercato", "demo-consumer-2026")


def test_a_consumer_reads_my_credit_from_the_account_menu(
        page: Page, log_in: Callable[[Page, str, str], None], screenshot: Callable[[Page, str], Path]) -> None:
    page.goto("/")
    log_in(page, *CONSUMER)
    english = page.locator("header a[hreflang='en']")
    if english.count():
        english.click()
    page.get_by_test_id("nav-credit").click()
    expect(page).to_have_url(re.compile(r"/account/credit$"))
    expect(page.get_by_test_id("credit-page")).to_be_visible()
    expect(page.get_by_test_id("credit-score")).to_be_visible()
    expect(page.get_by_test_id("credit-quick-refund")).to_contain_text("Quick refund")
    expect(page.get_by_test_id("credit-advice").locator("li").first).to_be_visible()
    expect(page.get_by_test_id("credit-tiers")).to_contain_text("Excellent")
    screenshot(page, "my-credit")
    page.get_by_test_id("nav-membership").click()
    expect(page.get_by_test_id("member-score")).to_contain_text("Your credit score")

"""A newcomer opens the demo consumer's invite link, registers and accepts the invitation, then buys a year of
membership at the price their points give, pays in the sandbox gateway, and sees "member until" (the server's worker
delivers the gateway's callback, which activates the membership)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CONSUMER = ("consumer@demo.mercato", "demo-consumer-2026")
CALLBACK_WAIT_MS = 30_000


def use_english(page: Page) -> None:
    english = page.locator("header a[hreflang='en']")
    if english.count():
        english.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def invite_code_of_demo_consumer(page: Page, log_in: Callable[[Page, str, str], None]) -> str:
    page.goto("/")
    log_in(page, *CONSUMER)
    use_english(page)
    page.goto("/account/invite")
    code = page.get_by_test_id("invite-code").inner_text()
    expect(page.get_by_test_id("invite-link")).to_contain_text(f"/invite/{code}")
    return code


def register_from_the_invite_link(page: Page, code: str) -> None:
    page.goto(f"/invite/{code}")
    page.get_by_test_id("invite-register").click()
    page.get_by_test_id("register-email").fill(f"newcomer-{secrets.token_hex(4)}@example.com")
    page.get_by_test_id("register-display-name").fill("Newcomer")
    page.get_by_test_id("register-password").fill("Newcomer-2026")
    page.get_by_test_id("register-submit").click()
    expect(page).to_have_url(re.compile(rf"/invite/{code}$"))
    use_english(page)
    page.get_by_test_id("invite-accept").click()
    expect(page.get_by_test_id("invite-accepted")).to_have_attribute("data-status", "accepted")


def test_a_newcomer_accepts_an_invitation_buys_a_membership_and_is_a_member(
        new_page: Callable[..., Page], log_in: Callable[[Page, str, str], None],
        screenshot: Callable[[Page, str], Path]) -> None:
    code = invite_code_of_demo_consumer(new_page(), log_in)
    page = new_page()
    register_from_the_invite_link(page, code)
    page.get_by_test_id("nav-membership").click()
    expect(page.get_by_test_id("member-status")).to_have_attribute("data-member", "no")
    expect(page.get_by_test_id("member-price")).to_contain_text("¥88.00")
    page.get_by_test_id("member-buy").click()
    expect(page.get_by_test_id("pay-amount")).to_have_text("¥88.00")
    page.get_by_test_id("pay-button").click()
    page.get_by_test_id("gateway-approve").click()
    expect(page.get_by_test_id("pay-status")).to_have_attribute("data-status", "captured", timeout=CALLBACK_WAIT_MS)
    page.goto("/account/membership")
    year_on = datetime.now(UTC).year + 1
    expect(page.get_by_test_id("member-status")).to_have_attribute("data-member", "yes")
    expect(page.get_by_test_id("member-status")).to_contain_text(re.compile(rf"Member until {year_on}-\d\d-\d\d"))
    screenshot(page, "member")

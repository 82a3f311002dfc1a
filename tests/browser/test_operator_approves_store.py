"""A newcomer registers and applies for an independent store; the operator approves it; the store opens to
shoppers and its owner gets its workbench."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from mercato.stores.identity import resident_id_check_char

pytestmark = pytest.mark.browser

OPERATOR = ("operator@demo.mercato", "demo-operator-2026")


def resident_id(birth: str, serial: str) -> str:
    """A well-formed mainland resident ID (region 110105, the given birth date and serial, its check digit)."""
    first17 = f"110105{birth}{serial}"
    return first17 + str(resident_id_check_char(first17))


def register(page: Page, email: str, name: str, password: str) -> None:
    page.goto("/")
    page.locator("header a[href^='/register']").click()
    page.get_by_test_id("register-email").fill(email)
    page.get_by_test_id("register-display-name").fill(name)
    page.get_by_test_id("register-password").fill(password)
    page.get_by_test_id("register-submit").click()
    expect(page.locator("header a[href='/account']")).to_have_text(name)


def apply_for_independent_store(page: Page, slug: str, name_en: str, name_zh: str) -> None:
    page.locator("header a[href='/merchant']").click()
    expect(page.get_by_test_id("no-stores")).to_be_visible()
    page.get_by_test_id("apply-link").click()
    page.get_by_test_id("apply-kind-independent").check()
    page.get_by_test_id("apply-slug").fill(slug)
    page.get_by_test_id("apply-name-en").fill(name_en)
    page.get_by_test_id("apply-name-zh").fill(name_zh)
    page.get_by_test_id("apply-description").fill("Hand-thrown teacups from a two-person studio.")
    page.get_by_test_id("apply-phone").fill("138 0013 8000")
    page.get_by_test_id("apply-owner-name").fill("Lin Xiao")
    page.get_by_test_id("apply-owner-id").fill(resident_id("19900307", "123"))
    page.get_by_test_id("apply-submit").click()


def test_an_approved_application_opens_the_store_to_shoppers_and_its_owner(
        new_page: Callable[..., Page], log_in: Callable[[Page, str, str], None],
        screenshot: Callable[[Page, str], Path]) -> None:
    token = secrets.token_hex(4)
    slug, name_en, name_zh = f"kiln-studio-{token}", f"Kiln Studio {token}", f"窑火工作室 {token}"
    applicant = new_page()
    register(applicant, f"kiln-{token}@example.com", f"Lin {token}", "Teacups-2026")
    apply_for_independent_store(applicant, slug, name_en, name_zh)
    expect(applicant).to_have_url(re.compile(r"/merchant\?done=applied$"))
    mine = applicant.get_by_test_id("my-application-row")
    expect(mine).to_have_attribute("data-status", "pending")
    expect(mine).to_contain_text(f"/{slug}")

    operator = new_page()
    operator.goto("/")
    log_in(operator, *OPERATOR)
    operator.locator("header a[href='/ops']").click()
    operator.get_by_test_id("ops-link-applications").click()
    row = operator.locator(f"[data-testid=application-row][data-slug='{slug}']")
    expect(row).to_contain_text(name_en)
    expect(row.locator("code")).to_have_text(resident_id("19900307", "123")[-4:])
    screenshot(operator, "ops-applications")
    row.get_by_test_id("approve-button").click()
    expect(operator).to_have_url(re.compile(r"/ops/applications\?done=approved$"))
    expect(row).to_have_count(0)

    operator.goto(f"/s/{slug}")
    expect(operator.get_by_test_id("store-profile")).to_contain_text(name_en)
    expect(operator.get_by_test_id("store-profile").get_by_test_id("store-badge")).to_have_class(
        re.compile(r"\bindependent\b"))
    expect(operator.get_by_test_id("no-products")).to_be_visible()

    applicant.reload()
    expect(applicant.get_by_test_id("my-application-row")).to_have_attribute("data-status", "approved")
    store = applicant.get_by_test_id("my-store-row")
    expect(store).to_contain_text(f"/{slug}")
    store.get_by_test_id("open-workbench").click()
    expect(applicant.get_by_test_id("workbench-nav")).to_contain_text(name_en)
    expect(applicant.get_by_test_id("profile-name-zh")).to_have_value(name_zh)
    screenshot(applicant, "new-store-workbench")

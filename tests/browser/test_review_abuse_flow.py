"""A merchant reports a malicious bad review and an operator works it: the demo consumer buys from the independent
store and leaves a one-star review demanding money; the merchant reports it from the flagged-reviews page; the
operator finds it in the abuse queue, folds it, bars the reviewer, then undoes both (every action is reversible)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_consumer_buys_across_stores import CONSUMER, INDIE, use_english
from test_operator_approves_store import OPERATOR
from test_review_flow import buy_ship_and_receive

pytestmark = pytest.mark.browser


def write_a_one_star_review(shopper: Page, text: str) -> None:
    shopper.get_by_test_id("review-line-link").first.click()
    expect(shopper.get_by_test_id("review-form")).to_be_visible()
    shopper.get_by_test_id("rating-1").check()
    shopper.get_by_test_id("review-text-input").fill(text)
    # The same store scores as test_review_flow's: both review the independent store on the one live server, so
    # its averages (which that test asserts) do not depend on which test runs first.
    for name, score in (("description", "5"), ("service_score", "4"), ("logistics", "3")):
        shopper.get_by_test_id(f"score-{name}").select_option(score)
    shopper.get_by_test_id("review-submit").click()
    expect(shopper).to_have_url(re.compile(r"/account/reviews\?done=submitted$"))


def report_it(merchant: Page, token: str) -> None:
    merchant.goto("/merchant/reviews/flagged")
    item = merchant.get_by_test_id("recent-bad-reviews").get_by_test_id("flagged-review").filter(has_text=token)
    item.get_by_test_id("report-reason").select_option("extortion")
    item.get_by_test_id("report-note").fill(f"asked for money {token}")
    item.get_by_test_id("report-submit").click()
    expect(merchant.locator(".flash")).to_contain_text("the platform will look at this review")
    reported = merchant.get_by_test_id("flagged-review").filter(has_text=f"asked for money {token}")
    expect(reported.get_by_test_id("reported")).to_contain_text("Demands a refund or compensation")


def test_a_reported_review_is_folded_and_its_reviewer_barred_then_both_undone(
        new_page: Callable[..., Page], log_in: Callable[[Page, str, str], None],
        screenshot: Callable[[Page, str], Path]) -> None:
    token = secrets.token_hex(3)
    merchant, shopper, operator = new_page(), new_page(), new_page()
    for page, who in ((merchant, INDIE), (shopper, CONSUMER), (operator, OPERATOR)):
        page.goto("/")
        log_in(page, *who)
        use_english(page)
    buy_ship_and_receive(shopper, merchant, token)
    write_a_one_star_review(shopper, f"Broken on arrival, pay me 200 yuan or I post more {token}")
    report_it(merchant, token)
    screenshot(merchant, "merchant-flagged-reviews")

    operator.goto("/ops/reviews/abuse")
    item = operator.get_by_test_id("abuse-item").filter(has_text=token)
    expect(item.get_by_test_id("abuse-report")).to_contain_text("Demands a refund or compensation")
    item.get_by_test_id("abuse-fold").click()
    expect(operator.locator(".flash")).to_have_text("The review is folded")
    item = operator.get_by_test_id("abuse-item").filter(has_text=token)
    expect(item.get_by_test_id("abuse-folded")).to_be_visible()
    item.get_by_test_id("abuse-days").fill("30")
    item.get_by_test_id("abuse-why").fill(f"extortion {token}")
    item.get_by_test_id("abuse-sanction").click()
    expect(operator.locator(".flash")).to_have_text("The reviewer is barred from reviewing")
    item = operator.get_by_test_id("abuse-item").filter(has_text=token)
    expect(item.get_by_test_id("abuse-barred")).to_contain_text("Barred until")
    screenshot(operator, "abuse-queue")

    item.get_by_test_id("abuse-lift").click()
    expect(operator.locator(".flash")).to_have_text("The sanction is lifted")
    item = operator.get_by_test_id("abuse-item").filter(has_text=token)
    item.get_by_test_id("abuse-unfold").click()
    expect(operator.locator(".flash")).to_have_text("The review counts again")
    item = operator.get_by_test_id("abuse-item").filter(has_text=token)
    expect(item.get_by_test_id("abuse-fold")).to_be_visible()
    expect(item.get_by_test_id("abuse-sanction")).to_be_visible()

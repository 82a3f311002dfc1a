"""The membership rules as plain values: calendar months and years, the price tiers by credit score, the operator's
forms, address keys and the invite refusal rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.membership.model import (
    DEFAULT_PRICE_TABLE,
    PriceTableInvalid,
    PriceTier,
    RefusalReason,
    SavingCardPlanInvalid,
    VoucherGrant,
    address_key,
    extended_start,
    months_after,
    next_tier,
    parse_grants,
    parse_price,
    parse_price_table,
    price_for,
    refusal,
)


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(("start", "months", "end"), [
    (at(2026, 1, 31), 1, at(2026, 2, 28)), (at(2028, 1, 31), 1, at(2028, 2, 29)),
    (at(2026, 11, 11), 1, at(2026, 12, 11)), (at(2026, 12, 31), 1, at(2027, 1, 31)),
    (at(2028, 2, 29), 12, at(2029, 2, 28)), (at(2026, 3, 31), -1, at(2026, 2, 28))])
def test_a_month_later_is_the_same_day_or_the_months_last(start: datetime, months: int, end: datetime) -> None:
    assert months_after(start, months) == end


def test_a_purchase_while_in_force_starts_at_the_end_otherwise_now() -> None:
    assert extended_start(at(2026, 5, 1), at(2026, 9, 1)) == at(2026, 9, 1)
    assert extended_start(at(2026, 5, 1), at(2026, 4, 1)) == at(2026, 5, 1)
    assert extended_start(at(2026, 5, 1), None) == at(2026, 5, 1)


@pytest.mark.parametrize(("score", "price", "following"), [
    (350, 8800, 600), (599, 8800, 600), (600, 6800, 700), (799, 3800, 800), (800, 0, None), (950, 0, None)])
def test_the_default_tiers_follow_the_credit_tiers(score: int, price: int, following: int | None) -> None:
    assert price_for(score, DEFAULT_PRICE_TABLE).price == price
    upper = next_tier(score, DEFAULT_PRICE_TABLE)
    assert (upper.min_score if upper else None) == following


@given(st.integers(min_value=350, max_value=950), st.integers(min_value=0, max_value=600))
def test_a_better_credit_score_never_pays_more(score: int, better: int) -> None:
    assert price_for(min(score + better, 950), DEFAULT_PRICE_TABLE).price <= price_for(score, DEFAULT_PRICE_TABLE).price


def test_the_operators_table_form_reads_scores_and_yuan() -> None:
    assert parse_price_table(" 0 88\n\n600 68.5\n800 0.01 ") == (
        PriceTier(0, 8800), PriceTier(600, 6850), PriceTier(800, 1))


@pytest.mark.parametrize("text", ["", "5 10", "0 10\n951 5", "0 10\n0 5", "0 10\n9 x", "0 1.234", "0 10 3", "0 -1",
                                  "zero 1"])
def test_a_bad_table_form_is_refused(text: str) -> None:
    with pytest.raises(PriceTableInvalid):
        parse_price_table(text)


def test_the_grant_and_price_forms() -> None:
    assert parse_grants("P1 4\nP2 1\n", SavingCardPlanInvalid) == (VoucherGrant("P1", 4), VoucherGrant("P2", 1))
    assert parse_price(" 10.50 ", SavingCardPlanInvalid) == 1050
    for bad in ("P1", "P1 x", "P1 0", "P1 1\nP1 2"):
        with pytest.raises(SavingCardPlanInvalid):
            parse_grants(bad, SavingCardPlanInvalid)
    with pytest.raises(SavingCardPlanInvalid):
        parse_price("-1", SavingCardPlanInvalid)


def test_an_address_key_ignores_case_width_spaces_punctuation_and_the_recipient() -> None:
    assert address_key("Zhejiang", "Hangzhou", "1 West-Lake Road, #2") == \
        address_key("ZHEJIANG ", "hangzhou", "1 west lake road 2")
    assert address_key("浙江", "杭州", "西湖路１号") == address_key("浙江", "杭州", "西湖路1号")
    assert address_key("Zhejiang", "Hangzhou", "1 West Lake Road") != \
        address_key("Zhejiang", "Hangzhou", "2 West Lake Road")


def test_the_refusal_names_the_address_before_the_payer() -> None:
    assert refusal("addr:a", "pay:x", {"addr:a", "pay:x"}) is RefusalReason.ADDRESS
    assert refusal("addr:b", "pay:x", {"addr:a", "pay:x"}) is RefusalReason.PAYER
    assert refusal("addr:b", None, {"addr:a", "pay:x"}) is None

"""The pure credit score: bounded, monotone in every fact, explained by its factors, deaf to the order of the
orders, and no single order jumps a tier."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from mercato.credit.model import (
    BAD_FACTS,
    GOOD_FACTS,
    MAX_ONE_ORDER_GAIN,
    MAX_SCORE,
    MIN_SCORE,
    SPEND_PER_ORDER,
    THIN_HISTORY_CAP,
    THIN_HISTORY_ORDERS,
    TIER_WIDTH,
    CreditFacts,
    CreditTier,
    Factor,
    OrderFact,
    QuickRefundTerms,
    advice_for,
    counted_spend,
    order_facts,
    quick_refund_terms,
    saturating,
    score,
    score_for_tier,
    terms_for,
    tier_of,
    tier_rank,
)

counts = st.integers(min_value=0, max_value=400)
money = st.integers(min_value=0, max_value=10**9)
facts = st.builds(
    CreditFacts, account_age_days=st.integers(0, 5_000), completed_orders_12m=counts, spend_12m=money,
    largest_order_12m=money, orders_paid=counts, orders_unpaid_timeout=counts, refunds_12m=counts,
    refunds_buyer_fault_12m=counts, disputes_lost=counts, returns_never_shipped=counts, clawbacks=counts,
    helpful_reviews=counts, violations=counts)


def test_a_consumer_with_no_history_starts_fair_with_no_factors() -> None:
    assert score(CreditFacts()) == score(CreditFacts()).__class__(500, CreditTier.FAIR, ())


def test_a_steady_shopper_of_a_year_is_good_and_the_factors_say_why() -> None:
    result = score(CreditFacts(account_age_days=400, completed_orders_12m=12, spend_12m=240_000,
                               largest_order_12m=40_000, orders_paid=12))
    assert result.value == 673
    assert result.tier is CreditTier.GOOD
    assert result.factors == (
        Factor("completed_orders", 72, "credit.factor.completed_orders"),
        Factor("account_age", 41, "credit.factor.account_age"),
        Factor("paying_on_time", 38, "credit.factor.paying_on_time"),
        Factor("spend", 22, "credit.factor.spend"))


def test_a_return_never_shipped_back_takes_a_good_shopper_down_to_fair() -> None:
    shopper = CreditFacts(account_age_days=400, completed_orders_12m=12, spend_12m=240_000,
                          largest_order_12m=40_000, orders_paid=12)
    result = score(dataclasses.replace(shopper, returns_never_shipped=1, refunds_12m=1))
    assert result.value == 523
    assert result.tier is CreditTier.FAIR
    assert result.factors[0] == Factor("returns_never_shipped", -150, "credit.factor.returns_never_shipped")


def test_one_huge_order_counts_like_one_ordinary_order() -> None:
    one_big = CreditFacts(completed_orders_12m=1, spend_12m=10**8, largest_order_12m=10**8, orders_paid=1)
    one_usual = CreditFacts(completed_orders_12m=1, spend_12m=SPEND_PER_ORDER, largest_order_12m=SPEND_PER_ORDER,
                            orders_paid=1)
    assert counted_spend(one_big) == counted_spend(one_usual) == SPEND_PER_ORDER
    assert score(one_big) == score(one_usual)
    assert score(one_big).tier is CreditTier.FAIR


def test_the_largest_orders_excess_is_left_out_of_the_spend() -> None:
    facts = CreditFacts(completed_orders_12m=10, spend_12m=9 * 1_000 + 10_000_000, largest_order_12m=10_000_000)
    assert counted_spend(facts) == 9 * 1_000 + SPEND_PER_ORDER


def test_the_saturating_curve_is_exact_half_at_half_and_never_reaches_the_cap() -> None:
    assert [saturating(x, 100, 10) for x in (0, 1, 10, 90, 10**12)] == [0, 9, 50, 90, 100]
    assert saturating(-5, 100, 10) == 0


def test_tiers_start_at_their_floors() -> None:
    assert [tier_of(v) for v in (350, 499, 500, 599, 600, 700, 799, 800, 950)] == [
        CreditTier.LOW, CreditTier.LOW, CreditTier.FAIR, CreditTier.FAIR, CreditTier.GOOD, CreditTier.GREAT,
        CreditTier.GREAT, CreditTier.EXCELLENT, CreditTier.EXCELLENT]
    assert score_for_tier("good").value == 600
    assert score_for_tier(CreditTier.GOOD).tier is CreditTier.GOOD


def test_quick_refunds_start_at_good_and_their_caps_grow_by_tier() -> None:
    assert terms_for("low") is None
    assert terms_for(CreditTier.FAIR) is None
    assert terms_for("good") == QuickRefundTerms("good", 50_000, 100_000)
    assert terms_for("great") == QuickRefundTerms("great", 150_000, 300_000)
    assert terms_for("excellent") == QuickRefundTerms("excellent", 500_000, 1_000_000)


def test_a_good_tier_on_a_thin_recent_history_earns_quick_refunds_of_an_ordinary_order_only() -> None:
    old_account = CreditFacts(account_age_days=2_000, completed_orders_12m=4, spend_12m=60_000,
                              largest_order_12m=20_000, orders_paid=4)
    assert score(old_account).tier is CreditTier.GOOD
    assert THIN_HISTORY_ORDERS == 8 and THIN_HISTORY_CAP == 20_000
    assert quick_refund_terms("good", old_account) == QuickRefundTerms("good", 20_000, 20_000)
    assert quick_refund_terms("great", old_account) == QuickRefundTerms("great", 20_000, 20_000)


def test_the_tiers_caps_return_with_the_eighth_order_of_the_past_12_months() -> None:
    seven = CreditFacts(account_age_days=400, completed_orders_12m=7, orders_paid=7)
    eight = dataclasses.replace(seven, completed_orders_12m=8, orders_paid=8)
    assert quick_refund_terms("good", seven) == QuickRefundTerms("good", 20_000, 20_000)
    assert quick_refund_terms("good", eight) == QuickRefundTerms("good", 50_000, 100_000)
    assert quick_refund_terms("excellent", eight) == QuickRefundTerms("excellent", 500_000, 1_000_000)


def test_below_good_a_thin_history_earns_nothing_and_a_score_without_facts_earns_its_tiers_caps() -> None:
    assert quick_refund_terms("fair", CreditFacts()) is None
    assert quick_refund_terms(CreditTier.LOW, None) is None
    assert quick_refund_terms("good", None) == QuickRefundTerms("good", 50_000, 100_000)


def test_advice_fixes_what_takes_points_first_then_what_can_still_add() -> None:
    result = score(CreditFacts(account_age_days=400, completed_orders_12m=40, orders_paid=40, clawbacks=1))
    assert advice_for(result.factors) == ("credit.advice.ship_returns", "credit.advice.review")
    assert advice_for(()) == ("credit.advice.shop", "credit.advice.pay_on_time", "credit.advice.review")


def test_one_order_can_add_less_than_a_tier() -> None:
    assert MAX_ONE_ORDER_GAIN < TIER_WIDTH


# --- properties -----------------------------------------------------------------------------------------------------

@given(facts)
def test_the_score_is_bounded_and_its_tier_matches_it(f: CreditFacts) -> None:
    result = score(f)
    assert MIN_SCORE <= result.value <= MAX_SCORE
    assert result.tier is tier_of(result.value)
    assert all(abs(factor.points) <= 300 and factor.points != 0 for factor in result.factors)


@given(facts, st.sampled_from(GOOD_FACTS), st.integers(1, 10**9))
def test_more_of_a_good_fact_never_lowers_the_score(f: CreditFacts, name: str, more: int) -> None:
    better = dataclasses.replace(f, **{name: getattr(f, name) + more})
    assert score(better).value >= score(f).value


@given(facts, st.sampled_from(BAD_FACTS), st.integers(1, 10**6))
def test_more_of_a_bad_fact_never_raises_the_score(f: CreditFacts, name: str, more: int) -> None:
    worse = dataclasses.replace(f, **{name: getattr(f, name) + more})
    assert score(worse).value <= score(f).value


@given(facts, st.integers(1, 10**9))
def test_a_larger_largest_order_at_the_same_spend_never_raises_the_score(f: CreditFacts, more: int) -> None:
    concentrated = dataclasses.replace(f, largest_order_12m=f.largest_order_12m + more)
    assert score(concentrated).value <= score(f).value


def _caps(f: CreditFacts) -> tuple[int, int]:
    terms = quick_refund_terms(score(f).tier, f)
    return (terms.per_order_max, terms.outstanding_max) if terms is not None else (0, 0)


def _at_least(caps: tuple[int, int], than: tuple[int, int]) -> bool:
    return caps[0] >= than[0] and caps[1] >= than[1]


@given(facts)
def test_the_quick_refund_caps_never_exceed_the_tiers(f: CreditFacts) -> None:
    tier = score(f).tier
    earned, of_tier = quick_refund_terms(tier, f), terms_for(tier)
    assert (earned is None) == (of_tier is None)
    if earned is not None and of_tier is not None:
        assert earned.tier == of_tier.tier
        assert earned.per_order_max <= of_tier.per_order_max and earned.outstanding_max <= of_tier.outstanding_max


@given(facts, st.sampled_from(GOOD_FACTS), st.integers(1, 10**9))
def test_more_of_a_good_fact_never_lowers_the_quick_refund_caps(f: CreditFacts, name: str, more: int) -> None:
    better = dataclasses.replace(f, **{name: getattr(f, name) + more})
    assert _at_least(_caps(better), _caps(f))


@given(facts, st.sampled_from(BAD_FACTS), st.integers(1, 10**6))
def test_more_of_a_bad_fact_never_raises_the_quick_refund_caps(f: CreditFacts, name: str, more: int) -> None:
    worse = dataclasses.replace(f, **{name: getattr(f, name) + more})
    assert _at_least(_caps(f), _caps(worse))


@given(st.lists(st.integers(0, 10**8), max_size=60), st.randoms(use_true_random=False))
def test_the_score_does_not_depend_on_the_order_of_the_orders(amounts: list[int], rnd: object) -> None:
    shuffled = list(amounts)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    first, second = order_facts(OrderFact(a) for a in amounts), order_facts(OrderFact(a) for a in shuffled)
    assert first == second

    def of(orders: tuple[int, int, int]) -> CreditFacts:
        return CreditFacts(completed_orders_12m=orders[0], spend_12m=orders[1], largest_order_12m=orders[2],
                           orders_paid=orders[0])
    assert score(of(first)) == score(of(second))
    assert _caps(of(first)) == _caps(of(second))


@given(st.lists(st.integers(0, 10**8), max_size=60), facts, st.integers(0, 10**9))
def test_one_order_of_any_size_moves_the_tier_by_at_most_one(history: list[int], f: CreditFacts,
                                                              amount: int) -> None:
    n, spend, largest = order_facts(OrderFact(a) for a in history)
    before = dataclasses.replace(f, completed_orders_12m=n, spend_12m=spend, largest_order_12m=largest,
                                 orders_paid=f.orders_paid)
    n2, spend2, largest2 = order_facts(OrderFact(a) for a in [*history, amount])
    after = dataclasses.replace(before, completed_orders_12m=n2, spend_12m=spend2, largest_order_12m=largest2,
                                orders_paid=before.orders_paid + 1)
    assert 0 <= tier_rank(score(after).tier) - tier_rank(score(before).tier) <= 1
    assert 0 <= score(after).value - score(before).value <= MAX_ONE_ORDER_GAIN
    assert _at_least(_caps(after), _caps(before))

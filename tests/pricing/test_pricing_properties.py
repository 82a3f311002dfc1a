"""Properties of the promotion engine against the brute-force oracle, on random carts and promotions."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import replace
from random import Random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from oracle import cheapest, space_size
from pricing_strategies import NOW, Case, cases

from mercato.pricing.model import Quote, price_cart

ORACLE_LIMIT = 3000
# PRICING_EXAMPLES=2000 for a longer hunt; the default keeps the suite's run short.
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("PRICING_EXAMPLES", "150")),
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)


def quote(case: Case) -> Quote:
    return price_cart(case.lines, case.context, case.promotions, NOW)


@PROPERTY_SETTINGS
@given(cases())
def test_engine_finds_the_oracles_lowest_total(case: Case) -> None:
    assume(space_size(case.lines, case.context, case.promotions, NOW) <= ORACLE_LIMIT)
    assert quote(case).payable == cheapest(case.lines, case.context, case.promotions, NOW)


@PROPERTY_SETTINGS
@given(cases())
def test_every_line_adds_up_and_never_goes_below_zero(case: Case) -> None:
    result = quote(case)
    for line in result.lines:
        assert line.paid >= 0
        assert line.original - sum(d.amount for d in line.discounts) == line.paid
        assert all(d.amount > 0 and d.merchant >= 0 and d.platform >= 0 for d in line.discounts)
        assert all(d.merchant + d.platform == d.amount for d in line.discounts)
    assert sum(line.paid for line in result.lines) == result.payable == sum(s.paid for s in result.stores)
    assert result.original - result.payable == sum(d.amount for line in result.lines for d in line.discounts)


@PROPERTY_SETTINGS
@given(cases())
def test_allocations_sum_to_each_discount_in_the_explanation(case: Case) -> None:
    result = quote(case)
    allocated = Counter[tuple[str, str]]()
    for line in result.lines:
        for d in line.discounts:
            allocated[(d.promotion_id, d.held_id)] += d.amount
    noted = {(n.promotion_id, n.held_id): n.discount for n in result.notes if n.discount}
    assert dict(allocated) == noted


@PROPERTY_SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_order(case: Case, shuffler: Random) -> None:
    lines, promotions, held = list(case.lines), list(case.promotions), list(case.context.held)
    shuffler.shuffle(lines)
    shuffler.shuffle(promotions)
    shuffler.shuffle(held)
    shuffled = Case(tuple(lines), replace(case.context, held=tuple(held)), tuple(promotions))
    assert quote(case) == quote(shuffled)

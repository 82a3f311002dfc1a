"""Largest-remainder allocation over lines and the merchant/platform funding split."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mercato.kernel.money import allocate as largest_remainder
from mercato.pricing.model import allocate, split_funding


def test_leftover_fen_go_to_the_largest_remainders_then_the_earlier_line() -> None:
    assert allocate(100, [100, 100, 100]) == [34, 33, 33]
    assert allocate(10, [3000, 7000]) == [3, 7]
    assert allocate(5, [250, 251]) == [2, 3]


def test_a_discount_above_the_eligible_amount_is_capped_to_it() -> None:
    assert allocate(900, [100, 200]) == [100, 200]


def test_no_discount_or_nothing_to_discount_allocates_zero() -> None:
    assert allocate(0, [100, 200]) == [0, 0]
    assert allocate(50, [0, 0]) == [0, 0]


def test_funding_splits_by_the_platforms_basis_points() -> None:
    assert split_funding(1001, 4000) == (601, 400)
    assert split_funding(1001, 0) == (1001, 0)
    assert split_funding(1001, 10_000) == (0, 1001)


@given(st.integers(0, 10**7), st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_parts_sum_to_the_capped_amount_and_no_line_takes_more_than_it_has(amount: int, weights: list[int]) -> None:
    parts = allocate(amount, weights)
    assert sum(parts) == min(amount, sum(weights))
    assert all(0 <= p <= w for p, w in zip(parts, weights, strict=True))


@given(st.integers(1, 10**7), st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_parts_are_the_kernels_largest_remainder_of_the_capped_amount(amount: int, weights: list[int]) -> None:
    capped = min(amount, sum(weights))
    assert allocate(amount, weights) == (largest_remainder(capped, weights) if capped else [0] * len(weights))


@given(st.integers(-10**7, 10**7), st.integers(0, 10_000))
def test_funding_is_the_kernels_largest_remainder_over_the_two_shares(amount: int, platform_bp: int) -> None:
    assert split_funding(amount, platform_bp) == tuple(largest_remainder(amount, [10_000 - platform_bp, platform_bp]))


@given(st.integers(0, 10**7), st.integers(0, 10_000))
def test_funding_parts_sum_to_the_amount(amount: int, platform_bp: int) -> None:
    merchant, platform = split_funding(amount, platform_bp)
    assert merchant + platform == amount
    assert merchant >= 0
    assert platform >= 0

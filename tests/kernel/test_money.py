"""Money arithmetic and largest-remainder allocation."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.kernel.money import CurrencyMismatch, Money, allocate


def test_parses_decimal_strings_exactly() -> None:
    assert Money.parse("12.30") == Money(1230)
    assert Money.parse("0.07") == Money(7)
    assert Money.parse("-3.5") == Money(-350)
    assert Money.parse("100") == Money(10000)


@pytest.mark.parametrize("text", ["1.234", "abc", "", "1.2.3", "¥5", "1e3"])
def test_refuses_amounts_that_are_not_exact_decimals(text: str) -> None:
    with pytest.raises(ValueError):
        Money.parse(text)


def test_refuses_floats_and_unknown_currencies() -> None:
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money(1, "XXX")


def test_formats_with_symbol_and_separators() -> None:
    assert Money(123456789).format() == "¥1,234,567.89"
    assert Money(-5).format() == "-¥0.05"
    assert Money(500, "JPY").format() == "¥500"


def test_adding_different_currencies_is_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        _ = Money(1, "CNY") + Money(1, "USD")


def test_allocates_a_discount_by_largest_remainder_with_ties_to_the_larger_weight() -> None:
    assert allocate(100, [1, 1, 1]) == [34, 33, 33]
    assert allocate(10, [3000, 2000, 5000]) == [3, 2, 5]
    assert allocate(1, [1, 2]) == [0, 1]
    assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]
    assert allocate(5, [0, 0]) == [3, 2]


def test_allocation_refuses_negative_weights_and_empty_parts() -> None:
    with pytest.raises(ValueError):
        allocate(10, [1, -1])
    with pytest.raises(ValueError):
        allocate(10, [])
    assert allocate(0, []) == []


@given(st.integers(-10**12, 10**12), st.lists(st.integers(0, 10**9), min_size=1, max_size=30))
def test_allocated_parts_always_sum_to_the_whole(total: int, weights: list[int]) -> None:
    parts = allocate(total, weights)
    assert sum(parts) == total
    assert len(parts) == len(weights)


@given(st.integers(0, 10**12), st.lists(st.integers(1, 10**9), min_size=1, max_size=30))
def test_each_part_is_within_one_unit_of_its_exact_share(total: int, weights: list[int]) -> None:
    whole = sum(weights)
    for part, weight in zip(allocate(total, weights), weights, strict=True):
        exact_floor = total * weight // whole
        assert exact_floor <= part <= exact_floor + 1


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
def test_allocation_is_deterministic(total: int, weights: list[int]) -> None:
    assert allocate(total, weights) == allocate(total, list(weights))

"""Inventory rules as plain values: quantity and delta bounds, the low-stock flag."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.inventory.model import (
    LOW_STOCK_THRESHOLD,
    MAX_QUANTITY,
    StockLevel,
    StockQuantityInvalid,
    check_delta,
    check_quantity,
    check_reservation,
)


@given(st.integers(min_value=-2 * MAX_QUANTITY, max_value=2 * MAX_QUANTITY))
def test_a_quantity_is_accepted_exactly_when_it_is_between_zero_and_the_maximum(quantity: int) -> None:
    if 0 <= quantity <= MAX_QUANTITY:
        assert check_quantity(quantity) == quantity
    else:
        with pytest.raises(StockQuantityInvalid):
            check_quantity(quantity)


@given(st.integers(min_value=-2 * MAX_QUANTITY, max_value=2 * MAX_QUANTITY))
def test_a_delta_is_accepted_exactly_when_non_zero_and_no_larger_than_the_maximum(delta: int) -> None:
    if delta != 0 and abs(delta) <= MAX_QUANTITY:
        assert check_delta(delta) == delta
    else:
        with pytest.raises(StockQuantityInvalid):
            check_delta(delta)


@pytest.mark.parametrize("value", [True, 1.0, "3", None])
def test_quantities_must_be_real_integers(value: object) -> None:
    with pytest.raises(StockQuantityInvalid) as info:
        check_quantity(value)  # type: ignore[arg-type]
    assert info.value.code == "stock_quantity_invalid"


def test_a_reservation_moves_at_least_one_unit() -> None:
    assert check_reservation(1) == 1
    with pytest.raises(StockQuantityInvalid):
        check_reservation(0)


def test_a_level_at_the_threshold_is_low_and_one_above_is_not() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert StockLevel("s", "p", "st", LOW_STOCK_THRESHOLD, 0, at).low
    assert not StockLevel("s", "p", "st", LOW_STOCK_THRESHOLD + 1, 0, at).low

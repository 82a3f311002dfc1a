"""Opaque ids, cursors and the movable clock."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.kernel.clock import FixedClock
from mercato.kernel.errors import InputInvalid
from mercato.kernel.idgen import new_id
from mercato.kernel.ids import encode_id, id_millis, is_valid_id
from mercato.kernel.pagination import CursorInvalid, clamp_limit, decode_cursor, encode_cursor


@given(st.integers(0, 2**48 - 1), st.integers(0, 2**80 - 1), st.integers(0, 2**48 - 1), st.integers(0, 2**80 - 1))
def test_ids_sort_by_time_first(m1: int, e1: int, m2: int, e2: int) -> None:
    a, b = encode_id(m1, e1), encode_id(m2, e2)
    assert is_valid_id(a) and is_valid_id(b)
    assert id_millis(a) == m1
    if m1 < m2:
        assert a < b


def test_generated_ids_are_unique_and_valid() -> None:
    ids = {new_id() for _ in range(5000)}
    assert len(ids) == 5000
    assert all(is_valid_id(i) for i in ids)


def test_ids_reject_out_of_range_parts() -> None:
    with pytest.raises(ValueError):
        encode_id(2**48, 0)
    with pytest.raises(ValueError):
        encode_id(0, -1)
    assert not is_valid_id("not-an-id")


@given(st.lists(st.one_of(st.integers(-10**15, 10**15), st.text(max_size=30)), min_size=1, max_size=4))
def test_cursor_round_trips(values: list[object]) -> None:
    assert decode_cursor(encode_cursor(values), len(values)) == values


@pytest.mark.parametrize("cursor", ["!!!", "bm90IGpzb24", encode_cursor([1, 2]), encode_cursor([True]),
                                    encode_cursor([[1]])])
def test_forged_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(CursorInvalid):
        decode_cursor(cursor, 1)


def test_page_limits_are_bounded() -> None:
    assert clamp_limit(None) == 24
    assert clamp_limit(100) == 100
    for bad in (0, -1, 101):
        with pytest.raises(InputInvalid):
            clamp_limit(bad)


def test_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    assert clock.now() == datetime(2026, 1, 1, tzinfo=UTC)
    clock.advance(timedelta(minutes=15))
    assert clock.now() == datetime(2026, 1, 1, 0, 15, tzinfo=UTC)
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 1, 1))


def test_ids_from_one_process_strictly_increase_even_within_a_millisecond() -> None:
    ids = [new_id() for _ in range(20000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)

"""What each after-sales money source must have moved by its requests' states (the after-sales part of `ledger
verify`), as pure rules: exact cases and a Hypothesis property."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from mercato.aftersales.model import (
    Kind,
    Reason,
    RefundRequest,
    Status,
    expected_movements,
    money_mismatches,
)

AT = datetime(2026, 6, 1, tzinfo=UTC)
BASE = RefundRequest("r1", "100000000000000001", "o1", "20260601000000000001", "l1", "c1", "s1",
                     Kind.RETURN_REFUND, 1, Reason.DAMAGED, "", Status.REQUESTED, 9900, 500, 0, 0, 0, False, None,
                     None, None, None, None, "Tea", "茶", AT, AT)


def test_an_open_request_that_is_not_quick_moves_nothing() -> None:
    assert expected_movements([BASE]) == {}


def test_a_refunded_request_moves_its_refund_and_the_shipping_fee_that_went_with_it() -> None:
    done = replace(BASE, status=Status.REFUNDED, refunded=9900, shipping=800)
    assert expected_movements([done]) == {"refund:r1": 9900, "refund-shipping:o1": 800}


def test_a_quick_refund_decided_in_part_was_advanced_in_full_and_clawed_back_the_rest() -> None:
    done = replace(BASE, status=Status.REFUNDED, refunded=4000, quick=True)
    assert expected_movements([done]) == {"refund:r1": 4000, "advance:r1": 9900, "clawback:r1": 5900}


def test_a_quick_refund_that_lapsed_was_clawed_back_in_full_and_one_still_open_not_at_all() -> None:
    assert expected_movements([replace(BASE, status=Status.CLOSED, quick=True)]) == \
        {"advance:r1": 9900, "clawback:r1": 9900}
    assert expected_movements([replace(BASE, status=Status.SHIPPED_BACK, quick=True)]) == {"advance:r1": 9900}


def test_money_moved_under_a_source_no_request_explains_is_a_mismatch_and_other_sources_are_ignored() -> None:
    moved = {"refund:r9": 100, "capture:p1": 5000, "recover:o1": 30}
    assert money_mismatches({}, moved) == [("refund:r9", 0, 100)]


@given(st.lists(st.sampled_from(list(Status)), min_size=1, max_size=6), st.integers(1, 10**7), st.booleans())
def test_requests_whose_money_moved_as_expected_never_mismatch(statuses: list[Status], amount: int,
                                                                 quick: bool) -> None:
    requests = [replace(BASE, id=f"r{i}", status=s, amount=amount, quick=quick,
                        refunded=amount if s is Status.REFUNDED else 0) for i, s in enumerate(statuses)]
    expected = expected_movements(requests)
    assert money_mismatches(expected, dict(expected)) == []
    assert all(value > 0 for value in expected.values())

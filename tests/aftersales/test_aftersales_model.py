"""The pure after-sales rules: the refund amount to the fen (partial refunds of a line sum to what it paid, never
more), the shares that follow it, the shipping rule, the state machine, and which kind an order's state allows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.aftersales.model import (
    AFTERSALES_WINDOW,
    OPEN,
    TRANSITIONS,
    Kind,
    RefundAmountInvalid,
    RefundKindNotAllowed,
    RefundOrderNotPaid,
    RefundQuote,
    RefundTrackingInvalid,
    RefundTransitionForbidden,
    RefundUnitsInvalid,
    RefundWindowClosed,
    Status,
    check_kind,
    check_tracking,
    check_units,
    cumulative_share,
    kinds_allowed,
    looks_like_request_no,
    quote_units,
    request_no,
    scale_quote,
    shipping_back,
    transition,
)
from mercato.aftersales.tables import OPEN_SQL

NOW = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)


def test_refunding_one_of_three_units_of_a_line_that_paid_100_gives_back_33_then_33_then_34() -> None:
    parts = [cumulative_share(100, 3, r, 1) for r in range(3)]
    assert parts == [33, 33, 34]


def test_refunding_two_units_after_one_gives_back_the_rest_exactly() -> None:
    assert cumulative_share(101, 3, 1, 2) == 101 - 33


def test_a_quote_splits_commission_and_platform_share_the_same_way() -> None:
    quote = quote_units(paid=9900, commission=495, platform=300, quantity=3, refunded=1, units=1)
    assert quote == RefundQuote(3300, 165, 100)


def test_a_partial_decision_scales_the_shares_down() -> None:
    assert scale_quote(RefundQuote(3300, 165, 100), 1650) == RefundQuote(1650, 82, 50)
    assert scale_quote(RefundQuote(3300, 165, 100), 3300) == RefundQuote(3300, 165, 100)


@pytest.mark.parametrize("amount", [0, -1, 3301])
def test_a_partial_decision_outside_the_amount_asked_is_refused(amount: int) -> None:
    with pytest.raises(RefundAmountInvalid):
        scale_quote(RefundQuote(3300, 165, 100), amount)


@given(paid=st.integers(0, 10**9), quantity=st.integers(1, 50), data=st.data())
def test_partial_refunds_of_a_line_in_any_sizes_sum_to_exactly_what_it_paid(paid: int, quantity: int,
                                                                            data: st.DataObject) -> None:
    refunded, total = 0, 0
    while refunded < quantity:
        units = data.draw(st.integers(1, quantity - refunded))
        part = cumulative_share(paid, quantity, refunded, units)
        assert 0 <= part <= paid
        total += part
        refunded += units
        assert total <= paid
    assert total == paid


@given(paid=st.integers(0, 10**7), rate=st.integers(0, 10_000), platform=st.integers(0, 10**6),
       quantity=st.integers(1, 30), data=st.data())
def test_shares_never_exceed_their_whole_and_commission_never_exceeds_the_amount(
        paid: int, rate: int, platform: int, quantity: int, data: st.DataObject) -> None:
    commission = paid * rate // 10_000
    refunded, commissions, platforms = 0, 0, 0
    while refunded < quantity:
        units = data.draw(st.integers(1, quantity - refunded))
        quote = quote_units(paid=paid, commission=commission, platform=platform, quantity=quantity,
                            refunded=refunded, units=units)
        assert 0 <= quote.commission_share <= quote.amount
        commissions += quote.commission_share
        platforms += quote.platform_share
        refunded += units
    assert commissions <= commission
    assert platforms == platform


@given(amount=st.integers(1, 10**8), commission=st.integers(0, 10**6), platform=st.integers(0, 10**6),
       data=st.data())
def test_a_scaled_quote_never_gives_more_than_the_full_one(amount: int, commission: int, platform: int,
                                                          data: st.DataObject) -> None:
    full = RefundQuote(amount, min(commission, amount), platform)
    part = scale_quote(full, data.draw(st.integers(1, amount)))
    assert part.amount <= full.amount
    assert part.commission_share <= min(full.commission_share, part.amount)
    assert part.platform_share <= full.platform_share


def test_shipping_goes_back_only_when_every_unit_of_an_unshipped_order_is_refunded() -> None:
    assert shipping_back(shipping_fee=800, order_shipped=False, units_bought=3, units_refunded=3) == 800
    assert shipping_back(shipping_fee=800, order_shipped=False, units_bought=3, units_refunded=2) == 0
    assert shipping_back(shipping_fee=800, order_shipped=True, units_bought=3, units_refunded=3) == 0


def test_units_must_be_between_one_and_what_is_left() -> None:
    assert check_units(2, 3, 1) == 2
    for units, bought, taken in ((0, 3, 0), (3, 3, 1), (-1, 3, 0), (1, 2, 2)):
        with pytest.raises(RefundUnitsInvalid):
            check_units(units, bought, taken)


def test_a_paid_order_allows_refund_only_and_a_shipped_one_both() -> None:
    assert kinds_allowed("paid", None, NOW) == {Kind.REFUND_ONLY}
    assert kinds_allowed("shipped", None, NOW) == {Kind.REFUND_ONLY, Kind.RETURN_REFUND}
    assert kinds_allowed("completed", NOW, NOW + AFTERSALES_WINDOW) == {Kind.RETURN_REFUND}
    with pytest.raises(RefundKindNotAllowed):
        check_kind(Kind.RETURN_REFUND, "paid", None, NOW)
    with pytest.raises(RefundKindNotAllowed):
        check_kind(Kind.REFUND_ONLY, "completed", NOW, NOW)


def test_an_unpaid_or_cancelled_order_is_refused_and_a_late_request_too() -> None:
    for status in ("pending_payment", "cancelled"):
        with pytest.raises(RefundOrderNotPaid):
            kinds_allowed(status, None, NOW)
    with pytest.raises(RefundWindowClosed):
        kinds_allowed("completed", NOW, NOW + AFTERSALES_WINDOW + timedelta(seconds=1))


def test_the_state_machine_ends_in_final_states_and_refuses_jumps() -> None:
    finals = {s for s, targets in TRANSITIONS.items() if not targets}
    assert finals == {Status.REFUNDED, Status.DENIED, Status.CANCELLED, Status.CLOSED}
    assert set(Status) - finals == OPEN
    assert transition(Status.REQUESTED, Status.REFUSED) is Status.REFUSED
    with pytest.raises(RefundTransitionForbidden):
        transition(Status.REQUESTED, Status.SHIPPED_BACK)
    with pytest.raises(RefundTransitionForbidden):
        transition(Status.REFUNDED, Status.REFUNDED)


def test_the_open_index_names_exactly_the_open_statuses() -> None:
    assert all(f"'{s.value}'" in OPEN_SQL for s in OPEN)
    assert not any(f"'{s.value}'" in OPEN_SQL for s in set(Status) - OPEN)


def test_request_numbers_are_18_digits_without_a_leading_zero() -> None:
    assert request_no(0) == "100000000000000000"
    assert looks_like_request_no(request_no(123456789))
    assert not looks_like_request_no("012345678901234567")
    assert not looks_like_request_no("12345")


def test_tracking_is_checked() -> None:
    assert check_tracking(" SF  Express ", " SF1234567 ") == ("SF Express", "SF1234567")
    with pytest.raises(RefundTrackingInvalid):
        check_tracking("", "SF1234567")
    with pytest.raises(RefundTrackingInvalid):
        check_tracking("SF", "a b")


@given(st.lists(st.sampled_from(list(Status)), max_size=12))
def test_any_sequence_of_moves_follows_the_table_and_a_final_state_never_moves(targets: list[Status]) -> None:
    current = Status.REQUESTED
    for target in targets:
        final = not TRANSITIONS[current]
        try:
            current = transition(current, target)
        except RefundTransitionForbidden:
            assert target not in TRANSITIONS[current]
        else:
            assert not final

"""The trade rules as plain values: every order transition (the forbidden ones too), cart bounds, shipping fees,
commission rounding, the fingerprint, order numbers and addresses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.trade.model import (
    DEFAULT_SHIPPING,
    ORDER_NO_SPACE,
    AddressInput,
    AddressInvalid,
    CancelEffect,
    CancelReasonInvalid,
    CartEmpty,
    CartLine,
    CartQuantityInvalid,
    CartStoreGroup,
    LineProblem,
    OrderNotCancellable,
    OrderNotPaid,
    OrderNotShipped,
    OrderStatus,
    OrderTransitionForbidden,
    PlacedOrder,
    PlacedOrderRef,
    ShipmentInvalid,
    ShippingRule,
    ShippingSettingsInvalid,
    SkuFacts,
    SkuNotFound,
    SkuUnavailable,
    StoreFacts,
    added_quantity,
    auto_confirm_at,
    can_transition,
    cancel_effect,
    cart_line,
    cart_view,
    check_line_quantity,
    check_reason,
    check_settable_quantity,
    check_shipment,
    check_shipping,
    checkout_preview,
    clean_address,
    escrow_mismatches,
    group_by_store,
    line_commission,
    line_problem,
    looks_like_order_no,
    order_drafts,
    order_no,
    rate_pairs,
    refuse_problems,
    refuse_unpurchasable,
    transition,
)

S = OrderStatus
NOW = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)
ALLOWED = {(S.PENDING_PAYMENT, S.PAID), (S.PENDING_PAYMENT, S.CANCELLED), (S.PAID, S.SHIPPED),
           (S.PAID, S.CANCELLED), (S.SHIPPED, S.COMPLETED)}


# --- the state machine --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_allowed_transitions_reach_their_target(current: OrderStatus, target: OrderStatus) -> None:
    assert can_transition(current, target)
    assert transition(current, target) is target


@pytest.mark.parametrize(("current", "target"), sorted(set(product(S, S)) - ALLOWED))
def test_every_other_transition_is_forbidden_with_409(current: OrderStatus, target: OrderStatus) -> None:
    assert not can_transition(current, target)
    with pytest.raises(OrderTransitionForbidden) as caught:
        transition(current, target)
    assert caught.value.status == 409
    assert caught.value.params == {"status": current.value, "target": target.value}


@pytest.mark.parametrize(("current", "target", "refusal", "code"), [
    (S.PENDING_PAYMENT, S.SHIPPED, OrderNotPaid, "order_not_paid"),
    (S.CANCELLED, S.SHIPPED, OrderNotPaid, "order_not_paid"),
    (S.PAID, S.COMPLETED, OrderNotShipped, "order_not_shipped"),
    (S.PENDING_PAYMENT, S.COMPLETED, OrderNotShipped, "order_not_shipped"),
    (S.SHIPPED, S.CANCELLED, OrderNotCancellable, "order_not_cancellable"),
    (S.COMPLETED, S.CANCELLED, OrderNotCancellable, "order_not_cancellable"),
    (S.SHIPPED, S.PAID, OrderTransitionForbidden, "order_transition_forbidden"),
])
def test_a_forbidden_move_is_named_for_what_was_attempted(current: OrderStatus, target: OrderStatus,
                                                          refusal: type[Exception], code: str) -> None:
    with pytest.raises(refusal) as caught:
        transition(current, target)
    assert caught.value.code == code  # type: ignore[attr-defined]


def test_cancelling_unpaid_voids_and_paid_refunds() -> None:
    assert cancel_effect(S.PENDING_PAYMENT) is CancelEffect.VOID_PAYMENT
    assert cancel_effect(S.PAID) is CancelEffect.REFUND
    for status in (S.SHIPPED, S.COMPLETED, S.CANCELLED):
        with pytest.raises(OrderNotCancellable):
            cancel_effect(status)


def test_auto_confirm_comes_n_days_after_shipment() -> None:
    assert auto_confirm_at(NOW, 10) == NOW + timedelta(days=10)


# --- the cart -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("quantity", [0, -1, 1000, 10**6, True, 1.5, "3", None])
def test_line_quantities_outside_1_to_999_are_refused(quantity: object) -> None:
    with pytest.raises(CartQuantityInvalid) as caught:
        check_line_quantity(quantity)
    assert caught.value.code == "cart_quantity_invalid"
    assert caught.value.status == 400


@pytest.mark.parametrize("quantity", [1, 2, 999])
def test_line_quantities_from_1_to_999_are_kept(quantity: int) -> None:
    assert check_line_quantity(quantity) == quantity


def test_setting_zero_removes_but_adding_zero_is_refused() -> None:
    assert check_settable_quantity(0) == 0
    with pytest.raises(CartQuantityInvalid):
        check_settable_quantity(False)
    with pytest.raises(CartQuantityInvalid):
        added_quantity(3, 0)


def test_adding_to_a_line_adds_within_the_bound() -> None:
    assert added_quantity(3, 4) == 7
    assert added_quantity(998, 1) == 999
    with pytest.raises(CartQuantityInvalid):
        added_quantity(998, 2)


def facts(sku_id: str = "sku1", *, store_id: str = "st1", price: int = 1000, available: int = 5,
          sku_active: bool = True, product_active: bool = True, store_active: bool = True,
          vertical: str = "v1", kind: str = "independent") -> SkuFacts:
    return SkuFacts(sku_id, f"p-{sku_id}", store_id, kind, vertical, f"T {sku_id}", f"品 {sku_id}", "colour=Red",
                    price, sku_active, product_active, store_active, available)


def test_line_problems_in_order_of_severity() -> None:
    assert line_problem(None, 1) is LineProblem.GONE
    assert line_problem(facts(store_active=False, sku_active=False), 1) is LineProblem.STORE_SUSPENDED
    assert line_problem(facts(sku_active=False), 1) is LineProblem.INACTIVE
    assert line_problem(facts(product_active=False), 1) is LineProblem.INACTIVE
    assert line_problem(facts(available=2), 3) is LineProblem.OUT_OF_STOCK
    assert line_problem(facts(available=3), 3) is None


def test_only_a_sku_on_sale_can_be_added() -> None:
    with pytest.raises(SkuNotFound):
        refuse_unpurchasable(None)
    with pytest.raises(SkuUnavailable) as suspended:
        refuse_unpurchasable(facts(store_active=False))
    assert suspended.value.params["reason"] == "store_suspended"
    with pytest.raises(SkuUnavailable) as inactive:
        refuse_unpurchasable(facts(sku_active=False))
    assert inactive.value.params["reason"] == "inactive"
    assert refuse_unpurchasable(facts(available=0)).sku_id == "sku1"  # out of stock may wait in the cart


def line(sku_id: str, quantity: int, *, minute: int = 0, **kwargs: object) -> CartLine:
    return cart_line(facts(sku_id, **kwargs), sku_id, quantity, NOW + timedelta(minutes=minute))  # type: ignore[arg-type]


STORES = {"st1": StoreFacts("st1", "Tea", "茶", "independent"), "st2": StoreFacts("st2", "Nike", "耐克", "flagship")}


def test_lines_group_by_store_in_the_order_first_added() -> None:
    groups = group_by_store([line("b", 1, store_id="st2", minute=1), line("a", 2, store_id="st1", minute=2),
                             line("c", 3, store_id="st2", minute=3)], STORES)
    assert [(g.store_id, g.store_name_en, [x.sku_id for x in g.lines], g.goods_total) for g in groups] == [
        ("st2", "Nike", ["b", "c"], 4000), ("st1", "Tea", ["a"], 2000)]
    view = cart_view(groups)
    assert (view.goods_total, view.item_count, view.has_problems, view.is_empty) == (6000, 6, False, False)


def test_a_vanished_sku_stays_visible_as_gone_at_the_end() -> None:
    gone = cart_line(None, "zz", 2, NOW)
    groups = group_by_store([gone, line("a", 1)], STORES)
    assert [g.store_id for g in groups] == ["st1", ""]
    assert groups[1].lines[0].problem is LineProblem.GONE
    assert cart_view(groups).has_problems


# --- shipping and checkout ----------------------------------------------------------------------------------------

def test_the_flat_fee_is_waived_from_the_threshold_on() -> None:
    rule = ShippingRule(flat_fee=800, free_threshold=9900)
    assert (rule.fee(9899), rule.fee(9900), rule.fee(20000)) == (800, 0, 0)
    assert ShippingRule(500, None).fee(10**8) == 500
    assert DEFAULT_SHIPPING.fee(1) == 0


@pytest.mark.parametrize(("fee", "threshold"), [(-1, None), (100_001, None), (True, None), (0, 0), (0, -5),
                                                (0, 10**9 + 1), (1.5, None)])
def test_shipping_settings_out_of_range_are_refused(fee: object, threshold: object) -> None:
    with pytest.raises(ShippingSettingsInvalid):
        check_shipping(fee, threshold)


def groups_two_stores() -> tuple[CartStoreGroup, ...]:
    return group_by_store([line("a", 2, price=3000, vertical="apparel"),
                           line("b", 1, store_id="st2", price=12345, vertical="sports", kind="flagship", minute=1),
                           line("c", 3, price=999, vertical="food", minute=2)], STORES)


def test_preview_prices_each_store_with_its_own_rule() -> None:
    preview = checkout_preview(groups_two_stores(), {"st1": ShippingRule(800, 9000), "st2": ShippingRule(1500, 10000)})
    summary = [(s.store_id, s.goods_total, s.shipping_fee, s.total) for s in preview.stores]
    assert summary == [("st1", 8997, 800, 9797), ("st2", 12345, 0, 12345)]
    assert (preview.goods_total, preview.shipping_total, preview.grand_total) == (21342, 800, 22142)


def test_a_store_without_settings_ships_free() -> None:
    preview = checkout_preview(groups_two_stores(), {})
    assert preview.shipping_total == 0


def test_the_fingerprint_changes_with_price_quantity_and_fee_only() -> None:
    rules = {"st1": ShippingRule(800, None)}
    base = checkout_preview(group_by_store([line("a", 2)], STORES), rules).fingerprint
    assert base == checkout_preview(group_by_store([line("a", 2, minute=5)], STORES), rules).fingerprint
    assert base != checkout_preview(group_by_store([line("a", 3)], STORES), rules).fingerprint
    assert base != checkout_preview(group_by_store([line("a", 2, price=1001)], STORES), rules).fingerprint
    dearer = {"st1": ShippingRule(900, None)}
    assert base != checkout_preview(group_by_store([line("a", 2)], STORES), dearer).fingerprint
    assert len(base) == 32


def test_placement_refuses_an_empty_cart_and_unsellable_lines_but_leaves_stock_to_the_reservation() -> None:
    with pytest.raises(CartEmpty):
        refuse_problems(checkout_preview((), {}))
    with pytest.raises(SkuUnavailable):
        refuse_problems(checkout_preview(group_by_store([line("a", 1, sku_active=False)], STORES), {}))
    refuse_problems(checkout_preview(group_by_store([line("a", 9, available=1)], STORES), {}))


# --- commission ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("total", "bp", "expected"), [
    (10000, 300, 300), (1, 5000, 1), (1, 4999, 0), (150, 300, 5), (149, 300, 4), (12345, 500, 617),
    (12350, 500, 618), (0, 300, 0), (99999, 0, 0)])
def test_line_commission_rounds_half_up_to_the_fen(total: int, bp: int, expected: int) -> None:
    assert line_commission(total, bp) == expected


@given(st.integers(0, 10**10), st.integers(0, 10_000))
def test_commission_never_exceeds_the_line_and_is_within_half_a_fen(total: int, bp: int) -> None:
    commission = line_commission(total, bp)
    assert 0 <= commission <= total
    assert abs(commission * 10_000 - total * bp) <= 5_000


def test_order_drafts_capture_rates_per_line_and_charge_none_on_shipping() -> None:
    preview = checkout_preview(groups_two_stores(), {"st1": ShippingRule(800, None)})
    assert rate_pairs(preview) == {("apparel", "independent"), ("food", "independent"), ("sports", "flagship")}
    drafts = order_drafts(preview, {("apparel", "independent"): 300, ("food", "independent"): 150,
                                    ("sports", "flagship"): 500})
    st1, st2 = drafts
    assert [(x.sku_id, x.line_total, x.commission_bp, x.commission) for x in st1.lines] == [
        ("a", 6000, 300, 180), ("c", 2997, 150, 45)]
    assert (st1.goods_total, st1.shipping_fee, st1.total, st1.commission) == (8997, 800, 9797, 225)
    assert (st2.total, st2.commission) == (12345, 617)


# --- numbers, addresses, shipments --------------------------------------------------------------------------------

def test_order_numbers_are_twenty_digits_without_a_leading_zero() -> None:
    assert order_no(0) == "10000000000000000000"
    assert order_no(ORDER_NO_SPACE - 1) == "99999999999999999999"
    assert looks_like_order_no(order_no(123456789))
    assert not looks_like_order_no("0" * 20)
    assert not looks_like_order_no("1234")
    with pytest.raises(ValueError, match="entropy"):
        order_no(ORDER_NO_SPACE)


def test_placed_order_survives_the_idempotency_round_trip() -> None:
    placed = PlacedOrder("pay1", 100, NOW, (PlacedOrderRef("o1", order_no(5), "st1", 100),))
    assert PlacedOrder.from_dict(placed.as_dict()) == placed


def test_addresses_are_trimmed_and_checked() -> None:
    clean = clean_address(AddressInput("  Li   Wei ", "+86 138-0000-0000", "Zhejiang", "Hangzhou",
                                       " 1 West Lake Rd ", "310000"))
    assert (clean.recipient, clean.phone, clean.line1, clean.make_default) == (
        "Li Wei", "+86 138-0000-0000", "1 West Lake Rd", False)


@pytest.mark.parametrize(("field", "value"), [("recipient", ""), ("recipient", "x" * 51), ("phone", "abc"),
                                              ("phone", "12"), ("city", "   "), ("line1", "a\x00b"),
                                              ("postal_code", "31@000")])
def test_bad_addresses_name_the_field(field: str, value: str) -> None:
    values = {"recipient": "Li", "phone": "13800000000", "region": "ZJ", "city": "HZ", "line1": "1 Rd",
              "postal_code": ""}
    values[field] = value
    with pytest.raises(AddressInvalid) as caught:
        clean_address(AddressInput(**values))
    assert caught.value.params["field"] == field


def test_shipments_need_a_carrier_and_a_plausible_tracking_number() -> None:
    assert check_shipment(" SF  Express ", " SF1234567 ") == ("SF Express", "SF1234567")
    with pytest.raises(ShipmentInvalid):
        check_shipment("", "SF1234567")
    with pytest.raises(ShipmentInvalid):
        check_shipment("SF", "12")
    with pytest.raises(ShipmentInvalid):
        check_shipment("SF", "SF 1234 567")


def test_cancel_reasons_are_bounded() -> None:
    assert check_reason(None) == ""
    assert check_reason("  changed   my mind ") == "changed my mind"
    with pytest.raises(CancelReasonInvalid):
        check_reason("x" * 201)


def test_escrow_mismatches_list_every_order_that_differs() -> None:
    problems = escrow_mismatches({"o1": 100, "o2": 200}, {"o1": 100, "o2": 150, "o3": 10})
    assert [(p.order_id, p.expected, p.held) for p in problems] == [("o2", 200, 150), ("o3", 0, 10)]

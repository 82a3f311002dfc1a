"""Orders after placement, on both databases: paid on capture, cancelled (voided or refunded), shipped by their own
store only, confirmed by their own consumer only, confirmed automatically, listed, and checked against the ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from trade_helpers import (
    World,
    capture,
    order_rows,
    payment_status,
    person,
    preview_and_place,
    run_jobs,
    snapshot,
    stock_of,
)

from catalog.catalog_helpers import add_staff
from mercato.kernel.errors import AccessDenied, EntityNotFound, IdempotencyKeyReused
from mercato.kernel.runtime import Runtime
from mercato.payments import service as payments
from mercato.stores.errors import PermissionMissing
from mercato.trade import service as trade
from mercato.trade.model import (
    OrderNotCancellable,
    OrderNotFound,
    OrderNotPaid,
    OrderNotShipped,
    OrderStatus,
    PlacedOrder,
    ShipmentInvalid,
    ShippingSettingsInvalid,
)
from mercato.trade.tables import orders


def place_two_stores(rt: Runtime, world: World) -> PlacedOrder:
    """A tea order (2 x 99.00) and a nike order (1 x 599.00) in one payment."""
    trade.add_to_cart(rt, world.buyer, world.shops["tea"].skus[0], 2)
    trade.add_to_cart(rt, world.buyer, world.shops["nike"].skus[0], 1)
    return preview_and_place(rt, world)


def no_of(placed: PlacedOrder, world: World, shop: str) -> str:
    return next(o.order_no for o in placed.orders if o.store_id == world.shops[shop].store_id)


def id_of(placed: PlacedOrder, world: World, shop: str) -> str:
    return next(o.order_id for o in placed.orders if o.store_id == world.shops[shop].store_id)


def parts(rt: Runtime) -> dict[str, tuple[str, int | None]]:
    with rt.uow(read_only=True) as uow:
        rows = uow.conn.execute(sa.text("SELECT order_id, status, commission FROM payment_parts"))
        return {r.order_id: (r.status, r.commission) for r in rows}


def ship(rt: Runtime, world: World, placed: PlacedOrder, shop: str = "tea") -> None:
    trade.ship_order(rt, world.shops[shop].owner, world.shops[shop].store_id, no_of(placed, world, shop), "SF Express",
                     "SF1234567890")


# --- paid ---------------------------------------------------------------------------------------------------------

def test_capture_marks_every_order_paid_and_sells_the_stock(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    capture(rt, placed.payment_id)
    assert {(r.status, r.paid_at) for r in order_rows(rt)} == {("paid", rt.clock.now())}
    assert stock_of(rt, world.shops["tea"].skus[0]) == (3, 0)
    assert stock_of(rt, world.shops["nike"].skus[0]) == (9, 0)
    events = trade.my_order(rt, world.buyer, no_of(placed, world, "tea")).events
    assert [(e.status, e.note, e.actor_id) for e in events] == [
        (OrderStatus.PENDING_PAYMENT, "placed", world.buyer.user_id), (OrderStatus.PAID, "paid", None)]


def test_a_second_capture_event_changes_nothing(rt: Runtime, world: World) -> None:
    from mercato.payments.model import PaymentCaptured

    placed = place_two_stores(rt, world)
    capture(rt, placed.payment_id)
    before = snapshot(rt)
    with rt.uow() as uow:
        trade.on_payment_captured(rt, uow, PaymentCaptured(placed.payment_id, world.buyer.user_id,
                                                           tuple(o.order_id for o in placed.orders), rt.clock.now()))
        uow.commit()
    assert snapshot(rt) == before


# --- cancelled ----------------------------------------------------------------------------------------------------

def test_cancelling_an_unpaid_order_voids_its_part_and_releases_its_stock(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    summary = trade.cancel_order(rt, world.buyer, no_of(placed, world, "tea"), "c-1", "  wrong size ")
    assert (summary.status, summary.cancelled_at) == (OrderStatus.CANCELLED, rt.clock.now())
    assert stock_of(rt, world.shops["tea"].skus[0]) == (5, 0)
    assert stock_of(rt, world.shops["nike"].skus[0]) == (9, 1)
    assert payment_status(rt, placed.payment_id) == ("open", 59900)
    detail = trade.my_order(rt, world.buyer, no_of(placed, world, "tea"))
    assert (detail.cancel_reason, [e.note for e in detail.events]) == ("wrong size", ["placed", "cancelled"])
    assert trade.my_order(rt, world.buyer, no_of(placed, world, "nike")).order.status is OrderStatus.PENDING_PAYMENT


def test_cancelling_a_paid_order_refunds_it_from_escrow_and_restocks(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    capture(rt, placed.payment_id)
    trade.cancel_order(rt, world.buyer, no_of(placed, world, "tea"), None, None)
    assert parts(rt)[id_of(placed, world, "tea")][0] == "refunded"
    assert parts(rt)[id_of(placed, world, "nike")][0] == "held"
    assert stock_of(rt, world.shops["tea"].skus[0]) == (5, 0)
    row = next(r for r in order_rows(rt) if r.order_no == no_of(placed, world, "tea"))
    assert (row.status, row.cancel_reason) == ("cancelled", None)
    events = trade.my_order(rt, world.buyer, row.order_no).events
    assert [e.note for e in events] == ["placed", "paid", "refunded"]
    assert trade.verify_ledger(rt) == []


def test_a_shipped_completed_or_cancelled_order_cannot_be_cancelled(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    capture(rt, placed.payment_id)
    ship(rt, world, placed)
    before = snapshot(rt)
    with pytest.raises(OrderNotCancellable) as caught:
        trade.cancel_order(rt, world.buyer, no_of(placed, world, "tea"), None, None)
    assert (caught.value.code, caught.value.status) == ("order_not_cancellable", 409)
    assert snapshot(rt) == before
    trade.confirm_receipt(rt, world.buyer, no_of(placed, world, "tea"))
    trade.cancel_order(rt, world.buyer, no_of(placed, world, "nike"), None, None)
    for shop in ("tea", "nike"):
        before = snapshot(rt)
        with pytest.raises(OrderNotCancellable):
            trade.cancel_order(rt, world.buyer, no_of(placed, world, shop), None, None)
        assert snapshot(rt) == before


def test_someone_else_cannot_cancel_or_see_my_order(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    stranger = person(rt, "stranger@example.com")
    before = snapshot(rt)
    with pytest.raises(OrderNotFound):
        trade.cancel_order(rt, stranger, no_of(placed, world, "tea"), None, None)
    with pytest.raises(OrderNotFound):
        trade.my_order(rt, stranger, no_of(placed, world, "tea"))
    with pytest.raises(OrderNotFound):
        trade.my_order(rt, world.buyer, "12345")
    assert snapshot(rt) == before


def test_cancel_with_an_idempotency_key_answers_a_retry_the_same(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    first = trade.cancel_order(rt, world.buyer, no_of(placed, world, "tea"), "cancel-1", "changed mind")
    after = snapshot(rt)
    assert trade.cancel_order(rt, world.buyer, no_of(placed, world, "tea"), "cancel-1", "changed mind") == first
    assert snapshot(rt) == after
    with pytest.raises(IdempotencyKeyReused):
        trade.cancel_order(rt, world.buyer, no_of(placed, world, "tea"), "cancel-1", "other reason")
    assert snapshot(rt) == after


# --- shipped ------------------------------------------------------------------------------------------------------

def test_the_store_ships_its_paid_order(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    capture(rt, placed.payment_id)
    summary = trade.ship_order(rt, world.shops["tea"].owner, world.shops["tea"].store_id,
                               no_of(placed, world, "tea"), " SF  Express", "SF1234567890")
    assert (summary.status, summary.shipped_at) == (OrderStatus.SHIPPED, rt.clock.now())
    detail = trade.store_order(rt, world.shops["tea"].owner, world.shops["tea"].store_id, summary.order_no)
    assert (detail.carrier, detail.tracking_no) == ("SF Express", "SF1234567890")
    assert detail.auto_confirm_at == rt.clock.now() + timedelta(days=10)
    assert [e.note for e in detail.events] == ["placed", "paid", "shipped"]


def test_an_unpaid_order_cannot_be_shipped(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    before = snapshot(rt)
    with pytest.raises(OrderNotPaid) as caught:
        ship(rt, world, placed)
    assert (caught.value.code, caught.value.status) == ("order_not_paid", 409)
    assert snapshot(rt) == before


def test_another_stores_order_is_404_to_a_merchant(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    capture(rt, placed.payment_id)
    before = snapshot(rt)
    nike_owner, nike_store = world.shops["nike"].owner, world.shops["nike"].store_id
    with pytest.raises(OrderNotFound):
        trade.ship_order(rt, nike_owner, nike_store, no_of(placed, world, "tea"), "SF", "SF1234567890")
    with pytest.raises(EntityNotFound):  # not staff of the tea store at all
        trade.ship_order(rt, nike_owner, world.shops["tea"].store_id, no_of(placed, world, "tea"), "SF",
                         "SF1234567890")
    with pytest.raises(OrderNotFound):
        trade.store_order(rt, nike_owner, nike_store, no_of(placed, world, "tea"))
    assert snapshot(rt) == before


def test_staff_need_the_orders_permission_to_ship(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    capture(rt, placed.payment_id)
    clerk = person(rt, "clerk@example.com")
    add_staff(rt, world.shops["tea"].store_id, clerk, "stock")
    with pytest.raises(PermissionMissing):
        trade.ship_order(rt, clerk, world.shops["tea"].store_id, no_of(placed, world, "tea"), "SF", "SF1234567890")
    packer = person(rt, "packer@example.com")
    add_staff(rt, world.shops["tea"].store_id, packer, "orders")
    summary = trade.ship_order(rt, packer, world.shops["tea"].store_id, no_of(placed, world, "tea"), "SF",
                               "SF1234567890")
    assert summary.status is OrderStatus.SHIPPED


def test_a_shipment_needs_a_carrier_and_tracking_number(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    capture(rt, placed.payment_id)
    before = snapshot(rt)
    with pytest.raises(ShipmentInvalid):
        trade.ship_order(rt, world.shops["tea"].owner, world.shops["tea"].store_id, no_of(placed, world, "tea"),
                         "", "SF1234567890")
    assert snapshot(rt) == before


# --- completed ----------------------------------------------------------------------------------------------------

def test_confirming_receipt_completes_and_settles_with_the_line_commission(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    capture(rt, placed.payment_id)
    ship(rt, world, placed)
    summary = trade.confirm_receipt(rt, world.buyer, no_of(placed, world, "tea"))
    assert (summary.status, summary.completed_at) == (OrderStatus.COMPLETED, rt.clock.now())
    assert parts(rt)[id_of(placed, world, "tea")] == ("settled", 594)  # 3 % of 198.00
    assert trade.verify_ledger(rt) == []


def test_only_my_own_shipped_order_can_be_confirmed(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    capture(rt, placed.payment_id)
    before = snapshot(rt)
    with pytest.raises(OrderNotShipped) as caught:
        trade.confirm_receipt(rt, world.buyer, no_of(placed, world, "tea"))
    assert caught.value.code == "order_not_shipped"
    ship(rt, world, placed)
    before = snapshot(rt)
    stranger = person(rt, "stranger@example.com")
    with pytest.raises(OrderNotFound):
        trade.confirm_receipt(rt, stranger, no_of(placed, world, "tea"))
    with pytest.raises(OrderNotFound):
        trade.confirm_receipt(rt, world.shops["tea"].owner, no_of(placed, world, "tea"))
    assert snapshot(rt) == before


def test_the_platform_confirms_ten_days_after_shipment(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    capture(rt, placed.payment_id)
    ship(rt, world, placed)
    shipped_at = rt.clock.now()
    run_jobs(rt, timedelta(days=9, hours=23))
    assert trade.my_order(rt, world.buyer, no_of(placed, world, "tea")).order.status is OrderStatus.SHIPPED
    run_jobs(rt, timedelta(hours=1))
    detail = trade.my_order(rt, world.buyer, no_of(placed, world, "tea"))
    assert (detail.order.status, detail.order.completed_at) == (OrderStatus.COMPLETED, shipped_at + timedelta(days=10))
    assert [(e.note, e.actor_id) for e in detail.events][-1] == ("auto_confirmed", None)
    assert parts(rt)[id_of(placed, world, "tea")] == ("settled", 594)


def test_auto_confirm_leaves_an_order_the_consumer_already_confirmed(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    capture(rt, placed.payment_id)
    ship(rt, world, placed)
    trade.confirm_receipt(rt, world.buyer, no_of(placed, world, "tea"))
    before = snapshot(rt)
    run_jobs(rt, timedelta(days=10))
    trade.auto_confirm_job(rt, {"order_id": id_of(placed, world, "tea")})
    after = snapshot(rt)
    assert {k: v for k, v in after.items() if k != "jobs"} == {k: v for k, v in before.items() if k != "jobs"}


# --- lists --------------------------------------------------------------------------------------------------------

def test_my_orders_page_newest_first_and_filter_by_status(rt: Runtime, world: World) -> None:
    first = place_two_stores(rt, world)
    capture(rt, first.payment_id)
    trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 1)
    second = preview_and_place(rt, world)
    page = trade.my_orders(rt, world.buyer, limit=2)
    everything = [o.order_no for o in page.items]
    assert page.next_cursor is not None
    rest = trade.my_orders(rt, world.buyer, cursor=page.next_cursor, limit=2)
    assert rest.next_cursor is None
    everything += [o.order_no for o in rest.items]
    assert everything[0] == second.orders[0].order_no
    assert sorted(everything) == sorted(o.order_no for o in first.orders + second.orders)
    paid = trade.my_orders(rt, world.buyer, status="paid")
    assert sorted(o.order_no for o in paid.items) == sorted(o.order_no for o in first.orders)
    tea = next(o for o in paid.items if o.store_id == world.shops["tea"].store_id)
    assert (tea.store_name_en, tea.item_count, tea.total, tea.can_cancel, tea.can_confirm) == (
        "Tea-Shop", 2, 19800, True, False)


def test_a_store_sees_only_its_orders_and_the_operator_sees_all(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    page = trade.store_orders(rt, world.shops["tea"].owner, world.shops["tea"].store_id)
    assert [o.order_no for o in page.items] == [no_of(placed, world, "tea")]
    with pytest.raises(EntityNotFound):
        trade.store_orders(rt, world.shops["nike"].owner, world.shops["tea"].store_id)
    assert len(trade.all_orders(rt, world.operator).items) == 2
    assert trade.operator_order(rt, world.operator, no_of(placed, world, "nike")).order.total == 59900
    with pytest.raises(AccessDenied):
        trade.all_orders(rt, world.buyer)


# --- shipping settings --------------------------------------------------------------------------------------------

def test_shipping_settings_default_to_free_and_are_the_stores_own(rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    default = trade.shipping_settings(rt, tea.owner, tea.store_id)
    assert (default.flat_fee, default.free_threshold, default.is_default) == (0, None, True)
    saved = trade.set_shipping_settings(rt, tea.owner, tea.store_id, 1000, 8800)
    assert (saved.flat_fee, saved.free_threshold, saved.is_default) == (1000, 8800, False)
    saved = trade.set_shipping_settings(rt, tea.owner, tea.store_id, 500, None)
    assert (saved.flat_fee, saved.free_threshold) == (500, None)
    before = snapshot(rt)
    with pytest.raises(EntityNotFound):
        trade.set_shipping_settings(rt, world.shops["nike"].owner, tea.store_id, 0, None)
    with pytest.raises(ShippingSettingsInvalid):
        trade.set_shipping_settings(rt, tea.owner, tea.store_id, -1, None)
    assert snapshot(rt) == before


# --- the ledger ---------------------------------------------------------------------------------------------------

def test_the_ledger_check_finds_escrow_held_for_an_order_that_is_not_paid(rt: Runtime, world: World) -> None:
    placed = place_two_stores(rt, world)
    capture(rt, placed.payment_id)
    assert trade.verify_ledger(rt) == []
    tea_id = id_of(placed, world, "tea")
    with rt.uow() as uow:  # a bug cancels a paid order without refunding it: escrow still holds its money
        uow.conn.execute(orders.update().where(orders.c.id == tea_id).values(status="cancelled"))
        uow.commit()
    problems = trade.verify_ledger(rt)
    assert len(problems) == 1
    assert tea_id in str(problems[0])
    assert "19800" in str(problems[0])
    with rt.uow(read_only=True) as uow:
        assert payments.held_by_order_in(uow) == {tea_id: 19800, id_of(placed, world, "nike"): 59900}

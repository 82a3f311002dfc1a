"""Trade limits, errors and the order state machine: pure values, no database, clock or randomness."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum

from mercato.kernel.errors import EntityNotFound, InputInvalid, StateConflict

MAX_LINE_QUANTITY = 999
MAX_CART_LINES = 50
MAX_ADDRESSES = 20
MAX_SHIPPING_FEE = 100_000  # 1,000.00 yuan in fen: a flat fee above this is a typo, not a tariff
MAX_FREE_THRESHOLD = 1_000_000_000
MAX_REASON = 200
BASIS_POINTS = 10_000
ORDER_NO_DIGITS = 20
ORDER_NO_SPACE = 9 * 10 ** (ORDER_NO_DIGITS - 1)  # 20-digit numbers without a leading zero


# --- errors -------------------------------------------------------------------------------------------------------

class CartQuantityInvalid(InputInvalid):
    code = "cart_quantity_invalid"
    title = "The quantity must be a whole number from 1 to 999"


class CartFull(StateConflict):
    code = "cart_full"
    title = "The cart holds at most 50 different items"


class CartEmpty(StateConflict):
    code = "cart_empty"
    title = "There is nothing to check out"


class CartStale(StateConflict):
    code = "cart_stale"
    title = "The cart changed since the checkout was shown; review it and place the order again"


class OrderTotalZero(StateConflict):
    code = "order_total_zero"
    title = "An order of this checkout would cost nothing after discounts; add more from that store"


class SkuNotFound(EntityNotFound):
    code = "not_found"
    title = "No such item"


class SkuUnavailable(StateConflict):
    code = "sku_unavailable"
    title = "This item cannot be bought now"


class AddressInvalid(InputInvalid):
    code = "address_invalid"
    title = "The address is incomplete or malformed"


class AddressNotFound(EntityNotFound):
    code = "not_found"
    title = "No such address"


class AddressBookFull(StateConflict):
    code = "address_book_full"
    title = "The address book holds at most 20 addresses"


class ShippingSettingsInvalid(InputInvalid):
    code = "shipping_settings_invalid"
    title = "The shipping fee or free-shipping threshold is out of range"


class ShipmentInvalid(InputInvalid):
    code = "shipment_invalid"
    title = "Give the carrier and the tracking number"


class CancelReasonInvalid(InputInvalid):
    code = "cancel_reason_invalid"
    title = "The cancellation reason is too long"


class OrderStatusInvalid(InputInvalid):
    code = "order_status_invalid"
    title = "Unknown order status"


class OrderNotFound(EntityNotFound):
    code = "not_found"
    title = "No such order"


class OrderTransitionForbidden(StateConflict):
    code = "order_transition_forbidden"
    title = "The order is not in a state that allows this"


class OrderNotPaid(OrderTransitionForbidden):
    code = "order_not_paid"
    title = "Only a paid order can be shipped"


class OrderNotShipped(OrderTransitionForbidden):
    code = "order_not_shipped"
    title = "Only a shipped order can be confirmed as received"


class OrderNotCancellable(OrderTransitionForbidden):
    code = "order_not_cancellable"
    title = "Only an unpaid order or a paid order not yet shipped can be cancelled"


# --- the order state machine --------------------------------------------------------------------------------------

class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


_O = OrderStatus
TRANSITIONS: Mapping[OrderStatus, frozenset[OrderStatus]] = {
    _O.PENDING_PAYMENT: frozenset({_O.PAID, _O.CANCELLED}),  # captured / cancelled by the consumer or the timeout
    _O.PAID: frozenset({_O.SHIPPED, _O.CANCELLED}),  # shipped / cancelled before shipment (refunded from escrow)
    _O.SHIPPED: frozenset({_O.COMPLETED}),  # confirmed by the consumer or automatically
    _O.COMPLETED: frozenset(),
    _O.CANCELLED: frozenset(),
}

# Which refusal a forbidden move raises: the named case the consumer or merchant understands.
_REFUSAL: Mapping[OrderStatus, type[OrderTransitionForbidden]] = {
    _O.SHIPPED: OrderNotPaid,
    _O.COMPLETED: OrderNotShipped,
    _O.CANCELLED: OrderNotCancellable,
}

CANCELLABLE: frozenset[OrderStatus] = frozenset({_O.PENDING_PAYMENT, _O.PAID})
HELD_IN_ESCROW: frozenset[OrderStatus] = frozenset({_O.PAID, _O.SHIPPED})


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in TRANSITIONS[current]


def transition(current: OrderStatus, target: OrderStatus) -> OrderStatus:
    """The target status, or the refusal named for what was attempted (ship -> OrderNotPaid, ...)."""
    if not can_transition(current, target):
        refusal = _REFUSAL.get(target, OrderTransitionForbidden)
        raise refusal(status=current.value, target=target.value)
    return target


class CancelEffect(StrEnum):
    """What a cancellation does to the money and the stock, by the status it leaves."""

    VOID_PAYMENT = "void_payment"  # unpaid: void the order's part of the payment, release the reservation
    REFUND = "refund"  # paid, not shipped: refund in full from escrow, put the sold units back


def cancel_effect(current: OrderStatus) -> CancelEffect:
    transition(current, OrderStatus.CANCELLED)
    return CancelEffect.VOID_PAYMENT if current is OrderStatus.PENDING_PAYMENT else CancelEffect.REFUND


def auto_confirm_at(shipped_at: datetime, days: int) -> datetime:
    return shipped_at + timedelta(days=days)

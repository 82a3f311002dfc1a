"""Trade rules as plain values: the order state machine, cart and address rules, shipping fees, commission per line
and the checkout fingerprint. No database, clock or randomness: callers pass `now` and entropy in.

Exception tree (all `kernel.errors.DomainError`):
    CartQuantityInvalid 400, CartFull 409, CartEmpty 409, CartStale 409, SkuUnavailable 409, SkuNotFound 404,
    AddressInvalid 400, AddressNotFound 404, AddressBookFull 409, ShippingSettingsInvalid 400,
    ShipmentInvalid 400, CancelReasonInvalid 400, OrderStatusInvalid 400, OrderNotFound 404,
    OrderTransitionForbidden 409
    (OrderNotPaid, OrderNotShipped, OrderNotCancellable are its named cases).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

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


# --- cart ---------------------------------------------------------------------------------------------------------

def check_line_quantity(quantity: Any) -> int:
    """A cart line holds 1 to 999 units."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise CartQuantityInvalid(field="quantity", minimum=1, maximum=MAX_LINE_QUANTITY)
    return quantity


def check_settable_quantity(quantity: Any) -> int:
    """Setting a line's quantity: 0 removes the line, else 1 to 999."""
    if quantity == 0 and not isinstance(quantity, bool):
        return 0
    return check_line_quantity(quantity)


def added_quantity(existing: int, added: int) -> int:
    """Adding to a line that exists adds to its quantity; the sum obeys the same bound."""
    check_line_quantity(added)
    return check_line_quantity(existing + added)


class LineProblem(StrEnum):
    """Why a cart line cannot be checked out as it is."""

    GONE = "gone"  # the SKU no longer exists
    INACTIVE = "inactive"  # the SKU or its product is not on sale
    STORE_SUSPENDED = "store_suspended"
    OUT_OF_STOCK = "out_of_stock"  # fewer units available than the line asks for


@dataclass(frozen=True, slots=True)
class SkuFacts:
    """What trade needs to know about a SKU at this moment (from catalog, stores and inventory)."""

    sku_id: str
    product_id: str
    store_id: str
    store_kind: str
    vertical_id: str
    title_en: str
    title_zh: str
    label: str
    unit_price: int
    sku_active: bool
    product_active: bool
    store_active: bool
    available: int


def line_problem(facts: SkuFacts | None, quantity: int) -> LineProblem | None:
    if facts is None:
        return LineProblem.GONE
    if not facts.store_active:
        return LineProblem.STORE_SUSPENDED
    if not (facts.sku_active and facts.product_active):
        return LineProblem.INACTIVE
    if facts.available < quantity:
        return LineProblem.OUT_OF_STOCK
    return None


def refuse_unpurchasable(facts: SkuFacts | None) -> SkuFacts:
    """Adding to the cart: an unknown SKU is 404; an inactive one or one from a suspended store is 409."""
    if facts is None:
        raise SkuNotFound(field="sku_id")
    problem = line_problem(facts, 0)
    if problem is not None:
        raise SkuUnavailable(field="sku_id", reason=problem.value)
    return facts


@dataclass(frozen=True, slots=True)
class CartLine:
    sku_id: str
    product_id: str
    store_id: str
    title_en: str
    title_zh: str
    label: str
    unit_price: int
    quantity: int
    line_total: int
    available: int
    problem: LineProblem | None
    added_at: datetime
    vertical_id: str = ""  # the product's vertical, which (with the store kind) sets the commission rate


@dataclass(frozen=True, slots=True)
class CartStoreGroup:
    store_id: str
    store_name_en: str
    store_name_zh: str
    store_kind: str
    lines: tuple[CartLine, ...]
    goods_total: int


@dataclass(frozen=True, slots=True)
class CartView:
    groups: tuple[CartStoreGroup, ...]
    goods_total: int
    item_count: int  # units over all lines

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def has_problems(self) -> bool:
        return any(line.problem is not None for group in self.groups for line in group.lines)


@dataclass(frozen=True, slots=True)
class StoreFacts:
    store_id: str
    name_en: str
    name_zh: str
    kind: str


def cart_line(facts: SkuFacts | None, sku_id: str, quantity: int, added_at: datetime) -> CartLine:
    if facts is None:
        return CartLine(sku_id, "", "", "", "", "", 0, quantity, 0, 0, LineProblem.GONE, added_at)
    return CartLine(sku_id, facts.product_id, facts.store_id, facts.title_en, facts.title_zh, facts.label,
                    facts.unit_price, quantity, facts.unit_price * quantity, facts.available,
                    line_problem(facts, quantity), added_at, facts.vertical_id)


def group_by_store(lines: Iterable[CartLine], stores: Mapping[str, StoreFacts]) -> tuple[CartStoreGroup, ...]:
    """Lines grouped by store, stores in the order their first line was added; lines of a vanished SKU last."""
    groups: dict[str, list[CartLine]] = {}
    for line in sorted(lines, key=lambda item: (item.added_at, item.sku_id)):
        groups.setdefault(line.store_id, []).append(line)
    return tuple(_group(store_id, members, stores.get(store_id)) for store_id, members in
                 sorted(groups.items(), key=lambda kv: kv[0] == ""))


def _group(store_id: str, lines: list[CartLine], store: StoreFacts | None) -> CartStoreGroup:
    name_en, name_zh, kind = (store.name_en, store.name_zh, store.kind) if store else ("", "", "")
    return CartStoreGroup(store_id, name_en, name_zh, kind, tuple(lines), sum(line.line_total for line in lines))


def cart_view(groups: tuple[CartStoreGroup, ...]) -> CartView:
    lines = [line for group in groups for line in group.lines]
    return CartView(groups, sum(g.goods_total for g in groups), sum(line.quantity for line in lines))


# --- shipping -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ShippingRule:
    """A store's flat shipping fee per order, waived when the order's goods total reaches `free_threshold`."""

    flat_fee: int
    free_threshold: int | None  # None: the fee always applies

    def fee(self, goods_total: int) -> int:
        if self.free_threshold is not None and goods_total >= self.free_threshold:
            return 0
        return self.flat_fee


# Platform default for a store that never set its shipping: free shipping (包邮), the marketplace norm, so a
# consumer is never charged a fee the merchant did not choose.
DEFAULT_SHIPPING = ShippingRule(flat_fee=0, free_threshold=None)


@dataclass(frozen=True, slots=True)
class ShippingSettings:
    store_id: str
    flat_fee: int
    free_threshold: int | None
    is_default: bool  # the store has not set its own; the platform default applies
    updated_at: datetime | None

    @property
    def rule(self) -> ShippingRule:
        return ShippingRule(self.flat_fee, self.free_threshold)


def check_shipping(flat_fee: Any, free_threshold: Any) -> ShippingRule:
    if isinstance(flat_fee, bool) or not isinstance(flat_fee, int) or not 0 <= flat_fee <= MAX_SHIPPING_FEE:
        raise ShippingSettingsInvalid(field="flat_fee", minimum=0, maximum=MAX_SHIPPING_FEE)
    if free_threshold is not None and (isinstance(free_threshold, bool) or not isinstance(free_threshold, int)
                                       or not 1 <= free_threshold <= MAX_FREE_THRESHOLD):
        raise ShippingSettingsInvalid(field="free_threshold", minimum=1, maximum=MAX_FREE_THRESHOLD)
    return ShippingRule(flat_fee, free_threshold)


# --- commission ---------------------------------------------------------------------------------------------------

def line_commission(line_total: int, commission_bp: int) -> int:
    """The platform's cut of one order line: line_total x bp / 10,000, rounded half up to the fen.

    Half up (0.5 fen goes to the platform) is the usual commercial rounding; computing per line and summing keeps
    each line's commission reproducible from its own columns, which a later partial refund needs.
    """
    if line_total < 0 or commission_bp < 0:
        raise ValueError("commission is computed on non-negative amounts and rates")
    return (line_total * commission_bp + BASIS_POINTS // 2) // BASIS_POINTS


# --- checkout -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StorePreview:
    store_id: str
    store_name_en: str
    store_name_zh: str
    store_kind: str
    lines: tuple[CartLine, ...]
    goods_total: int
    shipping_fee: int
    total: int
    flat_fee: int
    free_threshold: int | None


@dataclass(frozen=True, slots=True)
class CheckoutPreview:
    stores: tuple[StorePreview, ...]
    goods_total: int
    shipping_total: int
    grand_total: int
    fingerprint: str

    @property
    def has_problems(self) -> bool:
        return any(line.problem is not None for store in self.stores for line in store.lines)

    @property
    def is_empty(self) -> bool:
        return not self.stores


def store_preview(group: CartStoreGroup, rule: ShippingRule) -> StorePreview:
    fee = rule.fee(group.goods_total)
    return StorePreview(group.store_id, group.store_name_en, group.store_name_zh, group.store_kind, group.lines,
                        group.goods_total, fee, group.goods_total + fee, rule.flat_fee, rule.free_threshold)


def checkout_preview(groups: Sequence[CartStoreGroup], rules: Mapping[str, ShippingRule]) -> CheckoutPreview:
    stores = tuple(store_preview(g, rules.get(g.store_id, DEFAULT_SHIPPING)) for g in groups)
    goods = sum(s.goods_total for s in stores)
    shipping = sum(s.shipping_fee for s in stores)
    return CheckoutPreview(stores, goods, shipping, goods + shipping, fingerprint(stores))


def fingerprint(stores: Sequence[StorePreview]) -> str:
    """A digest of what the consumer saw priced: every line's SKU, quantity and unit price, and each store's fee.

    Placing an order with a fingerprint that no longer matches (a price, a quantity or a fee changed) is refused.
    """
    parts = [f"{s.store_id}|{s.shipping_fee}|" + ",".join(f"{line.sku_id}:{line.quantity}:{line.unit_price}"
                                                          for line in sorted(s.lines, key=lambda x: x.sku_id))
             for s in sorted(stores, key=lambda x: x.store_id)]
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:32]


def refuse_problems(preview: CheckoutPreview) -> None:
    """Placement needs a non-empty cart whose every line is on sale (stock is checked by the reservation)."""
    if preview.is_empty:
        raise CartEmpty()
    for store in preview.stores:
        for line in store.lines:
            if line.problem is not None and line.problem is not LineProblem.OUT_OF_STOCK:
                raise SkuUnavailable(field="sku_id", sku_id=line.sku_id, reason=line.problem.value)


def order_no(entropy: int) -> str:
    """A 20-digit order number from `entropy` in [0, ORDER_NO_SPACE): random, so no one can guess another's."""
    if not 0 <= entropy < ORDER_NO_SPACE:
        raise ValueError("order number entropy out of range")
    return str(10 ** (ORDER_NO_DIGITS - 1) + entropy)


def looks_like_order_no(text: str) -> bool:
    return len(text) == ORDER_NO_DIGITS and text.isdigit() and text[0] != "0"


# --- addresses ----------------------------------------------------------------------------------------------------

_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")
_POSTAL = re.compile(r"^[A-Za-z0-9 \-]{0,12}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class AddressInput:
    recipient: str
    phone: str
    region: str
    city: str
    line1: str
    postal_code: str = ""
    make_default: bool = False


@dataclass(frozen=True, slots=True)
class Address:
    id: str
    recipient: str
    phone: str
    region: str
    city: str
    line1: str
    postal_code: str
    is_default: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ShippingAddress:
    """The address an order ships to, copied when it was placed (later edits of the book do not move it)."""

    recipient: str
    phone: str
    region: str
    city: str
    line1: str
    postal_code: str

    def as_dict(self) -> dict[str, str]:
        return {"recipient": self.recipient, "phone": self.phone, "region": self.region, "city": self.city,
                "line1": self.line1, "postal_code": self.postal_code}

    @classmethod
    def of(cls, address: Address) -> ShippingAddress:
        return cls(address.recipient, address.phone, address.region, address.city, address.line1,
                   address.postal_code)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ShippingAddress:
        return cls(*(str(data.get(name, "")) for name in
                     ("recipient", "phone", "region", "city", "line1", "postal_code")))


def _text(raw: str, field: str, longest: int, *, required: bool = True) -> str:
    value = " ".join(str(raw).split())
    if (required and not value) or len(value) > longest or _CONTROL.search(value):
        raise AddressInvalid(field=field, maximum=longest)
    return value


def clean_address(draft: AddressInput) -> AddressInput:
    """Trimmed, bounded and well-formed, or AddressInvalid naming the first bad field."""
    phone = _text(draft.phone, "phone", 20)
    if not _PHONE.match(phone):
        raise AddressInvalid(field="phone")
    postal = _text(draft.postal_code, "postal_code", 12, required=False)
    if not _POSTAL.match(postal):
        raise AddressInvalid(field="postal_code")
    return AddressInput(_text(draft.recipient, "recipient", 50), phone, _text(draft.region, "region", 50),
                        _text(draft.city, "city", 50), _text(draft.line1, "line1", 200), postal,
                        bool(draft.make_default))


def check_reason(raw: str | None) -> str:
    value = " ".join((raw or "").split())
    if len(value) > MAX_REASON or _CONTROL.search(value):
        raise CancelReasonInvalid(field="reason", maximum=MAX_REASON)
    return value


def check_shipment(carrier: str, tracking_no: str) -> tuple[str, str]:
    carrier_text = " ".join(str(carrier).split())
    tracking = str(tracking_no).strip()
    if not 1 <= len(carrier_text) <= 50 or _CONTROL.search(carrier_text):
        raise ShipmentInvalid(field="carrier")
    if not re.fullmatch(r"[A-Za-z0-9\-]{4,40}", tracking):
        raise ShipmentInvalid(field="tracking_no")
    return carrier_text, tracking


# --- orders -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PricedLine:
    """One order line as placement decided it (the line's commission captured with its rate)."""

    sku_id: str
    product_id: str
    title_en: str
    title_zh: str
    sku_label: str
    unit_price: int
    quantity: int
    line_total: int
    vertical_id: str
    commission_bp: int
    commission: int


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """One store's order of a checkout: its lines, totals and commission, before ids are given."""

    store_id: str
    lines: tuple[PricedLine, ...]
    goods_total: int
    shipping_fee: int
    total: int
    commission: int


def priced_line(line: CartLine, commission_bp: int) -> PricedLine:
    return PricedLine(line.sku_id, line.product_id, line.title_en, line.title_zh, line.label, line.unit_price,
                      line.quantity, line.line_total, line.vertical_id, commission_bp,
                      line_commission(line.line_total, commission_bp))


def rate_pairs(preview: CheckoutPreview) -> set[tuple[str, str]]:
    """The (vertical, store kind) pairs whose commission rates the preview's lines need."""
    return {(line.vertical_id, store.store_kind) for store in preview.stores for line in store.lines}


def order_drafts(preview: CheckoutPreview, rates: Mapping[tuple[str, str], int]) -> tuple[OrderDraft, ...]:
    """One draft per store; `rates` maps (vertical, store kind) to basis points, captured at placement.

    Commission is charged on goods only, never on the shipping fee, which passes through to the merchant.
    """
    drafts = []
    for store in preview.stores:
        lines = tuple(priced_line(line, rates[(line.vertical_id, store.store_kind)]) for line in store.lines)
        drafts.append(OrderDraft(store.store_id, lines, store.goods_total, store.shipping_fee, store.total,
                                 sum(line.commission for line in lines)))
    return tuple(drafts)


@dataclass(frozen=True, slots=True)
class PlacedOrderRef:
    order_id: str
    order_no: str
    store_id: str
    total: int


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    payment_id: str
    amount: int
    expires_at: datetime
    orders: tuple[PlacedOrderRef, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"payment_id": self.payment_id, "amount": self.amount, "expires_at": self.expires_at.isoformat(),
                "orders": [{"order_id": o.order_id, "order_no": o.order_no, "store_id": o.store_id,
                            "total": o.total} for o in self.orders]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlacedOrder:
        return cls(str(data["payment_id"]), int(data["amount"]), datetime.fromisoformat(str(data["expires_at"])),
                   tuple(PlacedOrderRef(str(o["order_id"]), str(o["order_no"]), str(o["store_id"]),
                                        int(o["total"])) for o in data["orders"]))


@dataclass(frozen=True, slots=True)
class OrderSummary:
    id: str
    order_no: str
    payment_id: str
    consumer_id: str
    store_id: str
    store_name_en: str
    store_name_zh: str
    status: OrderStatus
    goods_total: int
    shipping_fee: int
    total: int
    item_count: int
    created_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None

    @property
    def can_cancel(self) -> bool:
        return self.status in CANCELLABLE

    @property
    def can_confirm(self) -> bool:
        return self.status is OrderStatus.SHIPPED

    @property
    def can_ship(self) -> bool:
        return self.status is OrderStatus.PAID

    @property
    def awaits_payment(self) -> bool:
        return self.status is OrderStatus.PENDING_PAYMENT


@dataclass(frozen=True, slots=True)
class OrderLine:
    id: str
    sku_id: str
    product_id: str
    title_en: str
    title_zh: str
    sku_label: str
    unit_price: int
    quantity: int
    line_total: int
    vertical_id: str
    commission_bp: int
    commission: int


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """One step of an order's timeline. `note` is a stable word the pages translate: placed, paid, shipped,
    cancelled (by the consumer), payment_timeout, refunded, confirmed (by the consumer), auto_confirmed."""

    status: OrderStatus
    at: datetime
    actor_id: str | None
    note: str


@dataclass(frozen=True, slots=True)
class OrderDetail:
    order: OrderSummary
    lines: tuple[OrderLine, ...]
    events: tuple[OrderEvent, ...]
    address: ShippingAddress
    carrier: str | None
    tracking_no: str | None
    commission: int
    cancel_reason: str | None
    auto_confirm_at: datetime | None  # when the platform confirms receipt if the consumer does not


@dataclass(frozen=True, slots=True)
class OrderState:
    """The columns a transition reads (a row locked by the service)."""

    id: str
    order_no: str
    payment_id: str
    consumer_id: str
    store_id: str
    status: OrderStatus
    total: int
    commission: int
    shipped_at: datetime | None


@dataclass(frozen=True, slots=True)
class LedgerMismatch:
    """Trade's own ledger check: escrow held for an order differs from what its status says."""

    order_id: str
    expected: int
    held: int


def escrow_mismatches(expected: Mapping[str, int], held: Mapping[str, int]) -> list[LedgerMismatch]:
    """Orders paid or shipped must each have exactly their total held in escrow, and nothing else may be held."""
    problems = []
    for order_id in sorted(set(expected) | set(held)):
        want, got = expected.get(order_id, 0), held.get(order_id, 0)
        if want != got:
            problems.append(LedgerMismatch(order_id, want, got))
    return problems

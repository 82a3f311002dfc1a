"""Addresses and orders as plain values: drafts priced per store, placed orders, summaries, details and events."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mercato.pricing.model import LineDiscount
from mercato.trade.model.cart import CartLine, CheckoutPreview, line_commission
from mercato.trade.model.discounts import LinePrice
from mercato.trade.model.rules import (
    CANCELLABLE,
    MAX_REASON,
    AddressInvalid,
    CancelReasonInvalid,
    OrderStatus,
    ShipmentInvalid,
)

# --- addresses ----------------------------------------------------------------------------------------------------

_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")
_POSTAL = re.compile(r"^[A-Za-z0-9 \-]{0,12}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class OrderCancelled:
    """A paid order was cancelled and its money refunded in full from escrow (published in the cancel's unit of work;
    capabilities above trade, after-sales, close what was still open on it)."""

    order_id: str
    consumer_id: str
    at: datetime


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
    discount: int = 0
    paid: int = 0  # line_total - discount
    parts: tuple[LineDiscount, ...] = ()  # the discounts with their funding

    @property
    def platform_funded(self) -> int:
        return sum(part.platform for part in self.parts)


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """One store's order of a checkout: its lines, totals and commission, before ids are given. `goods_total` is
    after discounts (goods_original - discount); `platform_funded` is the platform's part of the discount."""

    store_id: str
    lines: tuple[PricedLine, ...]
    goods_total: int
    shipping_fee: int
    total: int
    commission: int
    goods_original: int = 0
    discount: int = 0
    platform_funded: int = 0


def priced_line(line: CartLine, commission_bp: int, price: LinePrice) -> PricedLine:
    """Commission is charged on what the merchant earns for the goods: what the consumer paid for the line plus the
    platform-funded part of its discounts (the platform pays that part to the merchant at settlement). A discount
    the merchant funds itself lowers its commission; one the platform funds does not."""
    return PricedLine(line.sku_id, line.product_id, line.title_en, line.title_zh, line.label, line.unit_price,
                      line.quantity, line.line_total, line.vertical_id, commission_bp,
                      line_commission(price.paid + price.platform, commission_bp), price.discount, price.paid,
                      price.parts)


def rate_pairs(preview: CheckoutPreview) -> set[tuple[str, str]]:
    """The (vertical, store kind) pairs whose commission rates the preview's lines need."""
    return {(line.vertical_id, store.store_kind) for store in preview.stores for line in store.lines}


def order_drafts(preview: CheckoutPreview, rates: Mapping[tuple[str, str], int]) -> tuple[OrderDraft, ...]:
    """One draft per store; `rates` maps (vertical, store kind) to basis points, captured at placement.

    Commission is charged on goods only, never on the shipping fee, which passes through to the merchant.
    """
    drafts = []
    for store in preview.stores:
        lines = tuple(priced_line(line, rates[(line.vertical_id, store.store_kind)], store.price_of(line.sku_id))
                      for line in store.lines)
        drafts.append(OrderDraft(store.store_id, lines, store.goods_total, store.shipping_fee, store.total,
                                 sum(line.commission for line in lines), store.goods_original, store.discount,
                                 store.platform_funded))
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
    goods_original: int = 0  # the goods at list prices; goods_total is after `discount`
    discount: int = 0

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
    discount: int = 0
    paid: int = 0


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
    platform_funded: int = 0  # paid to the merchant by the platform at settlement


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

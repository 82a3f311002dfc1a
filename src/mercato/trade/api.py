"""The trade HTTP API under /api/v1: the cart, the address book, the checkout preview, placing orders (with an
Idempotency-Key), the consumer's orders (cancel, confirm receipt), merchants' orders and shipping settings, and the
operator's order list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from mercato.kernel.http import ERROR_RESPONSES, idempotency_key, require_operator, require_principal, runtime
from mercato.kernel.pagination import MAX_PAGE_SIZE, Page
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.trade import service
from mercato.trade._api_checkout import CartLineRead, PreviewRead
from mercato.trade.model import (
    MAX_FREE_THRESHOLD,
    MAX_SHIPPING_FEE,
    Address,
    AddressInput,
    CartView,
    OrderDetail,
    OrderStatus,
    OrderSummary,
    PlacedOrder,
    ShippingSettings,
)

router = APIRouter(tags=["trade"], responses=ERROR_RESPONSES)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(require_principal)]
Operator = Annotated[Principal, Depends(require_operator)]
IdemKey = Annotated[str | None, Depends(idempotency_key)]
Cursor = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
Id = Annotated[str, Field(min_length=1, max_length=26)]
OrderNo = Annotated[str, Field(min_length=1, max_length=40)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# --- schemas ------------------------------------------------------------------------------------------------------

class CartStoreRead(BaseModel):
    store_id: str
    store_name_en: str
    store_name_zh: str
    lines: list[CartLineRead]
    goods_total: int


class CartRead(BaseModel):
    stores: list[CartStoreRead]
    goods_total: int
    item_count: int
    has_problems: bool

    @classmethod
    def of(cls, view: CartView) -> CartRead:
        return cls(stores=[CartStoreRead(store_id=g.store_id, store_name_en=g.store_name_en,
                                         store_name_zh=g.store_name_zh, lines=[CartLineRead.of(x) for x in g.lines],
                                         goods_total=g.goods_total) for g in view.groups],
                   goods_total=view.goods_total, item_count=view.item_count, has_problems=view.has_problems)


class CartLineCreate(Strict):
    sku_id: Id
    quantity: int = Field(ge=-1_000_000, le=1_000_000)  # the domain rule (1..999) answers cart_quantity_invalid


class CartLineUpdate(Strict):
    quantity: int = Field(ge=-1_000_000, le=1_000_000)


class AddressCreate(Strict):
    recipient: str = Field(max_length=200)
    phone: str = Field(max_length=200)
    region: str = Field(max_length=200)
    city: str = Field(max_length=200)
    line1: str = Field(max_length=500)
    postal_code: str = Field(default="", max_length=200)
    make_default: bool = False

    def draft(self) -> AddressInput:
        return AddressInput(self.recipient, self.phone, self.region, self.city, self.line1, self.postal_code,
                            self.make_default)


class AddressRead(BaseModel):
    id: str
    recipient: str
    phone: str
    region: str
    city: str
    line1: str
    postal_code: str
    is_default: bool
    created_at: datetime

    @classmethod
    def of(cls, a: Address) -> AddressRead:
        return cls(id=a.id, recipient=a.recipient, phone=a.phone, region=a.region, city=a.city, line1=a.line1,
                   postal_code=a.postal_code, is_default=a.is_default, created_at=a.created_at)


class OrderCreate(Strict):
    address_id: Id
    fingerprint: str = Field(min_length=1, max_length=64)
    sku_ids: list[Id] | None = Field(default=None, max_length=100)


class PlacedOrderItem(BaseModel):
    order_id: str
    order_no: str
    store_id: str
    total: int


class PlacedRead(BaseModel):
    payment_id: str
    amount: int
    expires_at: datetime
    orders: list[PlacedOrderItem]

    @classmethod
    def of(cls, placed: PlacedOrder) -> PlacedRead:
        return cls(payment_id=placed.payment_id, amount=placed.amount, expires_at=placed.expires_at,
                   orders=[PlacedOrderItem(order_id=o.order_id, order_no=o.order_no, store_id=o.store_id,
                                           total=o.total) for o in placed.orders])


class OrderRead(BaseModel):
    order_no: str
    payment_id: str
    store_id: str
    store_name_en: str
    store_name_zh: str
    status: OrderStatus
    goods_total: int
    shipping_fee: int
    total: int
    item_count: int
    created_at: datetime
    goods_original: int
    discount: int
    paid_at: datetime | None
    shipped_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None

    @classmethod
    def of(cls, o: OrderSummary) -> OrderRead:
        return cls(order_no=o.order_no, payment_id=o.payment_id, store_id=o.store_id, store_name_en=o.store_name_en,
                   store_name_zh=o.store_name_zh, status=o.status, goods_total=o.goods_total,
                   shipping_fee=o.shipping_fee, total=o.total, item_count=o.item_count, created_at=o.created_at,
                   paid_at=o.paid_at, shipped_at=o.shipped_at, completed_at=o.completed_at,
                   cancelled_at=o.cancelled_at, goods_original=o.goods_original, discount=o.discount)


class OrderPage(BaseModel):
    items: list[OrderRead]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[OrderSummary]) -> OrderPage:
        return cls(items=[OrderRead.of(o) for o in page.items], next_cursor=page.next_cursor)


class OrderLineRead(BaseModel):
    sku_id: str
    product_id: str
    title_en: str
    title_zh: str
    sku_label: str
    unit_price: int
    quantity: int
    line_total: int
    discount: int
    paid: int


class OrderEventRead(BaseModel):
    status: OrderStatus
    at: datetime
    note: str


class ShippingAddressRead(BaseModel):
    recipient: str
    phone: str
    region: str
    city: str
    line1: str
    postal_code: str


class OrderDetailRead(OrderRead):
    lines: list[OrderLineRead]
    events: list[OrderEventRead]
    address: ShippingAddressRead
    carrier: str | None
    tracking_no: str | None
    cancel_reason: str | None
    auto_confirm_at: datetime | None

    @classmethod
    def detail(cls, d: OrderDetail) -> OrderDetailRead:
        lines = [OrderLineRead(sku_id=x.sku_id, product_id=x.product_id, title_en=x.title_en, title_zh=x.title_zh,
                               sku_label=x.sku_label, unit_price=x.unit_price, quantity=x.quantity,
                               line_total=x.line_total, discount=x.discount, paid=x.paid) for x in d.lines]
        return cls(**OrderRead.of(d.order).model_dump(), lines=lines,
                   events=[OrderEventRead(status=e.status, at=e.at, note=e.note) for e in d.events],
                   address=ShippingAddressRead(**d.address.as_dict()), carrier=d.carrier, tracking_no=d.tracking_no,
                   cancel_reason=d.cancel_reason, auto_confirm_at=d.auto_confirm_at)


class CancelRequest(Strict):
    reason: str | None = Field(default=None, max_length=1000)


class ShipRequest(Strict):
    carrier: str = Field(max_length=200)
    tracking_no: str = Field(max_length=200)


class ShippingRead(BaseModel):
    store_id: str
    flat_fee: int
    free_threshold: int | None
    is_default: bool

    @classmethod
    def of(cls, s: ShippingSettings) -> ShippingRead:
        return cls(store_id=s.store_id, flat_fee=s.flat_fee, free_threshold=s.free_threshold, is_default=s.is_default)


class ShippingPut(Strict):
    flat_fee: int = Field(ge=0, le=MAX_SHIPPING_FEE)
    free_threshold: int | None = Field(default=None, ge=1, le=MAX_FREE_THRESHOLD)


# --- cart and addresses -------------------------------------------------------------------------------------------

@router.get("/cart", response_model=CartRead)
def get_cart(rt: Rt, me: Me) -> CartRead:
    """The cart grouped by store; each line with its current price and any problem (inactive, out of stock)."""
    return CartRead.of(service.cart(rt, me))


@router.post("/cart/lines", response_model=CartRead)
def add_line(body: CartLineCreate, rt: Rt, me: Me) -> CartRead:
    """Add units of a SKU (added to the line when it is already in the cart; 1 to 999 in all)."""
    return CartRead.of(service.add_to_cart(rt, me, body.sku_id, body.quantity))


@router.put("/cart/lines/{sku_id}", response_model=CartRead)
def set_line(sku_id: str, body: CartLineUpdate, rt: Rt, me: Me) -> CartRead:
    """Set a line's quantity; 0 removes it."""
    return CartRead.of(service.set_cart_quantity(rt, me, sku_id, body.quantity))


@router.delete("/cart/lines/{sku_id}", response_model=CartRead)
def remove_line(sku_id: str, rt: Rt, me: Me) -> CartRead:
    return CartRead.of(service.remove_from_cart(rt, me, sku_id))


@router.get("/addresses", response_model=list[AddressRead])
def list_addresses(rt: Rt, me: Me) -> list[AddressRead]:
    return [AddressRead.of(a) for a in service.addresses(rt, me)]


@router.post("/addresses", response_model=AddressRead, status_code=201)
def create_address(body: AddressCreate, rt: Rt, me: Me) -> AddressRead:
    return AddressRead.of(service.add_address(rt, me, body.draft()))


@router.delete("/addresses/{address_id}", status_code=204)
def remove_address(address_id: str, rt: Rt, me: Me) -> Response:
    service.delete_address(rt, me, address_id)
    return Response(status_code=204)


@router.post("/addresses/{address_id}/default", response_model=AddressRead)
def make_default(address_id: str, rt: Rt, me: Me) -> AddressRead:
    return AddressRead.of(service.set_default_address(rt, me, address_id))


# --- checkout and the consumer's orders ---------------------------------------------------------------------------

@router.get("/checkout/preview", response_model=PreviewRead)
def preview(rt: Rt, me: Me, sku_ids: Annotated[list[str] | None, Query(max_length=100)] = None) -> PreviewRead:
    """Per store: lines, goods, shipping and total; the grand total; the `fingerprint` to place the order with.
    `sku_ids` (repeatable) checks out only those lines of the cart."""
    return PreviewRead.of(service.checkout_preview(rt, me, sku_ids))


@router.post("/orders", response_model=PlacedRead, status_code=201)
def place(body: OrderCreate, rt: Rt, me: Me, key: IdemKey) -> PlacedRead:
    """Place the previewed cart: one payment, one order per store. 409 `cart_stale` when the fingerprint no longer
    matches; 409 `stock_insufficient` with nothing reserved. A retry with the same Idempotency-Key returns the
    first answer; the same key with a different body is 409 `idempotency_key_reused`."""
    return PlacedRead.of(service.place_order(rt, me, address_id=body.address_id, fingerprint=body.fingerprint,
                                             idempotency_key=key, sku_ids=body.sku_ids))


@router.get("/orders", response_model=OrderPage)
def list_my_orders(rt: Rt, me: Me, status: OrderStatus | None = None, cursor: Cursor = None,
                   limit: Limit = 20) -> OrderPage:
    return OrderPage.of(service.my_orders(rt, me, cursor, limit, status))


@router.get("/orders/{order_no}", response_model=OrderDetailRead)
def get_my_order(order_no: str, rt: Rt, me: Me) -> OrderDetailRead:
    return OrderDetailRead.detail(service.my_order(rt, me, order_no))


@router.post("/orders/{order_no}/cancel", response_model=OrderRead)
def cancel(order_no: str, body: CancelRequest, rt: Rt, me: Me, key: IdemKey) -> OrderRead:
    """Cancel an unpaid order, or a paid one not yet shipped (refunded in full)."""
    return OrderRead.of(service.cancel_order(rt, me, order_no, key, body.reason))


@router.post("/orders/{order_no}/confirm", response_model=OrderRead)
def confirm(order_no: str, rt: Rt, me: Me) -> OrderRead:
    """Confirm a shipped order arrived: it completes and the merchant is paid."""
    return OrderRead.of(service.confirm_receipt(rt, me, order_no))


# --- merchants ----------------------------------------------------------------------------------------------------

@router.get("/merchant/stores/{store_id}/orders", response_model=OrderPage)
def list_store_orders(store_id: str, rt: Rt, me: Me, status: OrderStatus | None = None, cursor: Cursor = None,
                      limit: Limit = 20) -> OrderPage:
    return OrderPage.of(service.store_orders(rt, me, store_id, cursor, limit, status))


@router.get("/merchant/stores/{store_id}/orders/{order_no}", response_model=OrderDetailRead)
def get_store_order(store_id: str, order_no: str, rt: Rt, me: Me) -> OrderDetailRead:
    return OrderDetailRead.detail(service.store_order(rt, me, store_id, order_no))


@router.post("/merchant/stores/{store_id}/orders/{order_no}/ship", response_model=OrderRead)
def ship(store_id: str, order_no: str, body: ShipRequest, rt: Rt, me: Me) -> OrderRead:
    """Ship a paid order (409 `order_not_paid` otherwise)."""
    return OrderRead.of(service.ship_order(rt, me, store_id, order_no, body.carrier, body.tracking_no))


@router.get("/merchant/stores/{store_id}/shipping", response_model=ShippingRead)
def get_shipping(store_id: str, rt: Rt, me: Me) -> ShippingRead:
    return ShippingRead.of(service.shipping_settings(rt, me, store_id))


@router.put("/merchant/stores/{store_id}/shipping", response_model=ShippingRead)
def put_shipping(store_id: str, body: ShippingPut, rt: Rt, me: Me) -> ShippingRead:
    """The flat fee per order and the goods total from which shipping is free (null: never free)."""
    return ShippingRead.of(service.set_shipping_settings(rt, me, store_id, body.flat_fee, body.free_threshold))


# --- operators ----------------------------------------------------------------------------------------------------

@router.get("/ops/orders", response_model=OrderPage)
def list_all_orders(rt: Rt, me: Operator, status: OrderStatus | None = None, cursor: Cursor = None,
                    limit: Limit = 20) -> OrderPage:
    return OrderPage.of(service.all_orders(rt, me, cursor, limit, status))


@router.get("/ops/orders/{order_no}", response_model=OrderDetailRead)
def get_any_order(order_no: str, rt: Rt, me: Operator) -> OrderDetailRead:
    return OrderDetailRead.detail(service.operator_order(rt, me, order_no))

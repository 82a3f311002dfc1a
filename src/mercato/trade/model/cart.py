"""The cart, shipping fees, commission per line and the checkout preview with its fingerprint, as plain values."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from mercato.trade.model.discounts import (
    NO_PRICING,
    PLATFORM_WIDE,
    CartPricing,
    DiscountRow,
    LinePrice,
    PriceHint,
    cross_store_hints,
    discount_rows,
    full_price,
    store_hints,
    sum_platform,
)
from mercato.trade.model.rules import (
    BASIS_POINTS,
    MAX_FREE_THRESHOLD,
    MAX_LINE_QUANTITY,
    MAX_SHIPPING_FEE,
    ORDER_NO_DIGITS,
    ORDER_NO_SPACE,
    CartEmpty,
    CartQuantityInvalid,
    ShippingSettingsInvalid,
    SkuNotFound,
    SkuUnavailable,
)

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
    """One store's order to be: `goods_total` is the goods after discounts (goods_original - discount)."""

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
    goods_original: int = 0
    discount: int = 0
    platform_funded: int = 0  # the part of `discount` the platform funds
    prices: tuple[LinePrice, ...] = ()  # one per line, in the same order
    discounts: tuple[DiscountRow, ...] = ()  # every discount on this store's lines, per promotion
    hints: tuple[PriceHint, ...] = ()

    def price_of(self, sku_id: str) -> LinePrice:
        return next((p for p in self.prices if p.sku_id == sku_id), full_price(sku_id, 0))


@dataclass(frozen=True, slots=True)
class CheckoutPreview:
    """The grand total is what the consumer pays: the goods after every discount plus the shipping fees."""

    stores: tuple[StorePreview, ...]
    goods_total: int
    shipping_total: int
    grand_total: int
    fingerprint: str
    goods_original: int = 0
    discount: int = 0
    platform_discounts: tuple[DiscountRow, ...] = ()  # cross-store reductions and platform vouchers, cart-wide
    hints: tuple[PriceHint, ...] = ()  # thresholds across stores
    used_held: tuple[str, ...] = ()  # the coupons and vouchers this price spends

    @property
    def has_problems(self) -> bool:
        return any(line.problem is not None for store in self.stores for line in store.lines)

    @property
    def is_empty(self) -> bool:
        return not self.stores


def store_preview(group: CartStoreGroup, rule: ShippingRule, pricing: CartPricing = NO_PRICING) -> StorePreview:
    """The store's goods after discounts, and its shipping fee on them.

    The free-shipping threshold is tested against the goods AFTER discounts, the marketplace norm: a coupon that
    takes an order below the threshold brings the fee back, so no discount is paid twice.
    """
    quoted = pricing.prices()
    prices = tuple(quoted.get(line.sku_id) or full_price(line.sku_id, line.line_total) for line in group.lines)
    discount = sum(p.discount for p in prices)
    goods = group.goods_total - discount
    fee = rule.fee(goods)
    hints = store_hints(pricing, group.store_id)
    return StorePreview(group.store_id, group.store_name_en, group.store_name_zh, group.store_kind, group.lines,
                        goods, fee, goods + fee, rule.flat_fee, rule.free_threshold, group.goods_total, discount,
                        sum_platform(prices), prices, discount_rows(prices, pricing), hints)


def checkout_preview(groups: Sequence[CartStoreGroup], rules: Mapping[str, ShippingRule],
                     pricing: CartPricing = NO_PRICING) -> CheckoutPreview:
    """Per store: the goods, their discounts and the fee; the grand total is what the consumer pays."""
    stores = tuple(store_preview(g, rules.get(g.store_id, DEFAULT_SHIPPING), pricing) for g in groups)
    goods = sum(s.goods_total for s in stores)
    shipping = sum(s.shipping_fee for s in stores)
    every_price = [p for s in stores for p in s.prices]
    return CheckoutPreview(stores, goods, shipping, goods + shipping, fingerprint(stores),
                           sum(s.goods_original for s in stores), sum(s.discount for s in stores),
                           discount_rows(every_price, pricing, PLATFORM_WIDE), cross_store_hints(pricing),
                           pricing.quote.used_held)


def fingerprint(stores: Sequence[StorePreview]) -> str:
    """A digest of what the consumer saw priced: every line's SKU, quantity, unit price and amount paid after
    discounts, and each store's fee.

    Placing an order with a fingerprint that no longer matches (a price, a quantity, a fee or a promotion changed)
    is refused.
    """
    parts = [f"{s.store_id}|{s.shipping_fee}|" + ",".join(
        f"{line.sku_id}:{line.quantity}:{line.unit_price}:{s.price_of(line.sku_id).paid}"
        for line in sorted(s.lines, key=lambda x: x.sku_id)) for s in sorted(stores, key=lambda x: x.store_id)]
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

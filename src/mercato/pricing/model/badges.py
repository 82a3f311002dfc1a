"""Promotion badges and single-unit prices for a product's SKUs, as structured data the pages translate.

The price after promotions comes from the engine itself (`price_cart` on a one-unit cart), so it always agrees
with checkout; store, cross-store and coupon promotions are thresholds and show as badges only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from mercato.pricing.model.engine import price_cart
from mercato.pricing.model.errors import PromotionInvalid
from mercato.pricing.model.types import Context, Kind, Line, PromoClass, Promotion, Requirement, Tier
from mercato.pricing.model.validation import validate_promotion

# The order badges show in; a listing card shows only the first.
BADGE_ORDER: tuple[Kind, ...] = (
    Kind.CROSS_STORE_REDUCTION, Kind.SUBSIDY_PRICE, Kind.SPECIAL_PRICE, Kind.ITEM_DISCOUNT, Kind.NTH_ITEM,
    Kind.BUY_X_GET_Y, Kind.BUNDLE, Kind.STORE_REDUCTION, Kind.STORE_COUPON, Kind.MEMBER_PRICE,
)
PRICE_CLASSES = frozenset({PromoClass.ITEM})
MEMBER_CLASSES = frozenset({PromoClass.ITEM, PromoClass.MEMBER})


@dataclass(frozen=True, slots=True)
class SkuPrice:
    """One purchasable SKU of a product as the engine sees it: its list price in fen, store and vertical."""

    sku_id: str
    store_id: str
    vertical_id: str
    unit_price: int


@dataclass(frozen=True, slots=True)
class Badge:
    """One promotion that touches the product; the numbers the page needs to say it (fen, percent, counts)."""

    promotion_id: str
    kind: Kind
    amount: int = 0
    percent: int = 0
    price: int = 0
    threshold: int = 0
    every: int = 0
    cap: int | None = None
    tiers: tuple[Tier, ...] = ()
    nth: int = 0
    buy: int = 0
    get: int = 0
    items: int = 0
    new_customers: bool = False
    claimable: bool = False


@dataclass(frozen=True, slots=True)
class UnitPrice:
    """A SKU's single-unit price: list, after item promotions, and for members (None: no member price)."""

    sku_id: str
    list_price: int
    price: int
    member_price: int | None = None

    @property
    def reduced(self) -> bool:
        return self.price < self.list_price


@dataclass(frozen=True, slots=True)
class ProductPromotions:
    badges: tuple[Badge, ...] = ()
    prices: tuple[UnitPrice, ...] = ()

    def price_of(self, sku_id: str) -> UnitPrice | None:
        return next((p for p in self.prices if p.sku_id == sku_id), None)

    @property
    def lowest(self) -> UnitPrice | None:
        """The SKU cheapest after promotions (list price breaks ties), for a card's "from" price."""
        return min(self.prices, key=lambda p: (p.price, p.list_price), default=None)

    @property
    def headline(self) -> Badge | None:
        return self.badges[0] if self.badges else None


def usable(promotions: Iterable[Promotion], now: datetime) -> list[Promotion]:
    """Open at `now` and well-formed: a broken promotion row must not take a product page down."""
    found = []
    for promo in promotions:
        if promo.window.has_started(now) and not promo.window.has_ended(now) and _valid(promo):
            found.append(promo)
    return found


def _valid(promo: Promotion) -> bool:
    try:
        validate_promotion(promo)
    except PromotionInvalid:
        return False
    return True


def _line(sku: SkuPrice) -> Line:
    return Line("1", sku.sku_id, sku.store_id, sku.vertical_id, sku.unit_price, 1)


def touches(promo: Promotion, skus: Sequence[SkuPrice]) -> bool:
    return any(promo.scope.covers(_line(sku)) for sku in skus)


def badge_of(promo: Promotion, claimable: bool = False) -> Badge:
    return Badge(
        promotion_id=promo.promotion_id, kind=promo.kind, amount=promo.amount, percent=promo.percent,
        price=promo.price, threshold=promo.threshold, every=promo.every, cap=promo.cap, tiers=promo.tiers,
        nth=promo.nth, buy=promo.buy, get=promo.get, items=len(promo.scope.sku_ids) if promo.kind is Kind.BUNDLE else 0,
        new_customers=promo.requirement is not Requirement.NONE, claimable=claimable,
    )


def _shown(promo: Promotion, claimable: frozenset[str]) -> bool:
    """Platform vouchers are the consumer's own, and a coupon nobody can claim is issued by campaigns only."""
    if promo.kind is Kind.PLATFORM_VOUCHER:
        return False
    return promo.kind is not Kind.STORE_COUPON or promo.promotion_id in claimable


def badges(promotions: Iterable[Promotion], claimable: frozenset[str] = frozenset()) -> tuple[Badge, ...]:
    """The badges of promotions already known to touch a product or store, in BADGE_ORDER then priority."""
    shown = [p for p in promotions if _shown(p, claimable)]
    shown.sort(key=lambda p: (BADGE_ORDER.index(p.kind), -p.priority, p.promotion_id))
    return tuple(badge_of(p, p.kind is Kind.STORE_COUPON and p.promotion_id in claimable) for p in shown)


def _payable(sku: SkuPrice, promos: Sequence[Promotion], context: Context, now: datetime) -> int:
    if not promos:
        return sku.unit_price
    return price_cart([_line(sku)], context, promos, now).payable


def unit_price(sku: SkuPrice, promotions: Sequence[Promotion], now: datetime) -> UnitPrice:
    """One unit's price after the item-class promotions, and after item and member ones for a member."""
    covering = [p for p in promotions if p.scope.covers(_line(sku))]
    item = [p for p in covering if p.promo_class in PRICE_CLASSES]
    price = _payable(sku, item, Context(), now)
    member = [p for p in covering if p.promo_class in MEMBER_CLASSES]
    if not any(p.promo_class is PromoClass.MEMBER for p in member):
        return UnitPrice(sku.sku_id, sku.unit_price, price)
    member_price = _payable(sku, member, Context(is_member=True), now)
    return UnitPrice(sku.sku_id, sku.unit_price, price, member_price if member_price < price else None)


def product_promotions(skus: Sequence[SkuPrice], promotions: Iterable[Promotion], now: datetime,
                       claimable: frozenset[str] = frozenset()) -> ProductPromotions:
    """The badges of the open promotions that touch any of `skus`, and each SKU's unit prices."""
    open_ = [p for p in usable(promotions, now) if touches(p, skus)]
    return ProductPromotions(badges(open_, claimable), tuple(unit_price(sku, open_, now) for sku in skus))


def store_badges(store_id: str, promotions: Iterable[Promotion], now: datetime,
                 claimable: frozenset[str] = frozenset()) -> tuple[Badge, ...]:
    """The open promotions a store runs or has opted in to (platform-wide ones name no store and are left out)."""
    return badges([p for p in usable(promotions, now) if store_id in p.scope.store_ids], claimable)

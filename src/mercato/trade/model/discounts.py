"""Promotions in the checkout as plain values: the cart lines the engine prices, and the engine's quote merged into
each line (what it pays, its discounts with their funding) and summed for display per store and across stores."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from mercato.pricing.model import Hint, Line, LineDiscount, PromoClass, Quote

# Classes whose discount the platform runs across stores; the pages list them apart from the stores' own.
PLATFORM_WIDE = frozenset({PromoClass.CROSS_STORE, PromoClass.PLATFORM_VOUCHER})


@dataclass(frozen=True, slots=True)
class LinePrice:
    """One cart line after promotions: `original - discount == paid`; `parts` are the discounts with funding."""

    sku_id: str
    original: int
    discount: int
    paid: int
    parts: tuple[LineDiscount, ...] = ()

    @property
    def platform(self) -> int:
        return sum(part.platform for part in self.parts)


@dataclass(frozen=True, slots=True)
class DiscountRow:
    """One promotion's discount summed over some lines, with the promotion's names, for display."""

    promotion_id: str
    held_id: str
    promo_class: PromoClass
    name_en: str
    name_zh: str
    amount: int


@dataclass(frozen=True, slots=True)
class PriceHint:
    """Add `missing` fen (from `store_id`, or across stores when empty) to take `gained` more off."""

    promotion_id: str
    store_id: str
    name_en: str
    name_zh: str
    missing: int
    gained: int


@dataclass(frozen=True, slots=True)
class CartPricing:
    """The engine's quote of a cart and the names of the promotions it may mention."""

    quote: Quote
    names: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def prices(self) -> dict[str, LinePrice]:
        return {q.line_id: LinePrice(q.line_id, q.original, q.original - q.paid, q.paid, q.discounts)
                for q in self.quote.lines}

    def name(self, promotion_id: str) -> tuple[str, str]:
        return self.names.get(promotion_id, (promotion_id, promotion_id))

    def hints(self) -> tuple[PriceHint, ...]:
        return tuple(_hint(h, self.name(h.promotion_id)) for h in self.quote.hints)


NO_PRICING = CartPricing(Quote(original=0, payable=0, lines=(), stores=(), used_held=()))


def _hint(hint: Hint, names: tuple[str, str]) -> PriceHint:
    return PriceHint(hint.promotion_id, hint.store_id, names[0], names[1], hint.missing, hint.gained)


def full_price(sku_id: str, line_total: int) -> LinePrice:
    """A line no promotion touched (or one the engine was not asked about: it cannot be bought as it is)."""
    return LinePrice(sku_id, line_total, 0, line_total)


def engine_line(sku_id: str, store_id: str, vertical_id: str, unit_price: int, quantity: int) -> Line:
    """The engine's view of a cart line; one line per SKU, so the SKU is the line's id."""
    return Line(sku_id, sku_id, store_id, vertical_id, unit_price, quantity)


def discount_rows(prices: Iterable[LinePrice], pricing: CartPricing,
                  classes: frozenset[PromoClass] | None = None) -> tuple[DiscountRow, ...]:
    """The discounts on these lines summed per promotion (and coupon), largest first, optionally of some classes."""
    sums: dict[tuple[str, str, PromoClass], int] = {}
    for price in prices:
        for part in price.parts:
            if classes is None or part.promo_class in classes:
                key = (part.promotion_id, part.held_id, part.promo_class)
                sums[key] = sums.get(key, 0) + part.amount
    rows = [DiscountRow(pid, held, cls, *pricing.name(pid), amount) for (pid, held, cls), amount in sums.items()]
    return tuple(sorted(rows, key=lambda r: (-r.amount, r.promotion_id, r.held_id)))


def store_hints(pricing: CartPricing, store_id: str) -> tuple[PriceHint, ...]:
    return tuple(h for h in pricing.hints() if h.store_id == store_id)


def cross_store_hints(pricing: CartPricing) -> tuple[PriceHint, ...]:
    return tuple(h for h in pricing.hints() if not h.store_id)


def sum_platform(prices: Sequence[LinePrice]) -> int:
    return sum(price.platform for price in prices)

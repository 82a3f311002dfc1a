"""The API's read schemas of the cart lines and the checkout preview with its promotions: each line's price after
discounts, the discounts per promotion with their names, and the engine's hints (fen throughout)."""

from __future__ import annotations

from pydantic import BaseModel

from mercato.trade.model import CartLine, CheckoutPreview, DiscountRow, LinePrice, PriceHint, StorePreview


class DiscountRead(BaseModel):
    promotion_id: str
    held_id: str | None
    promo_class: str
    name_en: str
    name_zh: str
    amount: int

    @classmethod
    def of(cls, row: DiscountRow) -> DiscountRead:
        return cls(promotion_id=row.promotion_id, held_id=row.held_id or None, promo_class=row.promo_class.value,
                   name_en=row.name_en, name_zh=row.name_zh, amount=row.amount)


class LinePriceRead(BaseModel):
    """A line's price after promotions: `original - discount == paid`; `platform` is the platform-funded part."""

    sku_id: str
    original: int
    discount: int
    paid: int
    platform: int

    @classmethod
    def of(cls, price: LinePrice) -> LinePriceRead:
        return cls(sku_id=price.sku_id, original=price.original, discount=price.discount, paid=price.paid,
                   platform=price.platform)


class HintRead(BaseModel):
    """Add `missing` fen of eligible goods (from `store_id`, or from any store when null) to get `gained` more off."""

    promotion_id: str
    store_id: str | None
    name_en: str
    name_zh: str
    missing: int
    gained: int

    @classmethod
    def of(cls, hint: PriceHint) -> HintRead:
        return cls(promotion_id=hint.promotion_id, store_id=hint.store_id or None, name_en=hint.name_en,
                   name_zh=hint.name_zh, missing=hint.missing, gained=hint.gained)


class CartLineRead(BaseModel):
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
    problem: str | None

    @classmethod
    def of(cls, line: CartLine) -> CartLineRead:
        return cls(sku_id=line.sku_id, product_id=line.product_id, store_id=line.store_id, title_en=line.title_en,
                   title_zh=line.title_zh, label=line.label, unit_price=line.unit_price, quantity=line.quantity,
                   line_total=line.line_total, available=line.available,
                   problem=line.problem.value if line.problem else None)


class StorePreviewRead(BaseModel):
    """One store's order to be; `goods_total` is after discounts (`goods_original - discount`)."""

    store_id: str
    store_name_en: str
    store_name_zh: str
    lines: list[CartLineRead]
    goods_total: int
    shipping_fee: int
    total: int
    goods_original: int
    discount: int
    prices: list[LinePriceRead]
    discounts: list[DiscountRead]
    hints: list[HintRead]

    @classmethod
    def of(cls, s: StorePreview) -> StorePreviewRead:
        return cls(store_id=s.store_id, store_name_en=s.store_name_en, store_name_zh=s.store_name_zh,
                   lines=[CartLineRead.of(x) for x in s.lines], goods_total=s.goods_total,
                   shipping_fee=s.shipping_fee, total=s.total, goods_original=s.goods_original, discount=s.discount,
                   prices=[LinePriceRead.of(p) for p in s.prices], discounts=[DiscountRead.of(d) for d in s.discounts],
                   hints=[HintRead.of(h) for h in s.hints])


class PreviewRead(BaseModel):
    """`grand_total` is what the consumer pays; `platform_discounts` are the cross-store reductions and platform
    vouchers over the whole cart, `hints` the thresholds across stores within reach."""

    stores: list[StorePreviewRead]
    goods_total: int
    shipping_total: int
    grand_total: int
    fingerprint: str
    has_problems: bool
    goods_original: int
    discount: int
    platform_discounts: list[DiscountRead]
    hints: list[HintRead]
    used_held: list[str]  # the coupons and vouchers placing this preview spends

    @classmethod
    def of(cls, p: CheckoutPreview) -> PreviewRead:
        return cls(stores=[StorePreviewRead.of(s) for s in p.stores], goods_total=p.goods_total,
                   shipping_total=p.shipping_total, grand_total=p.grand_total, fingerprint=p.fingerprint,
                   has_problems=p.has_problems, goods_original=p.goods_original, discount=p.discount,
                   platform_discounts=[DiscountRead.of(d) for d in p.platform_discounts],
                   hints=[HintRead.of(h) for h in p.hints], used_held=list(p.used_held))

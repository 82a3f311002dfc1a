"""Promotion badges and prices after promotions for the shopper pages, read fresh on every page (never cached,
so pausing or ending a promotion shows at once) in a fixed number of statements whatever the page size.

A listing asks pricing for the promotions open in its cards' stores first, and reads the cards' SKUs only when
there are some: a page of goods without promotions costs one statement more than before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from mercato.catalog import browse
from mercato.catalog.browse import ProductCard, ProductDetail
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.pricing import service as pricing
from mercato.pricing.model.badges import ProductPromotions, SkuPrice
from mercato.storefront.views import ProductTile


def _grouped(cards: Sequence[ProductCard], found: Sequence[browse.SkuPrice]) -> list[pricing.ProductSkus]:
    by_product: dict[str, list[SkuPrice]] = {c.id: [] for c in cards}
    for sku in found:
        by_product[sku.product_id].append(SkuPrice(sku.sku_id, sku.store_id, sku.vertical_id, sku.price_minor))
    return [pricing.ProductSkus(c.id, c.store_id, tuple(by_product[c.id])) for c in cards]


def card_badges_in(rt: Runtime, uow: UnitOfWork, cards: Sequence[ProductCard]) -> pricing.ProductBadges:
    """The badges and unit prices of every card: two statements, three when some promotion is open."""
    if not cards:
        return pricing.ProductBadges()
    now = rt.clock.now()
    loaded = pricing.open_promotions_in(uow, {c.store_id for c in cards}, now)
    if not loaded:
        return pricing.ProductBadges()
    skus = browse.active_sku_prices_in(uow, [c.id for c in cards])
    return pricing.badges_of(loaded, _grouped(cards, skus), now)


def with_badge(tile: ProductTile, promos: ProductPromotions, found: pricing.ProductBadges) -> ProductTile:
    """A card with its headline badge and, when promotions lower it, its lowest price after them."""
    badge, lowest = promos.headline, promos.lowest
    price_after = lowest.price if lowest is not None and lowest.price < tile.card.min_price_minor else None
    name = found.names.get(badge.promotion_id) if badge is not None else None
    return replace(tile, badge=badge, badge_name=name, price_after=price_after)


def product_badges_in(rt: Runtime, uow: UnitOfWork, detail: ProductDetail) -> pricing.ProductBadges:
    """The product page's badges and each active SKU's prices: two statements."""
    product = detail.product
    skus = tuple(SkuPrice(s.id, product.store_id, product.vertical_id, s.price_minor) for s in detail.skus)
    return pricing.product_badges_in(uow, [pricing.ProductSkus(product.id, product.store_id, skus)],
                                     rt.clock.now())


def store_badges_in(rt: Runtime, uow: UnitOfWork, store_id: str) -> pricing.StoreBadges:
    return pricing.store_badges_in(uow, store_id, rt.clock.now())

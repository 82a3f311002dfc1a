"""What the storefront hands to its API and pages: catalog rows joined (in memory) with stores, brands and
promotion badges."""

from __future__ import annotations

from dataclasses import dataclass, field

from mercato.catalog.browse import CategoryRef, FacetCounts, ListingQuery, ProductCard, ProductDetail
from mercato.pricing.model.badges import Badge, ProductPromotions
from mercato.pricing.service import PromotionName, StoreBadges
from mercato.storefront.model import Crumb, OptionAxis, SkuOption
from mercato.stores.model import BrandView, StoreView


@dataclass(frozen=True, slots=True)
class ProductTile:
    """A product card with its store and brand, ready to show in a grid."""

    card: ProductCard
    store: StoreView | None
    brand: BrandView | None
    badge: Badge | None = None  # the one promotion badge a card has room for
    badge_name: PromotionName | None = None
    price_after: int | None = None  # the lowest unit price after item promotions, when below the card's price


@dataclass(frozen=True, slots=True)
class ListingPage:
    tiles: list[ProductTile]
    next_cursor: str | None
    query: ListingQuery


@dataclass(frozen=True, slots=True)
class FacetsView:
    counts: FacetCounts
    brands: dict[str, BrandView]


@dataclass(frozen=True, slots=True)
class VerticalShelf:
    category: CategoryRef
    tiles: list[ProductTile]


@dataclass(frozen=True, slots=True)
class HomePage:
    shelves: list[VerticalShelf]
    flagships: list[StoreView]
    independents: list[StoreView]


@dataclass(frozen=True, slots=True)
class CategoryPage:
    category: CategoryRef
    path: list[CategoryRef]
    children: list[CategoryRef]
    listing: ListingPage


@dataclass(frozen=True, slots=True)
class ProductPage:
    detail: ProductDetail
    skus: list[SkuOption]
    axes: list[OptionAxis]
    store: StoreView
    brand: BrandView | None
    crumbs: list[Crumb]
    choice: dict[str, str] = field(default_factory=dict)
    chosen: SkuOption | None = None
    attribute_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> {name_en, name_zh}
    promos: ProductPromotions = field(default_factory=ProductPromotions)
    promo_names: dict[str, PromotionName] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StorePage:
    store: StoreView
    brand: BrandView | None
    listing: ListingPage
    promos: StoreBadges = field(default_factory=StoreBadges)

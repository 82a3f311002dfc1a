"""Use cases of the shopper pages: the open promotions that touch some products or a store, as badges with their
names, and each SKU's single-unit price after promotions (by the engine, so it agrees with checkout)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.pricing.badges_repo import BadgesRepo, PromotionRow
from mercato.pricing.model import Promotion
from mercato.pricing.model.badges import Badge, ProductPromotions, SkuPrice, product_promotions, store_badges


@dataclass(frozen=True, slots=True)
class ProductSkus:
    """A product's purchasable SKUs (the caller leaves out inactive ones: they are not badged)."""

    product_id: str
    store_id: str
    skus: tuple[SkuPrice, ...]


@dataclass(frozen=True, slots=True)
class PromotionName:
    name_en: str
    name_zh: str


@dataclass(frozen=True, slots=True)
class ProductBadges:
    """Per product its badges and unit prices; `names` names every promotion a badge refers to."""

    products: dict[str, ProductPromotions] = field(default_factory=dict)
    names: dict[str, PromotionName] = field(default_factory=dict)

    def of(self, product_id: str) -> ProductPromotions:
        return self.products.get(product_id, ProductPromotions())


@dataclass(frozen=True, slots=True)
class StoreBadges:
    badges: tuple[Badge, ...] = ()
    names: dict[str, PromotionName] = field(default_factory=dict)

    @property
    def coupons(self) -> tuple[Badge, ...]:
        return tuple(b for b in self.badges if b.claimable)


@dataclass(frozen=True, slots=True)
class OpenPromotions:
    """The open promotions loaded for some stores, before they are matched to products."""

    rows: tuple[PromotionRow, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rows)

    @property
    def promotions(self) -> list[Promotion]:
        return [r.promotion for r in self.rows]

    @property
    def claimable(self) -> frozenset[str]:
        return frozenset(r.promotion.promotion_id for r in self.rows if r.claimable)

    @property
    def names(self) -> dict[str, PromotionName]:
        return {r.promotion.promotion_id: PromotionName(r.name_en, r.name_zh) for r in self.rows}


def open_promotions_in(uow: UnitOfWork, store_ids: Iterable[str], now: datetime) -> OpenPromotions:
    """Open promotions of these stores, the platform's, and the cross-store ones they joined: two statements."""
    return OpenPromotions(tuple(BadgesRepo(uow.conn).open_for_stores(store_ids, now)))


def badges_of(loaded: OpenPromotions, products: Sequence[ProductSkus], now: datetime) -> ProductBadges:
    """Match loaded promotions to products: no query (callers skip loading SKUs when nothing is open)."""
    promos, claimable = loaded.promotions, loaded.claimable
    found = {p.product_id: product_promotions(p.skus, promos, now, claimable) for p in products}
    return ProductBadges(found, loaded.names)


def product_badges_in(uow: UnitOfWork, products: Sequence[ProductSkus], now: datetime) -> ProductBadges:
    """Badges and prices for any number of products in two statements (see badges_repo)."""
    return badges_of(open_promotions_in(uow, {p.store_id for p in products}, now), products, now)


def product_badges(rt: Runtime, products: Sequence[ProductSkus]) -> ProductBadges:
    with rt.uow(read_only=True) as uow:
        return product_badges_in(uow, products, rt.clock.now())


def store_badges_in(uow: UnitOfWork, store_id: str, now: datetime) -> StoreBadges:
    """The promotions a store runs or joined, its claimable coupons among them."""
    loaded = open_promotions_in(uow, [store_id], now)
    return StoreBadges(store_badges(store_id, loaded.promotions, now, loaded.claimable), loaded.names)


def store_badges_of(rt: Runtime, store_id: str) -> StoreBadges:
    with rt.uow(read_only=True) as uow:
        return store_badges_in(uow, store_id, rt.clock.now())

"""Shopper use cases: home, category, listing, product and store pages, composed from catalog, stores and inventory.

Each use case is one read-only unit of work and a fixed number of queries whatever the page size (no N+1):
the catalog rows first, then every store, brand and stock level they mention in one query each; store and brand
cards come from a per-process cache (storefront.cache, 30 s), so a suspension hides a product page within that.
Promotion badges and prices after promotions are never cached (storefront.promotions).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

from mercato.catalog import browse
from mercato.catalog.browse import CategoryRef, ListingFilters, ListingQuery, ProductCard, ProductDetail
from mercato.inventory import service as inventory
from mercato.kernel.errors import EntityNotFound
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.storefront import promotions
from mercato.storefront.cache import CardCache
from mercato.storefront.model import (
    Crumb,
    SkuOption,
    breadcrumb,
    default_choice,
    matching_sku,
    option_axes,
)
from mercato.storefront.views import (
    CategoryPage,
    FacetsView,
    HomePage,
    ListingPage,
    ProductPage,
    ProductTile,
    StorePage,
    VerticalShelf,
)
from mercato.stores import service as stores
from mercato.stores.model import BrandView, StoreKind, StoreStatus, StoreView

SHELF_SIZE = 4
STORES_ON_HOME = 8
MAX_CHOICE_CHARS = 64
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,47}")


class StoreNotFound(EntityNotFound):
    code = "store_not_found"
    title = "No such store"


_stores_cache: CardCache[StoreView] = CardCache()
_brands_cache: CardCache[BrandView] = CardCache()


def _brands_in(rt: Runtime, uow: UnitOfWork, ids: Iterable[str | None]) -> dict[str, BrandView]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return _brands_cache.get_many(rt, wanted, lambda missing: stores.brands_by_ids_in(uow, missing))


def _stores_in(rt: Runtime, uow: UnitOfWork, ids: Iterable[str]) -> dict[str, StoreView]:
    wanted = set(ids)
    if not wanted:
        return {}
    return _stores_cache.get_many(rt, wanted, lambda missing: stores.stores_by_ids_in(uow, missing))


def forget_cards(rt: Runtime) -> None:
    """Drop this process's cached store and brand cards (after a change that must show at once)."""
    _stores_cache.forget(rt)
    _brands_cache.forget(rt)


def on_store_status_changed(rt: Runtime, uow: UnitOfWork, event: object) -> None:
    """A suspended or reinstated store shows at once, not when its cached card expires."""
    uow.after_commit(lambda: forget_cards(rt))


def tiles_in(rt: Runtime, uow: UnitOfWork, cards: list[ProductCard]) -> list[ProductTile]:
    """Cards with their stores, brands and badges: at most five queries for any number of cards (see CardCache
    and storefront.promotions)."""
    by_store = _stores_in(rt, uow, (c.store_id for c in cards))
    by_brand = _brands_in(rt, uow, (c.brand_id for c in cards))
    found = promotions.card_badges_in(rt, uow, cards)
    return [promotions.with_badge(ProductTile(c, by_store.get(c.store_id), by_brand.get(c.brand_id) if c.brand_id
                                              else None), found.of(c.id), found)
            for c in cards]


def _listing_in(rt: Runtime, uow: UnitOfWork, query: ListingQuery) -> ListingPage:
    page = browse.listing_in(uow, query)
    return ListingPage(tiles_in(rt, uow, page.items), page.next_cursor, query)


def listing(rt: Runtime, filters: ListingFilters) -> ListingPage:
    """One page of the filtered listing with store names, kinds and brand names."""
    query = browse.resolve(rt, filters)
    with rt.uow(read_only=True) as uow:
        return _listing_in(rt, uow, query)


def facets(rt: Runtime, filters: ListingFilters) -> FacetsView:
    """Bounded facet counts for a listing (see catalog.browse.FACET_SCAN_CAP) with the brands' names."""
    query = browse.resolve(rt, filters)
    with rt.uow(read_only=True) as uow:
        counts = browse.facets_in(uow, query)
        return FacetsView(counts, _brands_in(rt, uow, (brand_id for brand_id, _ in counts.brands)))


def home(rt: Runtime) -> HomePage:
    """Verticals with their newest products, flagship stores, and independent shops with their tags."""
    verticals = browse.category_tree(rt).verticals()
    with rt.uow(read_only=True) as uow:
        newest = browse.newest_per_category_in(uow, verticals, SHELF_SIZE)
        tiles = iter(tiles_in(rt, uow, [card for v in verticals for card in newest[v.id]]))
        shelves = [VerticalShelf(v, [next(tiles) for _ in newest[v.id]]) for v in verticals]
    flagships = stores.list_stores(rt, StoreKind.FLAGSHIP, StoreStatus.ACTIVE, limit=STORES_ON_HOME)
    independents = stores.list_stores(rt, StoreKind.INDEPENDENT, StoreStatus.ACTIVE, limit=STORES_ON_HOME)
    return HomePage(shelves, flagships.items, independents.items)


def verticals(rt: Runtime) -> list[CategoryRef]:
    return browse.category_tree(rt).verticals()


def vertical_page(rt: Runtime, slug: str, filters: ListingFilters | None = None) -> CategoryPage:
    """A category (any level) by slug: its path, sub-categories and a listing inside it."""
    tree, category = browse.category_by_slug(rt, slug)
    query = browse.resolve_filters(tree, replace(filters or ListingFilters(), category_id=category.id))
    with rt.uow(read_only=True) as uow:
        listing_page = _listing_in(rt, uow, query)
    return CategoryPage(category, tree.path(category), tree.children.get(category.id, []), listing_page)


def store_page(rt: Runtime, slug: str, cursor: str | None = None, sort: str = "newest",
               limit: int | None = None) -> StorePage:
    """An active store's profile, tags and products; a suspended or unknown store is StoreNotFound."""
    store = _active_store_by_slug(rt, slug)
    query = browse.resolve(rt, ListingFilters(store_id=store.id, cursor=cursor, sort=sort, limit=limit))
    with rt.uow(read_only=True) as uow:
        brand = _brands_in(rt, uow, [store.brand_id]).get(store.brand_id or "")
        return StorePage(store, brand, _listing_in(rt, uow, query), promotions.store_badges_in(rt, uow, store.id))


def _active_store_by_slug(rt: Runtime, slug: str) -> StoreView:
    if not SLUG.fullmatch(slug):  # no query for what cannot be a slug (and PostgreSQL refuses NUL bytes)
        raise StoreNotFound(slug=slug[:48])
    try:
        store = stores.get_store_by_slug(rt, slug)
    except EntityNotFound:
        raise StoreNotFound(slug=slug) from None
    if not store.is_active:
        raise StoreNotFound(slug=slug)
    return store


def product_page(rt: Runtime, product_id: str, choice: Mapping[str, str] | None = None) -> ProductPage:
    """An active product of an active store with SKUs, stock, option axes, store card, brand and breadcrumbs.

    `choice` picks options on the SKU picker; unknown axes or values are ignored, and no choice at all
    opens on the first SKU in stock.
    """
    tree = browse.category_tree(rt)
    with rt.uow(read_only=True) as uow:
        detail = browse.product_detail_in(uow, product_id, tree)
        store = _stores_in(rt, uow, [detail.product.store_id]).get(detail.product.store_id)
        if store is None or not store.is_active:
            raise browse.ProductNotFound(product_id=product_id)
        brand = _brands_in(rt, uow, [detail.product.brand_id]).get(detail.product.brand_id or "")
        skus = _sku_options(uow, detail)
        found = promotions.product_badges_in(rt, uow, detail)
    axes = option_axes(skus)
    picked = _clean_choice(choice, {axis.name: axis.values for axis in axes}) or default_choice(skus)
    crumbs = breadcrumb([Crumb(c.slug, c.name_en, c.name_zh) for c in detail.path])
    return ProductPage(detail, skus, axes, store, brand, crumbs, picked, matching_sku(skus, picked),
                       tree.attribute_labels(detail.path), found.of(detail.product.id), found.names)


def _sku_options(uow: UnitOfWork, detail: ProductDetail) -> list[SkuOption]:
    levels = inventory.availability_in(uow, [s.id for s in detail.skus])
    return [SkuOption(s.id, s.options, s.price_minor, s.list_price_minor,
                      levels[s.id].available if s.id in levels else 0) for s in detail.skus]


def _clean_choice(choice: Mapping[str, str] | None, axes: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    if not choice:
        return {}
    return {name: value for name, value in choice.items()
            if name in axes and len(value) <= MAX_CHOICE_CHARS and value in axes[name]}


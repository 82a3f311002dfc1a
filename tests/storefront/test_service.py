"""storefront.service on both engines: pages composed from catalog, stores and inventory in bounded queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from mercato.catalog.browse import CategoryNotFound, ListingFilters, ProductNotFound
from mercato.kernel.runtime import Runtime
from mercato.storefront import service
from mercato.storefront.model import OptionAxis
from mercato.stores.tables import stores
from storefront.catalog_rows import Market


@contextmanager
def counting(rt: Runtime) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(rt.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(rt.engine, "before_cursor_execute", record)


def test_listing_names_each_products_store_and_brand(rt: Runtime, market: Market) -> None:
    page = service.listing(rt, ListingFilters())
    assert [(t.card.id, t.store.slug if t.store else None, t.brand.name_en if t.brand else None)
            for t in page.tiles] == [(market.tea, "leaf-and-cup", None), (market.shirt, "acme-official", "Acme")]
    assert page.next_cursor is None


def test_a_listing_names_its_stores_and_brands_in_a_fixed_number_of_queries(
        rt: Runtime, market: Market) -> None:
    for i in range(6):
        store = market.rows.store(slug=f"shop-{i}")
        market.rows.product(store, market.food, title_en=f"Tea {i}", brand_id=market.rows.brand())
    with counting(rt) as first:
        page = service.listing(rt, ListingFilters(limit=8))
    selects = [s for s in first if s.startswith("SELECT")]
    assert len(page.tiles) == 8 and all(t.store is not None for t in page.tiles)
    # category tree + attribute names (then kept), products, stores, tags, brands, open promotions (none: no SKUs)
    assert len(selects) == 7
    with counting(rt) as again:
        service.listing(rt, ListingFilters(limit=8))
    # stores and brands are kept too; promotions never are
    assert [s for s in again if s.startswith("SELECT")] == [selects[2], selects[6]]


def test_product_page_shows_active_skus_with_stock_axes_store_brand_and_breadcrumbs(
        rt: Runtime, market: Market) -> None:
    page = service.product_page(rt, market.shirt)
    assert [(s.id, s.available) for s in page.skus] == [(market.red_m, 7), (market.red_l, 0), (market.blue_m, 2)]
    assert page.axes == [OptionAxis("colour", ("Red", "Blue")), OptionAxis("size", ("M", "L"))]
    assert (page.store.slug, page.brand.name_zh if page.brand else None) == ("acme-official", "极致")
    assert [c.slug for c in page.crumbs] == ["apparel", "tops", "tees"]
    assert page.choice == {"colour": "Red", "size": "M"}
    assert page.chosen is not None and page.chosen.id == market.red_m


def test_a_choice_on_the_picker_selects_that_sku_and_unknown_values_are_ignored(rt: Runtime,
                                                                                market: Market) -> None:
    blue = service.product_page(rt, market.shirt, {"colour": "Blue", "size": "M"})
    assert blue.chosen is not None and blue.chosen.id == market.blue_m
    missing = service.product_page(rt, market.shirt, {"colour": "Blue", "size": "L"})
    assert missing.chosen is None
    bogus = service.product_page(rt, market.shirt, {"colour": "Purple", "fit": "slim"})
    assert bogus.choice == {"colour": "Red", "size": "M"}


@pytest.mark.parametrize("which", ["hidden", "unknown", "malformed"])
def test_a_delisted_unknown_or_malformed_product_is_not_found(rt: Runtime, market: Market, which: str) -> None:
    product_id = {"hidden": market.hidden, "unknown": market.rows.new_id(), "malformed": "../etc"}[which]
    with pytest.raises(ProductNotFound):
        service.product_page(rt, product_id)


def test_a_product_of_a_suspended_store_is_not_found(rt: Runtime, market: Market) -> None:
    with rt.uow() as uow:
        uow.conn.execute(stores.update().where(stores.c.id == market.corner).values(status="suspended"))
        uow.commit()
    with pytest.raises(ProductNotFound):
        service.product_page(rt, market.tea)
    with pytest.raises(service.StoreNotFound):
        service.store_page(rt, "leaf-and-cup")


def test_store_page_lists_its_products_and_tags(rt: Runtime, market: Market) -> None:
    page = service.store_page(rt, "leaf-and-cup")
    assert page.store.tags == ("handmade", "tea")
    assert [t.card.id for t in page.listing.tiles] == [market.tea]
    for slug in ("nobody-here", "Leaf-And-Cup", "leaf\x00cup", "x" * 49, ""):
        with pytest.raises(service.StoreNotFound):
            service.store_page(rt, slug)


def test_vertical_page_has_path_children_and_products_below_it(rt: Runtime, market: Market) -> None:
    page = service.vertical_page(rt, "tops")
    assert [c.slug for c in page.path] == ["apparel", "tops"]
    assert [c.slug for c in page.children] == ["tees"]
    assert [t.card.id for t in page.listing.tiles] == [market.shirt]
    with pytest.raises(CategoryNotFound):
        service.vertical_page(rt, "no-such-category")


def test_home_shows_each_vertical_with_its_newest_products_and_both_kinds_of_store(rt: Runtime,
                                                                                   market: Market) -> None:
    home = service.home(rt)
    assert [(s.category.slug, [t.card.id for t in s.tiles]) for s in home.shelves] == [
        ("apparel", [market.shirt]), ("food", [market.tea])]
    assert [s.slug for s in home.flagships] == ["acme-official"]
    assert [(s.slug, s.tags) for s in home.independents] == [("leaf-and-cup", ("handmade", "tea"))]


def test_facets_count_brands_kinds_stock_and_price_bands(rt: Runtime, market: Market) -> None:
    view = service.facets(rt, ListingFilters())
    assert view.counts.brands == [(market.acme, 1)]
    assert view.brands[market.acme].name_en == "Acme"
    assert view.counts.store_kinds == {"flagship": 1, "independent": 1}
    assert view.counts.in_stock == 2
    assert [n for _, _, n in view.counts.price_bands] == [0, 2, 0, 0, 0, 0, 0, 0]
    assert (view.counts.scanned, view.counts.exact) == (2, True)


def test_a_product_whose_skus_are_all_inactive_shows_no_picker(rt: Runtime, market: Market) -> None:
    bare = market.rows.product(market.corner, market.food, title_en="Empty Tin")
    market.rows.sku(bare, market.corner, {"size": "S"}, status="inactive")
    page = service.product_page(rt, bare)
    assert (page.skus, page.axes, page.chosen) == ([], [], None)


def test_a_category_created_after_the_tree_was_cached_is_found(rt: Runtime, market: Market) -> None:
    service.listing(rt, ListingFilters(category_id=market.food.id))  # caches the tree
    fresh = market.rows.category("drinks")
    tea = market.rows.product(market.corner, fresh, title_en="Oolong")
    assert [t.card.id for t in service.listing(rt, ListingFilters(category_id=fresh.id)).tiles] == [tea]
    assert service.vertical_page(rt, "drinks").category.id == fresh.id

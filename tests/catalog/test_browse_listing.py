"""catalog.browse listings on both engines: every filter, every sort, keyset pages, shoppers never see inactive."""

from __future__ import annotations

import pytest

from mercato.catalog import browse
from mercato.catalog.browse import ListingFilters
from mercato.kernel.errors import InputInvalid
from mercato.kernel.pagination import CursorInvalid
from mercato.kernel.runtime import Runtime
from storefront.catalog_rows import CatalogRows, Category


@pytest.fixture
def rows(rt: Runtime) -> CatalogRows:
    return CatalogRows(rt)


@pytest.fixture
def tree(rows: CatalogRows) -> dict[str, Category]:
    apparel = rows.category("apparel")
    tops = rows.category("tops", apparel)
    tees = rows.category("tees", tops)
    shirts = rows.category("shirts", tops)
    food = rows.category("food")
    return {"apparel": apparel, "tops": tops, "tees": tees, "shirts": shirts, "food": food}


def ids(rt: Runtime, **filters: object) -> list[str]:
    page = browse.listing(rt, ListingFilters(**filters))  # type: ignore[arg-type]
    return [card.id for card in page.items]


def test_newest_first_lists_only_active_products(rt: Runtime, rows: CatalogRows, tree: dict[str, Category]) -> None:
    shop = rows.store()
    first = rows.product(shop, tree["tees"])
    for status in ("draft", "pending_review", "rejected", "delisted"):
        rows.product(shop, tree["tees"], status=status)
    last = rows.product(shop, tree["shirts"])
    assert ids(rt) == [last, first]


@pytest.mark.parametrize("level", ["apparel", "tops", "tees"])
def test_category_filter_matches_any_level_of_the_path(rt: Runtime, rows: CatalogRows,
                                                        tree: dict[str, Category], level: str) -> None:
    shop = rows.store()
    tee = rows.product(shop, tree["tees"])
    shirt = rows.product(shop, tree["shirts"])
    rows.product(shop, tree["food"])
    expected = {"apparel": [shirt, tee], "tops": [shirt, tee], "tees": [tee]}[level]
    assert ids(rt, category_id=tree[level].id) == expected


def test_store_kind_brand_store_and_stock_filters_narrow_the_listing(rt: Runtime, rows: CatalogRows,
                                                                     tree: dict[str, Category]) -> None:
    acme, zeta = rows.brand("Acme"), rows.brand("Zeta")
    flagship, corner = rows.store("flagship", brand_id=acme), rows.store()
    a = rows.product(flagship, tree["tees"], store_kind="flagship", brand_id=acme)
    b = rows.product(corner, tree["tees"], brand_id=zeta, in_stock=False)
    c = rows.product(corner, tree["tees"])
    assert ids(rt, store_kind="flagship") == [a]
    assert ids(rt, store_kind="independent") == [c, b]
    assert ids(rt, brand_ids=(zeta, acme)) == [b, a]
    assert ids(rt, store_id=corner) == [c, b]
    assert ids(rt, in_stock=True) == [c, a]


def test_price_range_is_inclusive_on_the_lowest_sku_price(rt: Runtime, rows: CatalogRows,
                                                          tree: dict[str, Category]) -> None:
    shop = rows.store()
    cheap = rows.product(shop, tree["tees"], price=999)
    mid = rows.product(shop, tree["tees"], price=1000, max_price=9000)
    dear = rows.product(shop, tree["tees"], price=2000)
    assert ids(rt, min_price=1000) == [dear, mid]
    assert ids(rt, max_price=1000) == [mid, cheap]
    assert ids(rt, min_price=1000, max_price=1000) == [mid]


def test_text_query_matches_either_language_and_treats_wildcards_literally(
        rt: Runtime, rows: CatalogRows, tree: dict[str, Category]) -> None:
    shop = rows.store()
    tee = rows.product(shop, tree["tees"], title_en="Cotton Tee", title_zh="纯棉T恤")
    pct = rows.product(shop, tree["tees"], title_en="100% Wool", title_zh="羊毛衫")
    rows.product(shop, tree["tees"], title_en="Linen shirt", title_zh="亚麻衬衫")
    assert ids(rt, q="cotton") == [tee]
    assert ids(rt, q="纯棉") == [tee]
    assert ids(rt, q="0%") == [pct]
    assert ids(rt, q="_") == []
    assert ids(rt, q="   ") == ids(rt)


def test_sorts_by_price_and_sales_break_ties_by_id(rt: Runtime, rows: CatalogRows,
                                                  tree: dict[str, Category]) -> None:
    shop = rows.store()
    p1 = rows.product(shop, tree["tees"], price=300, sales=5)
    p2 = rows.product(shop, tree["tees"], price=100, sales=5)
    p3 = rows.product(shop, tree["tees"], price=300, sales=9)
    assert ids(rt, sort="price_asc") == [p2, p1, p3]
    assert ids(rt, sort="price_desc") == [p3, p1, p2]
    assert ids(rt, sort="sales") == [p3, p2, p1]
    assert ids(rt, sort="newest") == [p3, p2, p1]


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc", "sales"])
def test_pages_cover_every_product_exactly_once(rt: Runtime, rows: CatalogRows, tree: dict[str, Category],
                                                sort: str) -> None:
    shop = rows.store()
    made = {rows.product(shop, tree["tees"], price=100 * (i % 3 + 1), sales=i % 2) for i in range(11)}
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = browse.listing(rt, ListingFilters(sort=sort, limit=4, cursor=cursor))
        seen += [card.id for card in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(made) and set(seen) == made


def test_a_cursor_from_another_sort_or_a_forged_one_is_refused(rt: Runtime, rows: CatalogRows,
                                                              tree: dict[str, Category]) -> None:
    shop = rows.store()
    for _ in range(3):
        rows.product(shop, tree["tees"])
    cursor = browse.listing(rt, ListingFilters(limit=1)).next_cursor
    assert cursor is not None
    with pytest.raises(CursorInvalid):
        browse.listing(rt, ListingFilters(limit=1, cursor=cursor, sort="sales"))
    for forged in ("nonsense", "W10", browse.encode_cursor(["newest", 0, "not-an-id"])):
        with pytest.raises(CursorInvalid):
            browse.listing(rt, ListingFilters(cursor=forged))


@pytest.mark.parametrize(("filters", "code"), [
    ({"min_price": 500, "max_price": 100}, "price_range_invalid"),
    ({"min_price": -1}, "input_invalid"),
    ({"limit": 0}, "input_invalid"),
    ({"limit": 101}, "input_invalid"),
    ({"sort": "cheapest"}, "input_invalid"),
    ({"store_kind": "outlet"}, "input_invalid"),
    ({"brand_ids": ("x",)}, "input_invalid"),
    ({"q": "x" * 101}, "input_invalid"),
    ({"q": "tea\x00"}, "input_invalid"),
])
def test_bad_filters_are_refused_with_a_code(rt: Runtime, filters: dict[str, object], code: str) -> None:
    with pytest.raises(InputInvalid) as refused:
        browse.listing(rt, ListingFilters(**filters))  # type: ignore[arg-type]
    assert refused.value.code == code


def test_an_unknown_or_inactive_category_is_not_found(rt: Runtime, rows: CatalogRows) -> None:
    hidden = rows.category("hidden", active=False)
    for category_id in (hidden.id, rows.new_id(), "bogus"):
        with pytest.raises(browse.CategoryNotFound):
            browse.listing(rt, ListingFilters(category_id=category_id))

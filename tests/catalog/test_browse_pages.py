"""Keyset pages over random catalogs: every matching product appears exactly once, in sort order, on both engines."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mercato.catalog import browse
from mercato.catalog.browse import ListingFilters
from mercato.catalog.tables import products
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import SavepointUnitOfWorkFactory
from storefront.catalog_rows import CatalogRows

product_rows = st.lists(
    st.tuples(st.integers(1, 5), st.integers(0, 3), st.booleans(), st.sampled_from(["active", "active", "delisted"]),
              st.sampled_from(["flagship", "independent"])),
    max_size=30,
)


def expected_order(made: list[dict[str, Any]], sort: str) -> list[str]:
    keys = {
        "newest": lambda p: p["id"],
        "price_asc": lambda p: (p["min_price_minor"], p["id"]),
        "price_desc": lambda p: (p["min_price_minor"], p["id"]),
        "sales": lambda p: (p["sales_count"], p["id"]),
    }
    ordered = sorted(made, key=keys[sort], reverse=sort != "price_asc")
    return [p["id"] for p in ordered]


def walk(rt: Runtime, filters: ListingFilters) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(100):
        page = browse.listing(rt, ListingFilters(**{**_as_dict(filters), "cursor": cursor}))
        seen += [card.id for card in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("pagination did not end")


def _as_dict(filters: ListingFilters) -> dict[str, Any]:
    return {name: getattr(filters, name) for name in ListingFilters.__slots__}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=product_rows, sort=st.sampled_from(["newest", "price_asc", "price_desc", "sales"]),
       limit=st.integers(1, 7), in_stock=st.booleans(), kind=st.sampled_from([None, "flagship"]))
def test_pages_list_every_match_once_in_sort_order(rt: Runtime, spec: list[tuple[Any, ...]], sort: str, limit: int,
                                                   in_stock: bool, kind: str | None) -> None:
    assert isinstance(rt.uow, SavepointUnitOfWorkFactory)
    example = rt.uow.conn.begin_nested()  # undone after each example, so examples never see each other's rows
    try:
        rows = CatalogRows(rt)
        category = rows.category(f"c-{rows.new_id().lower()}")
        store = rows.store()
        for price, sales, stocked, status, store_kind in spec:
            rows.product(store, category, price=price * 100, sales=sales, in_stock=stocked, status=status,
                         store_kind=store_kind)
        made = [dict(r._mapping) for r in rt.uow.conn.execute(sa.select(products).where(
            products.c.vertical_id == category.id, products.c.status == "active"))]
        wanted = [p for p in made if (not in_stock or p["in_stock"]) and (kind is None or p["store_kind"] == kind)]
        filters = ListingFilters(category_id=category.id, sort=sort, limit=limit, in_stock=in_stock, store_kind=kind)
        assert walk(rt, filters) == expected_order(wanted, sort)
    finally:
        example.rollback()

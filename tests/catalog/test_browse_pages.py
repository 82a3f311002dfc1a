"""Keyset pages over random catalogs: every matching product appears exactly once, in sort order, on both engines."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mercato.catalog import browse, browse_repo
from mercato.catalog.browse import ListingFilters
from mercato.catalog.tables import products
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import SavepointUnitOfWorkFactory
from storefront.catalog_rows import CatalogRows

product_rows = st.lists(
    st.tuples(st.integers(1, 5), st.integers(0, 3), st.booleans(), st.sampled_from(["active", "active", "delisted"]),
              st.sampled_from(["flagship", "independent"]), st.booleans()),
    max_size=30,
)
listing_filters = st.fixed_dictionaries({
    "sort": st.sampled_from(["newest", "price_asc", "price_desc", "sales"]),
    "limit": st.integers(1, 7),
    "in_stock": st.booleans(),
    "kind": st.sampled_from([None, "flagship"]),
    "branded": st.booleans(),
    "price": st.sampled_from([(None, None), (200, None), (None, 300), (200, 400)]),
    # 0: every probe says "too many", so listings walk the sort order; 2000: they walk the small sets
    "probe_cap": st.sampled_from([0, 2000]),
})


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


def matches(p: dict[str, Any], f: dict[str, Any], brand: str) -> bool:
    low, high = f["price"]
    return ((not f["in_stock"] or p["in_stock"]) and (f["kind"] is None or p["store_kind"] == f["kind"])
            and (not f["branded"] or p["brand_id"] == brand)
            and (low is None or p["min_price_minor"] >= low) and (high is None or p["min_price_minor"] <= high))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=product_rows, f=listing_filters)
def test_pages_list_every_match_once_in_sort_order(rt: Runtime, monkeypatch: pytest.MonkeyPatch,
                                                   spec: list[tuple[Any, ...]], f: dict[str, Any]) -> None:
    assert isinstance(rt.uow, SavepointUnitOfWorkFactory)
    monkeypatch.setattr(browse_repo, "PROBE_CAP", f["probe_cap"])
    example = rt.uow.conn.begin_nested()  # undone after each example, so examples never see each other's rows
    try:
        rows = CatalogRows(rt)
        vertical = rows.category(f"v-{rows.new_id().lower()}")
        category = rows.category(f"c-{rows.new_id().lower()}", vertical)
        store, brand = rows.store(), rows.brand()
        for price, sales, stocked, status, store_kind, branded in spec:
            rows.product(store, category, price=price * 100, sales=sales, in_stock=stocked, status=status,
                         store_kind=store_kind, brand_id=brand if branded else None)
        made = [dict(r._mapping) for r in rt.uow.conn.execute(sa.select(products).where(
            products.c.vertical_id == vertical.id, products.c.status == "active"))]
        filters = ListingFilters(category_id=category.id, sort=f["sort"], limit=f["limit"], in_stock=f["in_stock"],
                                 store_kind=f["kind"], brand_ids=(brand,) if f["branded"] else (),
                                 min_price=f["price"][0], max_price=f["price"][1])
        assert walk(rt, filters) == expected_order([p for p in made if matches(p, f, brand)], f["sort"])
    finally:
        example.rollback()

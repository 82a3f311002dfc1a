"""The index follows the catalog in the same transaction: listing, editing, delisting, review, SKU prices, stock
and store suspension; the full reindex; the hourly sales refresh. On both databases."""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime

import pytest
import sqlalchemy as sa
from rich.console import Console

from catalog.catalog_helpers import Tree, build_tree, make_brand, open_store, person, tee_draft
from mercato.catalog import service as catalog
from mercato.catalog.model import ProductView
from mercato.kernel import jobs
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.search import service
from mercato.search.cli import reindex_with_progress
from mercato.search.indexing import REFRESH_EVERY, REFRESH_SALES_JOB, Indexer, reindex_all, reindex_products_in
from mercato.search.model import SearchFilters, SearchResult
from mercato.search.tables import search_documents
from mercato.stores import service as stores


@pytest.fixture
def operator(rt: Runtime) -> Principal:
    return person(rt, "ops@example.com", operator=True, name="Operator")


@pytest.fixture
def merchant(rt: Runtime) -> Principal:
    return person(rt, "li@example.com", name="Li Wei")


@pytest.fixture
def store_id(rt: Runtime, merchant: Principal) -> str:
    return open_store(rt, merchant, slug="tea-house")


@pytest.fixture
def tree(rt: Runtime, operator: Principal) -> Tree:
    return build_tree(rt, operator)


def find(rt: Runtime, query: str, filters: SearchFilters | None = None) -> SearchResult:
    with rt.uow(read_only=True) as uow:
        return service.search_in(uow, query, filters)


def ids(rt: Runtime, query: str, filters: SearchFilters | None = None) -> list[str]:
    return [hit.product_id for hit in find(rt, query, filters).hits]


def list_tee(rt: Runtime, merchant: Principal, store_id: str, tree: Tree, **overrides: object) -> ProductView:
    return catalog.create_product(rt, merchant, store_id, tee_draft(tree, **overrides))


def test_a_new_listing_is_found_by_its_titles_brand_attributes_and_description(
        rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    brand = make_brand(rt, "acme", protected=False)
    tee = list_tee(rt, merchant, store_id, tree, brand_id=brand, description_en="Breathable organic weave")
    for query in ("cotton tee", "纯棉T恤", "acme", "organic weave", "cotton", "柔软"):
        assert ids(rt, query) == [tee.id], query
    hit = find(rt, "tee").hits[0]
    assert (hit.price_min, hit.in_stock, hit.store_id, hit.vertical_id) == (9900, True, store_id, tree.apparel.id)


def test_a_delisted_product_is_never_served_and_a_relisted_one_returns(
        rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    tee = list_tee(rt, merchant, store_id, tree)
    catalog.delist_product(rt, merchant, tee.id)
    assert ids(rt, "cotton tee") == []
    catalog.relist_product(rt, merchant, tee.id)
    assert ids(rt, "cotton tee") == [tee.id]


def test_an_edit_reaches_the_index_in_the_same_transaction(
        rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    from mercato.catalog.edits import ProductEdit

    tee = list_tee(rt, merchant, store_id, tree)
    catalog.update_product(rt, merchant, tee.id, ProductEdit(title_en="Linen shirt"))
    assert (ids(rt, "linen shirt"), ids(rt, "cotton")) == ([tee.id], [tee.id])  # the description stays cotton
    assert [(h.tier, h.title_en) for h in find(rt, "cotton tee").hits] == [(1, "Linen shirt")]


def test_a_listing_waiting_for_review_is_served_only_once_approved(
        rt: Runtime, operator: Principal, merchant: Principal, store_id: str, tree: Tree) -> None:
    pill = catalog.create_product(rt, merchant, store_id, tee_draft(tree, category_id=tree.medicine.id,
                                                                    title_en="Vitamin pills", attributes={}))
    assert ids(rt, "vitamin") == []
    catalog.approve_product(rt, operator, pill.id)
    assert ids(rt, "vitamin") == [pill.id]


def test_sku_prices_and_stock_flips_follow_into_the_filters(
        rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    tee = list_tee(rt, merchant, store_id, tree)
    cheap = SearchFilters(price_max=5000)
    assert ids(rt, "tee", cheap) == []
    catalog.set_sku_price(rt, merchant, tee.skus[0].id, 4900)
    assert ids(rt, "tee", cheap) == [tee.id]
    catalog.set_sku_stock(rt, merchant, tee.skus[0].id, 0)
    assert ids(rt, "tee", SearchFilters(in_stock=True)) == []
    catalog.set_sku_stock(rt, merchant, tee.skus[1].id, 3)
    assert ids(rt, "tee", SearchFilters(in_stock=True)) == [tee.id]


def test_a_suspended_stores_goods_leave_the_results_and_come_back_on_reinstatement(
        rt: Runtime, operator: Principal, merchant: Principal, store_id: str, tree: Tree) -> None:
    tee = list_tee(rt, merchant, store_id, tree)
    stores.suspend_store(rt, operator, store_id, "counterfeit complaints")
    assert ids(rt, "cotton tee") == []
    stores.reinstate_store(rt, operator, store_id)
    assert ids(rt, "cotton tee") == [tee.id]


def test_a_refused_change_leaves_the_index_as_it_was(
        rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    from mercato.catalog.edits import ProductEdit
    from mercato.catalog.model import ListingRejected

    tee = list_tee(rt, merchant, store_id, tree)
    with pytest.raises(ListingRejected):
        catalog.update_product(rt, merchant, tee.id, ProductEdit(title_en=""))
    assert ids(rt, "cotton tee") == [tee.id]


@contextmanager
def counted(uow: UnitOfWork) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    sa.event.listen(uow.conn, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(uow.conn, "before_cursor_execute", record)


def test_reindexing_many_products_costs_the_same_statements_as_one(
        rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    brand = make_brand(rt, "acme", protected=False)
    made = [list_tee(rt, merchant, store_id, tree, brand_id=brand if i % 2 else None, skus=tuple(
        replace(sku, code=f"{sku.code}-{i}") for sku in tee_draft(tree).skus)) for i in range(12)]

    with rt.uow() as uow:
        with counted(uow) as one:
            reindex_products_in(uow, [made[1].id], rt.clock.now())
        with counted(uow) as many:
            reindex_products_in(uow, [p.id for p in made], rt.clock.now())
    assert len(one) == len(many) <= 6


def test_the_full_reindex_rebuilds_every_document_and_can_run_again(
        rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    made = [list_tee(rt, merchant, store_id, tree, skus=tuple(replace(sku, code=f"{sku.code}-{i}")
                                                            for sku in tee_draft(tree).skus)) for i in range(3)]
    with rt.uow() as uow:
        uow.conn.execute(search_documents.delete())
        uow.commit()
    steps: list[tuple[int, int]] = []
    first = reindex_all(rt, batch=2, progress=lambda done, total: steps.append((done, total)))
    again = reindex_all(rt, batch=2)
    assert (first.products, first.documents, again.documents, steps) == (3, 3, 3, [(2, 3), (3, 3)])
    assert sorted(ids(rt, "cotton tee")) == sorted(p.id for p in made)


def test_the_reindex_command_shows_its_progress_and_counts(
        rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    list_tee(rt, merchant, store_id, tree)
    out = Console(file=io.StringIO(), width=100)
    products, shops, rate = reindex_with_progress(rt, out, 100)
    assert (products, shops, rate > 0) == (1, 1, True)
    assert "Products" in out.file.getvalue()  # type: ignore[attr-defined]


def test_the_sales_refresh_sets_every_documents_recent_sales_and_books_the_next_hour(
        rt: Runtime, merchant: Principal, store_id: str, tree: Tree) -> None:
    tee = list_tee(rt, merchant, store_id, tree)
    other = list_tee(rt, merchant, store_id, tree, title_en="Wool tee", skus=tuple(
        replace(sku, code=f"{sku.code}-W") for sku in tee_draft(tree).skus))
    sales = {tee.id: 7}

    def sold(uow: UnitOfWork, now: datetime) -> Mapping[str, int]:
        return dict(sales)

    indexer = Indexer(sales=sold)
    indexer.refresh_sales_job(rt, {})
    assert {h.product_id: h.sales for h in find(rt, "tee").hits} == {tee.id: 7, other.id: 0}
    sales.clear()
    sales[other.id] = 2
    indexer.job_handlers[REFRESH_SALES_JOB](rt, {})
    assert {h.product_id: h.sales for h in find(rt, "tee").hits} == {tee.id: 0, other.id: 2}
    with rt.uow(read_only=True) as uow:
        booked = [j for j in jobs.list_jobs(uow, "queued", limit=50) if j.kind == REFRESH_SALES_JOB]
    assert [j.run_at for j in booked] == [rt.clock.now() + REFRESH_EVERY]  # both runs booked the same hour
    catalog.set_sku_price(rt, merchant, tee.skus[0].id, 5900)
    assert {h.product_id: h.sales for h in find(rt, "tee").hits} == {tee.id: 0, other.id: 2}  # kept on rebuild

"""The index follows the catalog: product documents rebuilt in the transaction that changed the products (the
`ProductsChanged` and `StoreStatusChanged` events, subscribed in mercato.wiring), the full rebuild behind
`mercato search reindex`, and the hourly refresh of recent sales.

A document is served only while the product is active (listed and approved) and its store is active. Recent
sales come from trade, which sits above search: the composition root provides a `SalesSource`, which the hourly
job (booked by every reindex, then by each run) reads in one aggregate. Rebuilding a document keeps its sales
figure, so no catalog change waits on trade; a new document starts from the catalog's own `sales_count`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mercato.catalog import service as catalog
from mercato.catalog.model import ProductsChanged, ProductStatus, ProductView
from mercato.kernel import jobs
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.search.model import SearchDocument
from mercato.search.repo import backend_for, product_ids_of_store
from mercato.search.service import document_row
from mercato.search.shops import enqueue_shop_refresh_in
from mercato.stores import service as stores
from mercato.stores.model import BrandView, StoreStatusChanged, StoreView

# (uow, now) -> recent sales per product (paid units over SALES_WINDOW before now); a product absent from the
# answer sold nothing. One aggregate statement.
SalesSource = Callable[[UnitOfWork, datetime], Mapping[str, int]]
SALES_WINDOW = timedelta(days=30)
BATCH = 500
DESCRIPTION_CHARS = 2_000  # description words beyond this add little to matching and cost analysis time
REFRESH_SALES_JOB = "search.refresh_sales"
REFRESH_EVERY = timedelta(hours=1)


def _text(product: ProductView, brand: BrandView | None) -> str:
    brand_names = f"{brand.name_en} {brand.name_zh}" if brand is not None else ""
    return " ".join([brand_names, *product.attributes.values(), product.description_en[:DESCRIPTION_CHARS],
                     product.description_zh[:DESCRIPTION_CHARS]])


def document_of(product: ProductView, store: StoreView | None, brand: BrandView | None, sales: int,
                now: datetime) -> SearchDocument:
    """The product as the index sees it; served only when the product and its store are both active."""
    active = product.status is ProductStatus.ACTIVE and store is not None and store.is_active
    return SearchDocument(
        product_id=product.id, store_id=product.store_id, vertical_id=product.vertical_id,
        store_kind=product.store_kind, title_en=product.title_en, title_zh=product.title_zh,
        price_min=product.min_price_minor, updated_at=now, brand_id=product.brand_id, text=_text(product, brand),
        sales=sales, in_stock=product.in_stock, active=active, created_at=product.created_at)


def reindex_products_in(uow: UnitOfWork, product_ids: Sequence[str], now: datetime, *,
                        remove_missing: bool = True) -> list[SearchDocument]:
    """Rebuild these products' documents (a product gone from the catalog leaves the index, unless told otherwise)
    in a fixed number of statements per batch of 500, whatever the batch holds; the documents written."""
    wanted = list(dict.fromkeys(product_ids))
    written: list[SearchDocument] = []
    for start in range(0, len(wanted), BATCH):
        written += _reindex_batch(uow, wanted[start:start + BATCH], now, remove_missing)
    return written


def _reindex_batch(uow: UnitOfWork, ids: list[str], now: datetime, remove_missing: bool) -> list[SearchDocument]:
    found = catalog.products_by_ids_in(uow, ids)
    products = [found[pid] for pid in ids if pid in found]
    shops = stores.stores_by_ids_in(uow, {p.store_id for p in products}) if products else {}
    brand_ids = {p.brand_id for p in products if p.brand_id is not None}
    brands = stores.brands_by_ids_in(uow, brand_ids) if brand_ids else {}
    docs = [document_of(p, shops.get(p.store_id), brands.get(p.brand_id) if p.brand_id else None, p.sales_count,
                        now) for p in products]
    backend = backend_for(uow.conn)
    backend.upsert([document_row(doc) for doc in docs], keep=("sales", "rating", "service_score"))  # see ratings.py
    if remove_missing:
        backend.delete([pid for pid in ids if pid not in found])
    return docs


@dataclass(frozen=True, slots=True)
class Indexer:
    """The catalog hooks and the sales job, holding the sales source the composition root provides."""

    sales: SalesSource | None = None

    def on_products_changed(self, rt: Runtime, uow: UnitOfWork, event: ProductsChanged) -> None:
        """The products' documents now, and their stores' shop documents soon (a keyed job per store)."""
        now = rt.clock.now()
        docs = reindex_products_in(uow, event.product_ids, now)
        for store_id in sorted({doc.store_id for doc in docs}):
            enqueue_shop_refresh_in(uow, store_id, now)

    def on_store_status_changed(self, rt: Runtime, uow: UnitOfWork, event: StoreStatusChanged) -> None:
        """A suspended store's goods leave the results at once, and come back on reinstatement (subscribed after
        catalog's own handler, so the products' statuses have already moved)."""
        reindex_products_in(uow, product_ids_of_store(uow.conn, event.store_id), rt.clock.now(),
                            remove_missing=False)

    def refresh_sales_job(self, rt: Runtime, payload: Mapping[str, Any]) -> None:
        """Set every document's recent sales, then book the next hourly run."""
        now = rt.clock.now()
        if self.sales is not None:
            refresh_sales(rt, self.sales, now)
        with rt.uow() as uow:
            schedule_sales_refresh_in(uow, now + REFRESH_EVERY)
            uow.commit()

    @property
    def job_handlers(self) -> dict[str, jobs.Handler]:
        return {REFRESH_SALES_JOB: self.refresh_sales_job}


def refresh_sales(rt: Runtime, sales: SalesSource, now: datetime) -> int:
    """Every document's recent sales in one transaction (one aggregate read; only documents whose figure changed
    are written); how many documents changed."""
    with rt.uow() as uow:
        changed = backend_for(uow.conn).replace_sales({pid: int(n) for pid, n in sales(uow, now).items()})
        uow.commit()
    return changed


def schedule_sales_refresh_in(uow: UnitOfWork, at: datetime) -> None:
    """One refresh per hour however many ask (the job's key is its hour)."""
    hour = at.replace(minute=0, second=0, microsecond=0)
    jobs.enqueue(uow, REFRESH_SALES_JOB, {}, now=at, run_at=at, key=f"{REFRESH_SALES_JOB}:{hour.isoformat()}")


@dataclass(frozen=True, slots=True)
class ReindexReport:
    products: int
    documents: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.products / self.seconds if self.seconds > 0 else 0.0


def reindex_all(rt: Runtime, batch: int = BATCH, progress: Callable[[int, int], None] | None = None) -> ReindexReport:
    """Rebuild every product's document, one transaction per batch (safe to re-run: documents are replaced),
    reporting (done, total) after each batch; then book a sales refresh for the worker at once."""
    started = time.perf_counter()
    with rt.uow(read_only=True) as uow:
        total = catalog.product_count_in(uow)
    done = written = 0
    after: str | None = None
    while True:
        with rt.uow() as uow:
            ids = catalog.product_ids_after_in(uow, after, batch)
            if not ids:
                break
            written += len(reindex_products_in(uow, ids, rt.clock.now()))
            uow.commit()
        after, done = ids[-1], done + len(ids)
        if progress is not None:
            progress(done, max(total, done))
    with rt.uow() as uow:
        schedule_sales_refresh_in(uow, rt.clock.now())
        uow.commit()
    return ReindexReport(done, written, time.perf_counter() - started)

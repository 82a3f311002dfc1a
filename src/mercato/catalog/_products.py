"""Product use cases for merchants: list a product with its SKUs and stock, edit it, delist and relist it.

Also the read helpers other capabilities use inside their own transaction, and the stock event handler.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from mercato.catalog._access import PRODUCTS, product_for_staff, staff_store_in
from mercato.catalog._listing import content_columns, refuse_broken_listing
from mercato.catalog.edits import ProductEdit, StockedSku, apply_edit, draft_of
from mercato.catalog.model import (
    ProductDraft,
    ProductNotFound,
    ProductsChanged,
    ProductStatus,
    ProductView,
    SkuStatus,
    SkuView,
    initial_status,
    price_range,
    status_after_delist,
    status_after_edit,
    status_after_relist,
)
from mercato.catalog.repo_products import ProductRepo
from mercato.inventory import service as inventory
from mercato.inventory.model import StockLevelChanged
from mercato.kernel.idgen import new_id
from mercato.kernel.pagination import Page, clamp_limit, decode_id_cursor, page_by_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.stores import service as stores_service
from mercato.stores.model import StoreStatus, StoreStatusChanged, StoreView


def create_product(rt: Runtime, principal: Principal, store_id: str, draft: ProductDraft) -> ProductView:
    """List a product with its SKUs and their opening stock; live at once unless its category is restricted."""
    with rt.uow() as uow:
        store = staff_store_in(uow, principal, store_id, PRODUCTS)
        stores_service.require_active_store_in(uow, store_id)
        now = rt.clock.now()
        tree = refuse_broken_listing(uow, store, draft, now)
        product_id = new_id()
        status = initial_status(tree.is_restricted(draft.category_id))
        ProductRepo(uow.conn).insert_product(_new_row(product_id, store, draft, status, now)
                                             | content_columns(draft, tree))
        _insert_skus(uow, principal, product_id, store.id, draft, now)
        rt.events.publish(uow, ProductsChanged((product_id,)))
        product = get_product_in(uow, product_id)
        uow.commit()
    return product


def _new_row(product_id: str, store: StoreView, draft: ProductDraft, status: ProductStatus,
             now: datetime) -> dict[str, Any]:
    prices = [s.price_minor for s in draft.skus]
    return {"id": product_id, "store_id": store.id, "store_kind": store.kind.value, "status": status.value,
            "min_price_minor": min(prices), "max_price_minor": max(prices),
            "in_stock": any(s.stock > 0 for s in draft.skus), "sales_count": 0, "created_at": now,
            "updated_at": now}


def _insert_skus(uow: UnitOfWork, principal: Principal, product_id: str, store_id: str, draft: ProductDraft,
                 now: datetime) -> None:
    ids = [new_id() for _ in draft.skus]
    ProductRepo(uow.conn).insert_skus([
        {"id": sku_id, "product_id": product_id, "store_id": store_id, "code": sku.code,
         "options": {k.strip(): v.strip() for k, v in sku.options.items()}, "price_minor": sku.price_minor,
         "list_price_minor": sku.list_price_minor, "status": SkuStatus.ACTIVE.value, "position": i}
        for i, (sku_id, sku) in enumerate(zip(ids, draft.skus, strict=True))])
    for sku_id, sku in zip(ids, draft.skus, strict=True):
        inventory.init_stock_in(uow, sku_id, product_id, store_id, sku.stock, principal.user_id, now)


def update_product(rt: Runtime, principal: Principal, product_id: str, edit: ProductEdit) -> ProductView:
    """Change the content; checked by the listing rules again, and back to review if the category is restricted."""
    with rt.uow() as uow:
        product, store = product_for_staff(uow, principal, product_id, lock=True)
        stores_service.require_active_store_in(uow, store.id)
        draft = apply_edit(draft_of(product), edit)
        now = rt.clock.now()
        tree = refuse_broken_listing(uow, store, draft, now, product_id)
        status = status_after_edit(product.status, tree.is_restricted(draft.category_id))
        ProductRepo(uow.conn).update(product_id, **content_columns(draft, tree), **_status_columns(
            product, status), updated_at=now)
        rt.events.publish(uow, ProductsChanged((product_id,)))
        updated = get_product_in(uow, product_id)
        uow.commit()
    return updated


def _status_columns(product: ProductView, status: ProductStatus) -> dict[str, Any]:
    # A status change starts a new review round, so the last reviewer's note no longer applies.
    if status == product.status:
        return {}
    return {"status": status.value, "review_note": None}


def delist_product(rt: Runtime, principal: Principal, product_id: str) -> ProductView:
    with rt.uow() as uow:
        product, _ = product_for_staff(uow, principal, product_id, lock=True)
        status = status_after_delist(product.status)
        ProductRepo(uow.conn).update(product_id, status=status.value, updated_at=rt.clock.now())
        rt.events.publish(uow, ProductsChanged((product_id,)))
        updated = get_product_in(uow, product_id)
        uow.commit()
    return updated


def relist_product(rt: Runtime, principal: Principal, product_id: str) -> ProductView:
    """Back on sale, after the listing rules are checked again (they may have changed while it was off)."""
    with rt.uow() as uow:
        product, store = product_for_staff(uow, principal, product_id, lock=True)
        status_after_relist(product.status, False)  # refuse early, before any rule is evaluated
        stores_service.require_active_store_in(uow, store.id)
        tree = refuse_broken_listing(uow, store, draft_of(product), rt.clock.now(), product_id)
        status = status_after_relist(product.status, tree.is_restricted(product.category_id))
        ProductRepo(uow.conn).update(product_id, status=status.value, review_note=None, updated_at=rt.clock.now())
        rt.events.publish(uow, ProductsChanged((product_id,)))
        updated = get_product_in(uow, product_id)
        uow.commit()
    return updated


def list_store_products(rt: Runtime, principal: Principal, store_id: str, status: ProductStatus | None = None,
                        cursor: str | None = None, limit: int | None = None) -> Page[ProductView]:
    """The store's products, newest first (without SKUs)."""
    size = clamp_limit(limit, default=24)
    before = decode_id_cursor(cursor)
    with rt.uow(read_only=True) as uow:
        staff_store_in(uow, principal, store_id, PRODUCTS)
        rows = ProductRepo(uow.conn).store_page(store_id, status, before, size + 1)
    return page_by_id(rows, size)


def stock_totals(rt: Runtime, principal: Principal, store_id: str, product_ids: list[str]) -> dict[str, int]:
    """Units available per product of the store, for the merchant's product list."""
    with rt.uow(read_only=True) as uow:
        staff_store_in(uow, principal, store_id, PRODUCTS)
        totals = inventory.product_totals_in(uow, product_ids)
    return {pid: n for pid, n in totals.items() if pid in set(product_ids)}


def get_product_for_merchant(rt: Runtime, principal: Principal, product_id: str
                             ) -> tuple[ProductView, list[StockedSku]]:
    with rt.uow(read_only=True) as uow:
        product, _ = product_for_staff(uow, principal, product_id)
        levels = inventory.availability_in(uow, [s.id for s in product.skus])
    return product, [StockedSku(s, levels[s.id].available if s.id in levels else 0,
                                levels[s.id].reserved if s.id in levels else 0) for s in product.skus]


def get_product_in(uow: UnitOfWork, product_id: str) -> ProductView:
    """Any product with its SKUs, whatever its status (callers decide what a shopper may see)."""
    product = ProductRepo(uow.conn).get(product_id)
    if product is None:
        raise ProductNotFound(field="product_id")
    return product


def products_by_ids_in(uow: UnitOfWork, product_ids: Iterable[str]) -> dict[str, ProductView]:
    """Products by id in one query, without SKUs (absent ids are simply missing)."""
    return ProductRepo(uow.conn).by_ids(product_ids)


def product_ids_after_in(uow: UnitOfWork, after_id: str | None, limit: int) -> list[str]:
    """Every product's id, whatever its status, in id order one keyset page at a time (search's reindex walks it)."""
    return ProductRepo(uow.conn).ids_after(after_id, limit)


def product_count_in(uow: UnitOfWork) -> int:
    return ProductRepo(uow.conn).count_all()


def skus_by_ids_in(uow: UnitOfWork, sku_ids: list[str]) -> dict[str, SkuView]:
    return ProductRepo(uow.conn).skus_by_ids(sku_ids)


def refresh_product_facts_in(uow: UnitOfWork, product_id: str, now: datetime) -> None:
    """Recompute the denormalised price range and stock flag after a SKU changed."""
    repo = ProductRepo(uow.conn)
    skus = repo.skus_of(product_id)
    low, high = price_range(skus)
    repo.update(product_id, min_price_minor=low, max_price_minor=high, updated_at=now)
    repo.set_in_stock(product_id, _active_skus_in_stock(uow, skus))


def _active_skus_in_stock(uow: UnitOfWork, skus: list[SkuView]) -> bool:
    # Only active SKUs count: stock of a withdrawn SKU cannot be bought.
    active = [s.id for s in skus if s.status is SkuStatus.ACTIVE]
    return any(level.available > 0 for level in inventory.availability_in(uow, active).values())


def on_store_status_changed(rt: Runtime, uow: UnitOfWork, event: StoreStatusChanged) -> None:
    """A suspended store's goods leave the storefront, and come back as they were on reinstatement."""
    active, hidden = ProductStatus.ACTIVE.value, ProductStatus.STORE_SUSPENDED.value
    source, target = (active, hidden) if event.status is StoreStatus.SUSPENDED else (hidden, active)
    ProductRepo(uow.conn).move_store_products(event.store_id, source, target, rt.clock.now())


def on_stock_level_changed(rt: Runtime, uow: UnitOfWork, event: StockLevelChanged) -> None:
    """Keep products.in_stock = some active SKU has stock (subscribed in mercato.wiring); only a flip of the flag
    is news to search, so most stock changes (every order) publish nothing."""
    repo = ProductRepo(uow.conn)
    in_stock = event.available_total > 0 and _active_skus_in_stock(uow, repo.skus_of(event.product_id))
    if repo.set_in_stock(event.product_id, in_stock):
        rt.events.publish(uow, ProductsChanged((event.product_id,)))

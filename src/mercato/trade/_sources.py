"""What trade reads from the capabilities below it, in one batch each: SKUs, their products, their stores, their
stock, and commission rates. No per-line query: a cart of any size costs the same handful of statements.
"""

from __future__ import annotations

from collections.abc import Iterable

from mercato.catalog import service as catalog
from mercato.catalog.model import ProductStatus, ProductView, SkuStatus, SkuView
from mercato.inventory import service as inventory
from mercato.kernel.uow import UnitOfWork
from mercato.stores import service as stores
from mercato.stores.model import StoreView
from mercato.trade.model import SkuFacts, StoreFacts

MAX_LABEL = 300
UNLIMITED = 10**9  # "available" when placement leaves the stock decision to the reservation itself


def sku_facts_in(uow: UnitOfWork, sku_ids: Iterable[str], *,
                 with_stock: bool = True) -> tuple[dict[str, SkuFacts], dict[str, StoreFacts]]:
    """Facts for every SKU that exists among `sku_ids` (absent ones are gone), and their stores.

    Without stock (placement) `available` is left unlimited: the all-or-nothing reservation decides on locked rows.
    """
    ids = sorted(set(sku_ids))
    skus = catalog.skus_by_ids_in(uow, ids) if ids else {}
    products = products_in(uow, {s.product_id for s in skus.values()})
    store_views = stores.stores_by_ids_in(uow, {s.store_id for s in skus.values()}) if skus else {}
    levels = inventory.availability_in(uow, list(skus)) if with_stock and skus else {}
    facts = {}
    for sku in skus.values():
        product, store = products.get(sku.product_id), store_views.get(sku.store_id)
        if product is None or store is None:
            continue
        available = levels[sku.id].available if sku.id in levels else (0 if with_stock else UNLIMITED)
        facts[sku.id] = _facts(sku, product, store, available)
    return facts, {s.id: StoreFacts(s.id, s.name_en, s.name_zh, s.kind.value) for s in store_views.values()}


def _facts(sku: SkuView, product: ProductView, store: StoreView, available: int) -> SkuFacts:
    return SkuFacts(sku.id, sku.product_id, sku.store_id, store.kind.value, product.vertical_id, product.title_en,
                    product.title_zh, sku.label[:MAX_LABEL], sku.price_minor, sku.status is SkuStatus.ACTIVE,
                    product.status is ProductStatus.ACTIVE, store.is_active, available)


def products_in(uow: UnitOfWork, product_ids: Iterable[str]) -> dict[str, ProductView]:
    """The products, in one query."""
    return catalog.products_by_ids_in(uow, product_ids)


def commission_rates_in(uow: UnitOfWork, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Basis points per (vertical, store kind), in one query."""
    return catalog.commission_rates_in(uow, pairs)

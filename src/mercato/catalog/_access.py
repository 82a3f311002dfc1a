"""Loading products and SKUs for the merchant who may act on them, and the operator gate.

A product or SKU of a store the principal is not staff of is `not_found`, exactly like an unknown id.
"""

from __future__ import annotations

from mercato.catalog.model import ProductNotFound, ProductView, SkuNotFound, SkuView
from mercato.catalog.repo_products import ProductRepo
from mercato.kernel.errors import AccessDenied, EntityNotFound
from mercato.kernel.principal import Principal
from mercato.kernel.uow import UnitOfWork
from mercato.stores import service as stores_service
from mercato.stores.model import Permission, StoreView

PRODUCTS = Permission.PRODUCTS


def require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise AccessDenied("Only platform operators may do this")


def staff_store_in(uow: UnitOfWork, principal: Principal, store_id: str,
                   permission: Permission = PRODUCTS) -> StoreView:
    return stores_service.require_staff_in(uow, principal, store_id, permission)


def product_for_staff(uow: UnitOfWork, principal: Principal, product_id: str,
                      *, lock: bool = False) -> tuple[ProductView, StoreView]:
    """The product (locked for update when asked: edits of one product run one at a time) and its store."""
    product = ProductRepo(uow.conn).get(product_id, lock=lock)
    if product is None:
        raise ProductNotFound(field="product_id")
    try:
        store = staff_store_in(uow, principal, product.store_id)
    except EntityNotFound as exc:
        raise ProductNotFound(field="product_id") from exc
    return product, store


def sku_for_staff(uow: UnitOfWork, principal: Principal, sku_id: str) -> tuple[ProductView, SkuView, StoreView]:
    sku = ProductRepo(uow.conn).sku(sku_id)
    if sku is None:
        raise SkuNotFound(field="sku_id")
    try:
        product, store = product_for_staff(uow, principal, sku.product_id, lock=True)
    except ProductNotFound as exc:
        raise SkuNotFound(field="sku_id") from exc
    current = next(s for s in product.skus if s.id == sku_id)
    return product, current, store

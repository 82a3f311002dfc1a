"""What the merchant pages need besides products: the store they act in (for the sidebar) and brand choices."""

from __future__ import annotations

from mercato.catalog._access import staff_store_in
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import service as stores_service
from mercato.stores.model import BrandView, Permission, StoreView


def workbench_store(rt: Runtime, principal: Principal, store_id: str, permission: str = "products") -> StoreView:
    """The store if the principal is its staff with `permission` ("products" or "stock"); 404 for strangers."""
    with rt.uow(read_only=True) as uow:
        return staff_store_in(uow, principal, store_id, Permission(permission))


def brand_choices(rt: Runtime) -> list[BrandView]:
    return stores_service.list_brands(rt)

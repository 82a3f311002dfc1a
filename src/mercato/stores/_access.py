"""Who may act on a store: the operator check, the staff gate every merchant use case passes, store loading."""

from __future__ import annotations

from collections.abc import Iterable

from mercato.kernel.errors import AccessDenied, EntityNotFound
from mercato.kernel.principal import Principal
from mercato.kernel.uow import UnitOfWork
from mercato.stores.errors import PermissionMissing, StoreNotActive
from mercato.stores.model import Permission, StaffMember, StoreView, effective_permissions
from mercato.stores.repo import StaffRepo, StoreRepo


def require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise AccessDenied("Only platform operators may do this")


def store_not_found() -> EntityNotFound:
    return EntityNotFound("Store not found", entity="store")


def get_store_in(uow: UnitOfWork, store_id: str) -> StoreView:
    """The store, whatever its status; EntityNotFound for an unknown id."""
    store = StoreRepo(uow.conn).get(store_id)
    if store is None:
        raise store_not_found()
    return store


def stores_by_ids_in(uow: UnitOfWork, ids: Iterable[str]) -> dict[str, StoreView]:
    """The stores among `ids` that exist, keyed by id (unknown ids are simply absent)."""
    return StoreRepo(uow.conn).by_ids(ids)


def staff_member_in(uow: UnitOfWork, principal: Principal, store_id: str) -> StaffMember:
    """The principal's membership of the store; a stranger gets the same 404 as for a store that does not exist,
    so store-scoped ids reveal nothing. Operators are not implicitly staff."""
    member = StaffRepo(uow.conn).member(store_id, principal.user_id)
    if member is None:
        raise store_not_found()
    return member


def require_staff_in(uow: UnitOfWork, principal: Principal, store_id: str,
                     permission: Permission | None) -> StoreView:
    """The gate of every merchant use case: the store if the principal is its staff holding `permission`
    (None: any membership). EntityNotFound for strangers, PermissionMissing for staff without it."""
    member = staff_member_in(uow, principal, store_id)
    if permission is not None and permission not in effective_permissions(member.role, member.permissions):
        raise PermissionMissing(f"This needs the '{permission.value}' permission", permission=permission.value)
    return get_store_in(uow, store_id)


def require_active_store_in(uow: UnitOfWork, store_id: str) -> StoreView:
    """For actions that publish goods: a suspended store may not."""
    store = get_store_in(uow, store_id)
    if not store.is_active:
        raise StoreNotActive(store_id=store_id)
    return store

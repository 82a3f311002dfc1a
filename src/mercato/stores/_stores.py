"""Store use cases: public reads, the merchant's own stores and profile, the operator's suspend and reinstate."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mercato.audit import service as audit
from mercato.kernel.errors import InputInvalid
from mercato.kernel.ids import is_valid_id
from mercato.kernel.pagination import (
    Page,
    clamp_limit,
    decode_id_cursor,
    page_by_id,
)
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores._access import get_store_in, require_operator, require_staff_in, store_not_found
from mercato.stores.errors import StoreStatusConflict
from mercato.stores.model import (
    Membership,
    Permission,
    StoreKind,
    StoreProfileChanged,
    StoreStatus,
    StoreStatusChanged,
    StoreView,
    change_store_status,
    effective_permissions,
    normalize_description,
    normalize_image_url,
    normalize_names,
    normalize_reason,
    normalize_tag,
    normalize_tags,
)
from mercato.stores.repo import StaffRepo, StoreRepo


@dataclass(frozen=True, slots=True)
class ProfileDraft:
    """A profile change: None leaves a field as it is; logo_url "" removes the logo."""

    name_en: str | None = None
    name_zh: str | None = None
    description_en: str | None = None
    description_zh: str | None = None
    logo_url: str | None = None


def get_store(rt: Runtime, store_id: str) -> StoreView:
    with rt.uow(read_only=True) as uow:
        return get_store_in(uow, store_id)


def get_store_by_slug(rt: Runtime, slug: str) -> StoreView:
    with rt.uow(read_only=True) as uow:
        store = StoreRepo(uow.conn).get_by_slug(slug.strip().lower())
    if store is None:
        raise store_not_found()
    return store


def find_store(rt: Runtime, id_or_slug: str) -> StoreView:
    """A store by its id or its slug (an id is tried first; slugs are lower-case so they never look like one)."""
    with rt.uow(read_only=True) as uow:
        repo = StoreRepo(uow.conn)
        store = repo.get(id_or_slug) if is_valid_id(id_or_slug) else None
        store = store or repo.get_by_slug(id_or_slug.strip().lower())
    if store is None:
        raise store_not_found()
    return store


def list_stores(rt: Runtime, kind: StoreKind | None = None, status: StoreStatus | None = None,
                tag: str | None = None, cursor: str | None = None, limit: int | None = 24) -> Page[StoreView]:
    """Stores newest first, filtered by kind, status and one tag."""
    size = clamp_limit(limit)
    wanted_tag = normalize_tag(tag) if tag else None
    after = decode_id_cursor(cursor)
    with rt.uow(read_only=True) as uow:
        rows = StoreRepo(uow.conn).page(kind, status, wanted_tag, after, size + 1)
    return page_by_id(rows, size)



def my_stores(rt: Runtime, principal: Principal) -> list[Membership]:
    """Every store the principal works in, with their role and effective permissions."""
    with rt.uow(read_only=True) as uow:
        members = StaffRepo(uow.conn).of_user(principal.user_id)
        stores = StoreRepo(uow.conn).by_ids(m.store_id for m in members)
    return [Membership(store=stores[m.store_id], role=m.role,
                       permissions=effective_permissions(m.role, m.permissions))
            for m in members if m.store_id in stores]


def stores_with(rt: Runtime, principal: Principal, permission: Permission) -> list[Membership]:
    """The stores the principal works in with this permission (the stores a merchant page may act for)."""
    return [m for m in my_stores(rt, principal) if permission in m.permissions]


def membership(rt: Runtime, principal: Principal, store_id: str) -> Membership:
    """The principal's membership of one store (404 for strangers), for the workbench pages."""
    with rt.uow(read_only=True) as uow:
        store = require_staff_in(uow, principal, store_id, None)
        member = StaffRepo(uow.conn).member(store_id, principal.user_id)
    assert member is not None
    return Membership(store=store, role=member.role,
                      permissions=effective_permissions(member.role, member.permissions))


def update_store_profile(rt: Runtime, principal: Principal, store_id: str, draft: ProfileDraft) -> StoreView:
    with rt.uow() as uow:
        store = require_staff_in(uow, principal, store_id, Permission.PROFILE)
        changed = _apply_profile(store, draft)
        StoreRepo(uow.conn).update_profile(changed)
        rt.events.publish(uow, StoreProfileChanged(store_id))
        uow.commit()
    return changed


def _apply_profile(store: StoreView, draft: ProfileDraft) -> StoreView:
    en, zh = normalize_names(_keep(draft.name_en, store.name_en), _keep(draft.name_zh, store.name_zh))
    logo = store.logo_url if draft.logo_url is None else normalize_image_url(draft.logo_url)
    return replace(
        store, name_en=en, name_zh=zh, logo_url=logo,
        description_en=normalize_description(_keep(draft.description_en, store.description_en), "description_en"),
        description_zh=normalize_description(_keep(draft.description_zh, store.description_zh), "description_zh"),
    )


def _keep(new: str | None, old: str) -> str:
    return old if new is None else new


def set_store_tags(rt: Runtime, principal: Principal, store_id: str, tags: list[str]) -> StoreView:
    """Replace the store's tags (normalised, deduplicated, at most ten)."""
    if isinstance(tags, str):
        raise InputInvalid("Tags are a list", field="tags")
    clean = normalize_tags(tags)
    with rt.uow() as uow:
        store = require_staff_in(uow, principal, store_id, Permission.PROFILE)
        StoreRepo(uow.conn).replace_tags(store_id, clean)
        rt.events.publish(uow, StoreProfileChanged(store_id))
        uow.commit()
    return replace(store, tags=tuple(sorted(clean)))


def suspend_store(rt: Runtime, operator: Principal, store_id: str, reason: str) -> StoreView:
    require_operator(operator)
    return _change_status(rt, operator, store_id, StoreStatus.SUSPENDED, normalize_reason(reason))


def reinstate_store(rt: Runtime, operator: Principal, store_id: str) -> StoreView:
    require_operator(operator)
    return _change_status(rt, operator, store_id, StoreStatus.ACTIVE, None)


def _change_status(rt: Runtime, operator: Principal, store_id: str, target: StoreStatus,
                   reason: str | None) -> StoreView:
    now = rt.clock.now()
    with rt.uow() as uow:
        store = StoreRepo(uow.conn).get(store_id, lock=True)
        if store is None:
            raise store_not_found()
        change_store_status(store.status, target)
        suspended_at = now if target is StoreStatus.SUSPENDED else None
        if not StoreRepo(uow.conn).set_status(store_id, store.status, target, suspended_at, reason):
            raise StoreStatusConflict(f"The store is already {target.value}", status=target.value)
        action = "store.suspend" if target is StoreStatus.SUSPENDED else "store.reinstate"
        audit.record(uow, operator, action, "store", store_id, {"reason": reason} if reason else {}, now)
        rt.events.publish(uow, StoreStatusChanged(store_id, target))
        uow.commit()
    return replace(store, status=target, suspension_reason=reason)

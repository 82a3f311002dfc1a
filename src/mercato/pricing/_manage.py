"""The merchant's promotions: create, edit (everything before the start, only the names after), pause, resume and
end the store's own promotions and coupons, and opt in to or out of the platform's cross-store festivals.

Every use case passes the store's staff gate (the `products` permission: promotions price the store's goods); a
promotion of another store is 404, like the store's other objects."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from mercato.audit import service as audit
from mercato.catalog import service as catalog
from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.pricing._manage_common import audit_detail, new_row, values_of, view_in, views_in
from mercato.pricing.manage_repo import ManageRepo
from mercato.pricing.model import Kind, PromotionNotFound
from mercato.pricing.model.drafts import (
    PromotionDraft,
    PromotionStatusConflict,
    check_draft,
    check_edit,
    check_no_overlap,
    next_status,
    promotion_of_draft,
)
from mercato.pricing.model.views import FestivalAlreadyStarted, FestivalView, PromotionScopeInvalid, PromotionView
from mercato.pricing.rows import promotion_of
from mercato.stores import service as stores
from mercato.stores.model import Permission

OWNER = "store"


def _gate(uow: UnitOfWork, principal: Principal, store_id: str) -> None:
    stores.require_staff_in(uow, principal, store_id, Permission.PRODUCTS)


def _own_in(uow: UnitOfWork, store_id: str, promotion_id: str) -> PromotionView:
    """The store's own promotion; another store's or the platform's is 404, as if it did not exist."""
    row = ManageRepo(uow.conn).row(promotion_id)
    if row is None or row.owner != OWNER or row.store_id != store_id:
        raise PromotionNotFound(promotion_id=promotion_id)
    return views_in(uow, [row])[0]


def check_store_skus_in(uow: UnitOfWork, store_id: str, sku_ids: Iterable[str]) -> None:
    """Every SKU of a store promotion is one of the store's own (asked of catalog)."""
    wanted = sorted(set(sku_ids))
    if not wanted:
        return
    found = catalog.skus_by_ids_in(uow, wanted)
    strangers = [sku for sku in wanted if sku not in found or found[sku].store_id != store_id]
    if strangers:
        raise PromotionScopeInvalid("Choose SKUs of this store", field="sku_ids", sku_ids=strangers[:5])


def _check_overlap_in(uow: UnitOfWork, draft: PromotionDraft, promotion_id: str, store_id: str) -> None:
    if draft.kind is not Kind.STORE_REDUCTION:
        return
    others = [promotion_of(row._mapping) for row in ManageRepo(uow.conn).live_reductions(store_id)]
    check_no_overlap(promotion_of_draft(draft, promotion_id, [store_id]), others)


# --- reads --------------------------------------------------------------------------------------------------------

def store_promotions(rt: Runtime, principal: Principal, store_id: str) -> list[PromotionView]:
    """The store's promotions newest first, with how many coupons were issued and used."""
    with rt.uow(read_only=True) as uow:
        _gate(uow, principal, store_id)
        return views_in(uow, ManageRepo(uow.conn).store_rows(store_id))


def store_promotion(rt: Runtime, principal: Principal, store_id: str, promotion_id: str) -> PromotionView:
    with rt.uow(read_only=True) as uow:
        _gate(uow, principal, store_id)
        return _own_in(uow, store_id, promotion_id)


# --- changes ------------------------------------------------------------------------------------------------------

def create_store_promotion(rt: Runtime, principal: Principal, store_id: str, draft: PromotionDraft) -> PromotionView:
    """A new promotion of the store, active from its window's start."""
    now, promotion_id = rt.clock.now(), new_id()
    with rt.uow() as uow:
        _gate(uow, principal, store_id)  # strangers learn nothing, not even what their draft gets wrong
        cleaned = check_draft(draft, OWNER, store_id)
        check_store_skus_in(uow, store_id, cleaned.sku_ids)
        _check_overlap_in(uow, cleaned, promotion_id, store_id)
        ManageRepo(uow.conn).insert(new_row(cleaned, promotion_id, OWNER, store_id, principal.user_id, now))
        audit.record(uow, principal, "promotion.create", "promotion", promotion_id,
                     {"store_id": store_id, **audit_detail(cleaned)}, now)
        view = view_in(uow, promotion_id)
        uow.commit()
    return view


def update_store_promotion(rt: Runtime, principal: Principal, store_id: str, promotion_id: str,
                           draft: PromotionDraft) -> PromotionView:
    """Replace the promotion before it starts; after the start only its names may change."""
    now = rt.clock.now()
    with rt.uow() as uow:
        _gate(uow, principal, store_id)
        current = _own_in(uow, store_id, promotion_id)
        cleaned = check_draft(draft, OWNER, store_id)
        _check_editable(current, cleaned, now)
        check_store_skus_in(uow, store_id, cleaned.sku_ids)
        _check_overlap_in(uow, cleaned, promotion_id, store_id)
        ManageRepo(uow.conn).update(promotion_id, **values_of(cleaned, promotion_id, store_id), updated_at=now)
        audit.record(uow, principal, "promotion.update", "promotion", promotion_id,
                     {"store_id": store_id, **audit_detail(cleaned)}, now)
        view = view_in(uow, promotion_id)
        uow.commit()
    return view


def _check_editable(current: PromotionView, wanted: PromotionDraft, now: datetime) -> None:
    if current.status.value == "ended":
        raise PromotionStatusConflict("An ended promotion cannot change", status="ended")
    check_edit(current.draft, wanted, current.window.has_started(now))


def set_store_promotion_status(rt: Runtime, principal: Principal, store_id: str, promotion_id: str,
                               action: str) -> PromotionView:
    """pause, resume or end (final) one of the store's promotions."""
    now = rt.clock.now()
    with rt.uow() as uow:
        _gate(uow, principal, store_id)
        current = _own_in(uow, store_id, promotion_id)
        move_status_in(uow, principal, current, action, now)
        view = view_in(uow, promotion_id)
        uow.commit()
    return view


def move_status_in(uow: UnitOfWork, principal: Principal, current: PromotionView, action: str,
                   now: datetime) -> None:
    """Apply a status action; resuming a store full reduction checks the overlap rule again."""
    target = next_status(current.status, action)
    if action == "resume" and current.store_id and current.kind is Kind.STORE_REDUCTION:
        _check_overlap_in(uow, current.draft, current.id, current.store_id)
    if not ManageRepo(uow.conn).move(current.id, [current.status.value], target.value, now):
        raise PromotionStatusConflict(status=current.status.value, action=action)
    audit.record(uow, principal, f"promotion.{action}", "promotion", current.id,
                 {"from": current.status.value, "to": target.value}, now)


# --- festivals ----------------------------------------------------------------------------------------------------

def store_festivals(rt: Runtime, principal: Principal, store_id: str) -> list[FestivalView]:
    """The platform's cross-store reductions that are not over, with whether this store takes part."""
    now = rt.clock.now()
    with rt.uow(read_only=True) as uow:
        _gate(uow, principal, store_id)
        festivals = views_in(uow, ManageRepo(uow.conn).festivals(now))
    return [FestivalView(f, store_id in f.opted_store_ids, not f.window.has_started(now)) for f in festivals]


def _festival_in(uow: UnitOfWork, promotion_id: str, now: datetime) -> PromotionView:
    row = ManageRepo(uow.conn).row(promotion_id)
    if row is None or row.kind != Kind.CROSS_STORE_REDUCTION.value:
        raise PromotionNotFound(promotion_id=promotion_id)
    view = views_in(uow, [row])[0]
    if view.status.value != "active" or view.window.has_ended(now):
        raise PromotionStatusConflict("The festival is not open", status=view.status.value)
    return view


def join_festival(rt: Runtime, principal: Principal, store_id: str, promotion_id: str) -> FestivalView:
    """Opt the store in (again: no change); a store may join a festival until it is over."""
    now = rt.clock.now()
    with rt.uow() as uow:
        _gate(uow, principal, store_id)
        started = _festival_in(uow, promotion_id, now).window.has_started(now)
        if ManageRepo(uow.conn).opt_in(promotion_id, store_id, now):
            audit.record(uow, principal, "promotion.opt_in", "promotion", promotion_id, {"store_id": store_id}, now)
        view = FestivalView(view_in(uow, promotion_id), True, not started)
        uow.commit()
    return view


def leave_festival(rt: Runtime, principal: Principal, store_id: str, promotion_id: str) -> FestivalView:
    """Opt the store out, only before the festival starts: consumers plan their carts around it."""
    now = rt.clock.now()
    with rt.uow() as uow:
        _gate(uow, principal, store_id)
        festival = _festival_in(uow, promotion_id, now)
        if festival.window.has_started(now):
            raise FestivalAlreadyStarted(promotion_id=promotion_id)
        if ManageRepo(uow.conn).opt_out(promotion_id, store_id):
            audit.record(uow, principal, "promotion.opt_out", "promotion", promotion_id, {"store_id": store_id},
                         now)
        view = FestivalView(view_in(uow, promotion_id), False, True)
        uow.commit()
    return view

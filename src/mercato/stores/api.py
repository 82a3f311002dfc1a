"""The stores HTTP API under /api/v1: public store and brand reads, applying for a store, the merchant's own
stores and staff, and the operator's review queue, suspensions, brands and brand authorisations."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from mercato.kernel.errors import EntityNotFound
from mercato.kernel.http import ERROR_RESPONSES, require_operator, require_principal, runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import service
from mercato.stores.model import ApplicationDraft, ApplicationStatus, StoreKind, StoreStatus
from mercato.stores.schemas import (
    ApplicationCreate,
    ApplicationPage,
    ApplicationRead,
    AuthorisationCreate,
    AuthorisationRead,
    BrandCreate,
    BrandRead,
    BrandUpdate,
    MembershipRead,
    MerchantStorePage,
    MerchantStoreRead,
    ReasonBody,
    StaffCreate,
    StaffRead,
    StaffUpdate,
    StorePage,
    StoreProfileUpdate,
    StoreRead,
    TagsPut,
)

router = APIRouter(tags=["stores"], responses=ERROR_RESPONSES)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(require_principal)]
Ops = Annotated[Principal, Depends(require_operator)]
Id = Annotated[str, Path(min_length=1, max_length=64)]
Cursor = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=100)]
Tag = Annotated[str | None, Query(max_length=32)]

# --- public ------------------------------------------------------------------------------------------------------


@router.get("/stores", response_model=StorePage)
def list_stores(rt: Rt, kind: Literal["flagship", "independent"] | None = None, tag: Tag = None,
                cursor: Cursor = None, limit: Limit = 24) -> StorePage:
    """Active stores, newest first; filter by kind and one tag."""
    page = service.list_stores(rt, kind=StoreKind(kind) if kind else None, status=StoreStatus.ACTIVE,
                               tag=tag, cursor=cursor, limit=limit)
    return StorePage(items=[StoreRead.of(s) for s in page.items], next_cursor=page.next_cursor)


@router.get("/stores/{id_or_slug}", response_model=StoreRead)
def get_store(rt: Rt, id_or_slug: Id) -> StoreRead:
    """One active store by id or slug; a suspended store is not shown to the public."""
    store = service.find_store(rt, id_or_slug)
    if not store.is_active:
        raise EntityNotFound("Store not found", entity="store")
    return StoreRead.of(store)


@router.get("/brands", response_model=list[BrandRead])
def list_brands(rt: Rt, q: Annotated[str | None, Query(max_length=80)] = None) -> list[BrandRead]:
    """Brands by slug, optionally matching `q` in the slug or either name."""
    return [BrandRead.of(b) for b in service.list_brands(rt, q)]


# --- consumers ---------------------------------------------------------------------------------------------------


@router.post("/store-applications", status_code=201, response_model=ApplicationRead)
def apply_for_store(rt: Rt, me: Me, body: ApplicationCreate) -> ApplicationRead:
    """Apply to open a store: a flagship names its brand and licence, an independent store its owner."""
    return ApplicationRead.of(service.apply_for_store(rt, me, ApplicationDraft(**body.model_dump())))


@router.get("/store-applications/mine", response_model=list[ApplicationRead])
def my_applications(rt: Rt, me: Me) -> list[ApplicationRead]:
    return [ApplicationRead.of(a) for a in service.my_applications(rt, me)]


# --- merchants ---------------------------------------------------------------------------------------------------


@router.get("/merchant/stores", response_model=list[MembershipRead])
def my_stores(rt: Rt, me: Me) -> list[MembershipRead]:
    """The stores the caller works in, with their role and permissions."""
    return [MembershipRead.of(m) for m in service.my_stores(rt, me)]


@router.patch("/merchant/stores/{store_id}", response_model=MerchantStoreRead)
def update_profile(rt: Rt, me: Me, store_id: Id, body: StoreProfileUpdate) -> MerchantStoreRead:
    """Change the names, descriptions or logo (needs `profile`); omitted fields stay as they are."""
    draft = service.ProfileDraft(**body.model_dump())
    return MerchantStoreRead.of(service.update_store_profile(rt, me, store_id, draft))


@router.put("/merchant/stores/{store_id}/tags", response_model=MerchantStoreRead)
def set_tags(rt: Rt, me: Me, store_id: Id, body: TagsPut) -> MerchantStoreRead:
    return MerchantStoreRead.of(service.set_store_tags(rt, me, store_id, body.tags))


@router.get("/merchant/stores/{store_id}/staff", response_model=list[StaffRead])
def list_staff(rt: Rt, me: Me, store_id: Id) -> list[StaffRead]:
    return [StaffRead.of(m) for m in service.list_staff(rt, me, store_id)]


@router.post("/merchant/stores/{store_id}/staff", status_code=201, response_model=StaffRead)
def add_staff(rt: Rt, me: Me, store_id: Id, body: StaffCreate) -> StaffRead:
    """The owner adds a registered person by email with a set of permissions (never `staff`)."""
    return StaffRead.of(service.add_staff(rt, me, store_id, body.email, body.permissions))


@router.patch("/merchant/stores/{store_id}/staff/{user_id}", response_model=StaffRead)
def update_staff(rt: Rt, me: Me, store_id: Id, user_id: Id, body: StaffUpdate) -> StaffRead:
    return StaffRead.of(service.update_staff_permissions(rt, me, store_id, user_id, body.permissions))


@router.delete("/merchant/stores/{store_id}/staff/{user_id}", status_code=204)
def remove_staff(rt: Rt, me: Me, store_id: Id, user_id: Id) -> Response:
    service.remove_staff(rt, me, store_id, user_id)
    return Response(status_code=204)


# --- operators ---------------------------------------------------------------------------------------------------


@router.get("/ops/store-applications", response_model=ApplicationPage)
def list_applications(rt: Rt, ops: Ops, status: Literal["pending", "approved", "rejected"] | None = None,
                      cursor: Cursor = None, limit: Limit = 24) -> ApplicationPage:
    """The review queue, oldest first."""
    page = service.list_applications(rt, ops, ApplicationStatus(status) if status else None, cursor, limit)
    return ApplicationPage(items=[ApplicationRead.of(a) for a in page.items], next_cursor=page.next_cursor)


@router.post("/ops/store-applications/{app_id}/approve", response_model=MerchantStoreRead)
def approve(rt: Rt, ops: Ops, app_id: Id) -> MerchantStoreRead:
    """Open the store: active, the applicant as owner, a flagship's brand authorisation granted."""
    return MerchantStoreRead.of(service.approve_application(rt, ops, app_id))


@router.post("/ops/store-applications/{app_id}/reject", response_model=ApplicationRead)
def reject(rt: Rt, ops: Ops, app_id: Id, body: ReasonBody) -> ApplicationRead:
    return ApplicationRead.of(service.reject_application(rt, ops, app_id, body.reason))


@router.get("/ops/stores", response_model=MerchantStorePage)
def ops_list_stores(rt: Rt, ops: Ops, status: Literal["active", "suspended"] | None = None,
                    kind: Literal["flagship", "independent"] | None = None, tag: Tag = None,
                    cursor: Cursor = None, limit: Limit = 24) -> MerchantStorePage:
    """Every store, suspended ones included."""
    service.require_operator(ops)
    page = service.list_stores(rt, kind=StoreKind(kind) if kind else None,
                               status=StoreStatus(status) if status else None, tag=tag, cursor=cursor,
                               limit=limit)
    return MerchantStorePage(items=[MerchantStoreRead.of(s) for s in page.items], next_cursor=page.next_cursor)


@router.post("/ops/stores/{store_id}/suspend", response_model=MerchantStoreRead)
def suspend(rt: Rt, ops: Ops, store_id: Id, body: ReasonBody) -> MerchantStoreRead:
    return MerchantStoreRead.of(service.suspend_store(rt, ops, store_id, body.reason))


@router.post("/ops/stores/{store_id}/reinstate", response_model=MerchantStoreRead)
def reinstate(rt: Rt, ops: Ops, store_id: Id) -> MerchantStoreRead:
    return MerchantStoreRead.of(service.reinstate_store(rt, ops, store_id))


@router.post("/ops/brands", status_code=201, response_model=BrandRead)
def create_brand(rt: Rt, ops: Ops, body: BrandCreate) -> BrandRead:
    return BrandRead.of(service.create_brand(rt, ops, body.slug, body.name_en, body.name_zh, body.protected,
                                             body.logo_url))


@router.patch("/ops/brands/{brand_id}", response_model=BrandRead)
def update_brand(rt: Rt, ops: Ops, brand_id: Id, body: BrandUpdate) -> BrandRead:
    """Change names, the protected flag or the logo; the slug is permanent."""
    return BrandRead.of(service.update_brand(rt, ops, brand_id, **body.model_dump()))


@router.post("/ops/stores/{store_id}/brand-authorisations", status_code=201, response_model=AuthorisationRead)
def grant_authorisation(rt: Rt, ops: Ops, store_id: Id, body: AuthorisationCreate) -> AuthorisationRead:
    """Let a store sell a brand (or renew its licence) until `valid_until` inclusive, or indefinitely."""
    granted = service.grant_brand_authorisation(rt, ops, store_id, body.brand_id, body.reference,
                                                body.valid_until)
    return AuthorisationRead.of(granted)


@router.delete("/ops/stores/{store_id}/brand-authorisations/{brand_id}", status_code=204)
def revoke_authorisation(rt: Rt, ops: Ops, store_id: Id, brand_id: Id) -> Response:
    service.revoke_brand_authorisation(rt, ops, store_id, brand_id)
    return Response(status_code=204)

"""Request and response schemas of the stores API. Bounds here only stop absurd input (422); the precise rules
live in stores.model and answer with their own codes, the same on pages and in the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from mercato.stores.model import (
    ApplicationView,
    BrandAuthorisation,
    BrandView,
    Membership,
    Permission,
    StaffMember,
    StoreView,
)

PermissionName = Literal["products", "stock", "profile", "orders", "staff"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApplicationCreate(_In):
    kind: Literal["flagship", "independent"]
    slug: str = Field(max_length=100, description="3-48 of a-z, 0-9 and inner hyphens")
    name_en: str = Field(default="", max_length=200)
    name_zh: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=4000)
    contact_phone: str = Field(max_length=40)
    brand_id: str | None = Field(default=None, max_length=64, description="flagship: the brand sold")
    authorisation_ref: str | None = Field(default=None, max_length=240, description="flagship: licence number")
    authorisation_until: date | None = Field(default=None, description="flagship: last day of the licence")
    owner_legal_name: str | None = Field(default=None, max_length=200, description="independent")
    owner_id_number: str | None = Field(default=None, max_length=40,
                                        description="independent: resident ID or passport; only a digest is kept")


class StoreProfileUpdate(_In):
    name_en: str | None = Field(default=None, max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    description_en: str | None = Field(default=None, max_length=4000)
    description_zh: str | None = Field(default=None, max_length=4000)
    logo_url: str | None = Field(default=None, max_length=1000, description='"" removes the logo')


class TagsPut(_In):
    tags: list[Annotated[str, Field(max_length=64)]] = Field(
        max_length=50, description="at most 10 distinct tags of 1-16 characters")


class StaffCreate(_In):
    email: str = Field(min_length=1, max_length=254)
    permissions: list[PermissionName] = Field(default_factory=list, max_length=10)


class StaffUpdate(_In):
    permissions: list[PermissionName] = Field(max_length=10)


class ReasonBody(_In):
    reason: str = Field(max_length=1000)


class BrandCreate(_In):
    slug: str = Field(max_length=100)
    name_en: str = Field(default="", max_length=200)
    name_zh: str = Field(default="", max_length=200)
    protected: bool = False
    logo_url: str | None = Field(default=None, max_length=1000)


class BrandUpdate(_In):
    name_en: str | None = Field(default=None, max_length=200)
    name_zh: str | None = Field(default=None, max_length=200)
    protected: bool | None = None
    logo_url: str | None = Field(default=None, max_length=1000, description='"" removes the logo')


class AuthorisationCreate(_In):
    brand_id: str = Field(min_length=1, max_length=64)
    reference: str = Field(max_length=240)
    valid_until: date | None = None


class BrandRead(BaseModel):
    id: str
    slug: str
    name_en: str
    name_zh: str
    protected: bool
    logo_url: str | None
    created_at: datetime

    @classmethod
    def of(cls, brand: BrandView) -> BrandRead:
        return cls(id=brand.id, slug=brand.slug, name_en=brand.name_en, name_zh=brand.name_zh,
                   protected=brand.protected, logo_url=brand.logo_url, created_at=brand.created_at)


class StoreRead(BaseModel):
    id: str
    slug: str
    kind: str
    status: str
    name_en: str
    name_zh: str
    description_en: str
    description_zh: str
    logo_url: str | None
    brand_id: str | None
    owner_id: str
    created_at: datetime
    tags: list[str]

    @classmethod
    def of(cls, store: StoreView) -> StoreRead:
        return cls(id=store.id, slug=store.slug, kind=store.kind.value, status=store.status.value,
                   name_en=store.name_en, name_zh=store.name_zh, description_en=store.description_en,
                   description_zh=store.description_zh, logo_url=store.logo_url, brand_id=store.brand_id,
                   owner_id=store.owner_id, created_at=store.created_at, tags=list(store.tags))


class MerchantStoreRead(StoreRead):
    suspension_reason: str | None

    @classmethod
    def of(cls, store: StoreView) -> MerchantStoreRead:
        return cls(**StoreRead.of(store).model_dump(), suspension_reason=store.suspension_reason)


class StorePage(BaseModel):
    items: list[StoreRead]
    next_cursor: str | None


class MerchantStorePage(BaseModel):
    items: list[MerchantStoreRead]
    next_cursor: str | None


def permission_names(permissions: frozenset[Permission]) -> list[str]:
    return sorted(p.value for p in permissions)


class MembershipRead(BaseModel):
    store: MerchantStoreRead
    role: str
    permissions: list[str]

    @classmethod
    def of(cls, membership: Membership) -> MembershipRead:
        return cls(store=MerchantStoreRead.of(membership.store), role=membership.role.value,
                   permissions=permission_names(membership.permissions))


class StaffRead(BaseModel):
    user_id: str
    email: str
    display_name: str
    role: str
    permissions: list[str]
    added_at: datetime

    @classmethod
    def of(cls, member: StaffMember) -> StaffRead:
        return cls(user_id=member.user_id, email=member.email, display_name=member.display_name,
                   role=member.role.value, permissions=permission_names(member.permissions),
                   added_at=member.added_at)


class ApplicationRead(BaseModel):
    """An application; the owner's ID number appears only as its last four characters."""

    id: str
    applicant_id: str
    kind: str
    status: str
    slug: str
    name_en: str
    name_zh: str
    description: str
    contact_phone: str
    brand_id: str | None
    authorisation_ref: str | None
    authorisation_until: date | None
    owner_legal_name: str | None
    owner_id_last4: str | None
    submitted_at: datetime
    decided_at: datetime | None
    decision_reason: str | None
    store_id: str | None

    @classmethod
    def of(cls, view: ApplicationView) -> ApplicationRead:
        fields = {name: getattr(view, name) for name in cls.model_fields}
        fields["kind"], fields["status"] = view.kind.value, view.status.value
        return cls(**fields)


class ApplicationPage(BaseModel):
    items: list[ApplicationRead]
    next_cursor: str | None


class AuthorisationRead(BaseModel):
    store_id: str
    brand_id: str
    reference: str
    valid_until: date | None
    granted_at: datetime

    @classmethod
    def of(cls, granted: BrandAuthorisation) -> AuthorisationRead:
        return cls(store_id=granted.store_id, brand_id=granted.brand_id, reference=granted.reference,
                   valid_until=granted.valid_until, granted_at=granted.granted_at)

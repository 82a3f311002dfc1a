"""The stores domain, pure: store kinds and statuses with their transition tables, staff permissions,
the views other capabilities read, and the validation rules for applications, profiles, tags and brands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from urllib.parse import urlsplit

from mercato.kernel.errors import EntityNotFound, InputInvalid
from mercato.stores.errors import (
    ApplicationAlreadyDecided,
    ApplicationIncomplete,
    AuthorisationExpired,
    DescriptionInvalid,
    ImageUrlInvalid,
    NameInvalid,
    PermissionNotGrantable,
    PermissionUnknown,
    PhoneInvalid,
    ReasonRequired,
    SlugInvalid,
    SlugReserved,
    StoreStatusConflict,
    TagInvalid,
    TagsTooMany,
)
from mercato.stores.identity import id_number_digest, normalize_id_number

# --- vocabulary ------------------------------------------------------------------------------------------


class StoreKind(StrEnum):
    FLAGSHIP = "flagship"
    INDEPENDENT = "independent"


class StoreStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class ApplicationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class StaffRole(StrEnum):
    OWNER = "owner"
    STAFF = "staff"


class Permission(StrEnum):
    PRODUCTS = "products"
    STOCK = "stock"
    PROFILE = "profile"
    ORDERS = "orders"
    STAFF = "staff"


ALL_PERMISSIONS: frozenset[Permission] = frozenset(Permission)
# Managing staff is the owner's alone: a staff member who could grant permissions could grant themselves any.
GRANTABLE_PERMISSIONS: frozenset[Permission] = ALL_PERMISSIONS - {Permission.STAFF}

APPLICATION_TRANSITIONS: Mapping[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.PENDING: frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REJECTED}),
    ApplicationStatus.APPROVED: frozenset(),
    ApplicationStatus.REJECTED: frozenset(),
}

STORE_TRANSITIONS: Mapping[StoreStatus, frozenset[StoreStatus]] = {
    StoreStatus.ACTIVE: frozenset({StoreStatus.SUSPENDED}),
    StoreStatus.SUSPENDED: frozenset({StoreStatus.ACTIVE}),
}

# --- views -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BrandView:
    id: str
    slug: str
    name_en: str
    name_zh: str
    protected: bool
    logo_url: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoreView:
    id: str
    slug: str
    kind: StoreKind
    status: StoreStatus
    name_en: str
    name_zh: str
    description_en: str
    description_zh: str
    logo_url: str | None
    brand_id: str | None
    owner_id: str
    created_at: datetime
    tags: tuple[str, ...] = ()
    suspension_reason: str | None = None

    @property
    def is_active(self) -> bool:
        return self.status is StoreStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class ApplicationView:
    """An application as anyone may see it: the owner's id number appears only as its last four characters."""

    id: str
    applicant_id: str
    kind: StoreKind
    status: ApplicationStatus
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
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    store_id: str | None


@dataclass(frozen=True, slots=True)
class StoreStatusChanged:
    """Published when an operator suspends or reinstates a store; catalog hides or shows its goods."""

    store_id: str
    status: StoreStatus


@dataclass(frozen=True, slots=True)
class StoreProfileChanged:
    """Published when a store opens or its names, description or tags change; search rebuilds its shop document."""

    store_id: str


@dataclass(frozen=True, slots=True)
class StaffMember:
    store_id: str
    user_id: str
    role: StaffRole
    permissions: frozenset[Permission]
    added_at: datetime
    email: str = ""
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class Membership:
    store: StoreView
    role: StaffRole
    permissions: frozenset[Permission]


def chosen_membership(memberships: list[Membership], wanted: str) -> Membership | None:
    """The store a merchant page acts for: the one asked for (404 when the person does not work there with the
    permission the list was made for), else their first; None when they have none."""
    if not wanted:
        return memberships[0] if memberships else None
    for membership in memberships:
        if membership.store.id == wanted:
            return membership
    raise EntityNotFound("No such store", field="store_id")


@dataclass(frozen=True, slots=True)
class BrandAuthorisation:
    brand_id: str
    store_id: str
    reference: str
    valid_until: date | None
    granted_at: datetime

    def is_valid_on(self, day: date) -> bool:
        """Valid through the whole of its last day."""
        return self.valid_until is None or day <= self.valid_until


# --- transitions and permissions -------------------------------------------------------------------------


def decide_application(current: ApplicationStatus, target: ApplicationStatus) -> ApplicationStatus:
    if target not in APPLICATION_TRANSITIONS[current]:
        raise ApplicationAlreadyDecided(f"The application is {current.value}", status=current.value)
    return target


def change_store_status(current: StoreStatus, target: StoreStatus) -> StoreStatus:
    if target not in STORE_TRANSITIONS[current]:
        raise StoreStatusConflict(f"The store is already {current.value}", status=current.value)
    return target


def effective_permissions(role: StaffRole, granted: Iterable[Permission]) -> frozenset[Permission]:
    """The owner holds every permission; staff hold what was granted, never `staff`."""
    if role is StaffRole.OWNER:
        return ALL_PERMISSIONS
    return frozenset(granted) & GRANTABLE_PERMISSIONS


def parse_permissions(values: Iterable[str]) -> frozenset[Permission]:
    """Permission names (as typed or stored) into a set; unknown names are refused, blanks skipped."""
    parsed: set[Permission] = set()
    for raw in values:
        name = raw.strip().lower()
        if not name:
            continue
        if name not in Permission.__members__.values():
            raise PermissionUnknown(f"Unknown permission {raw!r}", field="permissions")
        parsed.add(Permission(name))
    return frozenset(parsed)


def grantable(permissions: frozenset[Permission]) -> frozenset[Permission]:
    if not permissions <= GRANTABLE_PERMISSIONS:
        raise PermissionNotGrantable(field="permissions")
    return permissions


def serialize_permissions(permissions: Iterable[Permission]) -> str:
    return ",".join(sorted(p.value for p in permissions))


def deserialize_permissions(stored: str) -> frozenset[Permission]:
    return parse_permissions(stored.split(","))


# --- text rules ------------------------------------------------------------------------------------------

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,46})[a-z0-9]$")
RESERVED_SLUGS = frozenset({
    "about", "account", "admin", "api", "apply", "brands", "cart", "checkout", "docs", "help", "login",
    "logout", "mercato", "merchant", "new", "ops", "orders", "products", "register", "root", "search",
    "settings", "static", "store", "stores", "support", "system", "www",
})
NAME_MAX = 80
DESCRIPTION_MAX = 2000
REASON_MAX = 500
REFERENCE_MAX = 120
URL_MAX = 500
TAG_MAX_LENGTH = 16
TAGS_PER_STORE = 10
_TAG_PUNCTUATION = frozenset(" -_&+.")
_WHITESPACE = re.compile(r"\s+")


def normalize_slug(raw: str) -> str:
    slug = raw.strip().lower()
    if not SLUG_PATTERN.match(slug):
        raise SlugInvalid(field="slug")
    if slug in RESERVED_SLUGS:
        raise SlugReserved(field="slug")
    return slug


def _clean_line(raw: str) -> str:
    """Trimmed, inner whitespace runs collapsed to one space (a name is one line)."""
    return _WHITESPACE.sub(" ", raw).strip()


def _has_control(text: str) -> bool:
    return any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text)


def normalize_name(raw: str, field: str = "name") -> str:
    name = _clean_line(raw)
    if not 1 <= len(name) <= NAME_MAX or _has_control(name):
        raise NameInvalid(field=field)
    return name


def normalize_names(name_en: str, name_zh: str) -> tuple[str, str]:
    """Both languages, at least one given; a missing one takes the other's value so every page has a name."""
    en, zh = _clean_line(name_en), _clean_line(name_zh)
    if not en and not zh:
        raise NameInvalid("Give the name in English or Chinese", field="name_en")
    en, zh = en or zh, zh or en
    return normalize_name(en, "name_en"), normalize_name(zh, "name_zh")


def normalize_description(raw: str, field: str = "description") -> str:
    text = raw.strip().replace("\r\n", "\n")
    if len(text) > DESCRIPTION_MAX or any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise DescriptionInvalid(field=field)
    return text


def normalize_reason(raw: str | None) -> str:
    reason = _clean_line(raw or "")
    if not 1 <= len(reason) <= REASON_MAX:
        raise ReasonRequired(field="reason")
    return reason


def normalize_tag(raw: str) -> str:
    """Tags compare case-insensitively, so they are kept lower-cased: one canonical spelling per tag."""
    tag = _clean_line(raw).lower()
    if not 1 <= len(tag) <= TAG_MAX_LENGTH or not all(c.isalnum() or c in _TAG_PUNCTUATION for c in tag):
        raise TagInvalid(f"Tag {raw!r} is not acceptable", field="tags")
    return tag


def normalize_tags(raws: Iterable[str]) -> tuple[str, ...]:
    """Each tag normalised, duplicates dropped keeping the first, at most ten."""
    seen: dict[str, None] = {}
    for raw in raws:
        seen.setdefault(normalize_tag(raw), None)
    if len(seen) > TAGS_PER_STORE:
        raise TagsTooMany(field="tags")
    return tuple(seen)


def normalize_phone(raw: str) -> str:
    """Separators people type (spaces, hyphens, dots, brackets) are dropped; 6-15 digits remain (E.164)."""
    phone = re.sub(r"[\s\-().]", "", raw)
    if not re.fullmatch(r"\+?[0-9]{6,15}", phone):
        raise PhoneInvalid(field="contact_phone")
    return phone


def normalize_image_url(raw: str | None, field: str = "logo_url") -> str | None:
    """An absolute http(s) URL, or None when left blank."""
    url = (raw or "").strip()
    if not url:
        return None
    if len(url) > URL_MAX or any(c.isspace() for c in url) or _has_control(url):
        raise ImageUrlInvalid(field=field)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImageUrlInvalid(field=field)
    return url


def normalize_reference(raw: str | None) -> str:
    reference = _clean_line(raw or "")
    if not 1 <= len(reference) <= REFERENCE_MAX:
        raise ApplicationIncomplete("Give the brand authorisation reference", field="authorisation_ref")
    return reference


def check_valid_until(valid_until: date | None, today: date) -> date | None:
    if valid_until is not None and valid_until < today:
        raise AuthorisationExpired(field="valid_until")
    return valid_until


# --- applications and brands -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApplicationDraft:
    """What an applicant submits, as typed."""

    kind: str
    slug: str
    name_en: str
    name_zh: str
    contact_phone: str
    description: str = ""
    brand_id: str | None = None
    authorisation_ref: str | None = None
    authorisation_until: date | None = None
    owner_legal_name: str | None = None
    owner_id_number: str | None = None


@dataclass(frozen=True, slots=True)
class ValidApplication:
    """A draft that passed every rule, normalised; the id number survives only as digest and last four."""

    kind: StoreKind
    slug: str
    name_en: str
    name_zh: str
    description: str
    contact_phone: str
    brand_id: str | None
    authorisation_ref: str | None
    authorisation_until: date | None
    owner_legal_name: str | None
    owner_id_hash: str | None
    owner_id_last4: str | None


def parse_kind(raw: str) -> StoreKind:
    try:
        return StoreKind(raw.strip().lower())
    except ValueError:
        raise InputInvalid("Choose a flagship or an independent store", field="kind") from None


def validate_application(draft: ApplicationDraft, today: date, *, id_key: bytes) -> ValidApplication:
    """The application's values made canonical; `id_key` keys the digest of an owner's id number."""
    kind = parse_kind(draft.kind)
    name_en, name_zh = normalize_names(draft.name_en, draft.name_zh)
    base = ValidApplication(
        kind=kind, slug=normalize_slug(draft.slug), name_en=name_en, name_zh=name_zh,
        description=normalize_description(draft.description),
        contact_phone=normalize_phone(draft.contact_phone),
        brand_id=None, authorisation_ref=None, authorisation_until=None,
        owner_legal_name=None, owner_id_hash=None, owner_id_last4=None,
    )
    if kind is StoreKind.FLAGSHIP:
        return _with_brand(base, draft, today)
    return _with_owner_identity(base, draft, id_key)


def _with_brand(base: ValidApplication, draft: ApplicationDraft, today: date) -> ValidApplication:
    brand_id = (draft.brand_id or "").strip()
    if not brand_id:
        raise ApplicationIncomplete("A flagship store must name its brand", field="brand_id")
    return replace(base, brand_id=brand_id, authorisation_ref=normalize_reference(draft.authorisation_ref),
                   authorisation_until=check_valid_until(draft.authorisation_until, today))


def _with_owner_identity(base: ValidApplication, draft: ApplicationDraft, id_key: bytes) -> ValidApplication:
    if not _clean_line(draft.owner_legal_name or ""):
        raise ApplicationIncomplete("Give the owner's legal name", field="owner_legal_name")
    if not (draft.owner_id_number or "").strip():
        raise ApplicationIncomplete("Give the owner's ID number", field="owner_id_number")
    id_hash, last4 = id_number_digest(normalize_id_number(draft.owner_id_number), id_key)
    return replace(base, owner_legal_name=normalize_name(draft.owner_legal_name or "", "owner_legal_name"),
                   owner_id_hash=id_hash, owner_id_last4=last4)

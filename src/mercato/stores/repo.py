"""Every query of the stores capability, on one connection, returning model views."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from mercato.stores.model import (
    ApplicationStatus,
    ApplicationView,
    BrandAuthorisation,
    BrandView,
    StaffMember,
    StaffRole,
    StoreKind,
    StoreStatus,
    StoreView,
    ValidApplication,
    deserialize_permissions,
    serialize_permissions,
)
from mercato.stores.model import Permission as Perm
from mercato.stores.tables import (
    brand_authorisations,
    brands,
    store_applications,
    store_staff,
    store_tags,
    stores,
)

_APPLICATION_COLUMNS = [c for c in store_applications.c if c.name != "owner_id_hash"]


def _brand(row: RowMapping) -> BrandView:
    return BrandView(id=row["id"], slug=row["slug"], name_en=row["name_en"], name_zh=row["name_zh"],
                     protected=bool(row["protected"]), logo_url=row["logo_url"], created_at=row["created_at"])


def _store(row: RowMapping, tags: tuple[str, ...]) -> StoreView:
    return StoreView(
        id=row["id"], slug=row["slug"], kind=StoreKind(row["kind"]), status=StoreStatus(row["status"]),
        name_en=row["name_en"], name_zh=row["name_zh"], description_en=row["description_en"],
        description_zh=row["description_zh"], logo_url=row["logo_url"], brand_id=row["brand_id"],
        owner_id=row["owner_id"], created_at=row["created_at"], tags=tags,
        suspension_reason=row["suspension_reason"],
    )


def _application(row: RowMapping) -> ApplicationView:
    fields = {c.name: row[c.name] for c in _APPLICATION_COLUMNS}
    fields["kind"] = StoreKind(fields["kind"])
    fields["status"] = ApplicationStatus(fields["status"])
    return ApplicationView(**fields)


def _staff(row: RowMapping) -> StaffMember:
    return StaffMember(store_id=row["store_id"], user_id=row["user_id"], role=StaffRole(row["role"]),
                       permissions=deserialize_permissions(row["permissions"]), added_at=row["added_at"])


class BrandRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert(self, brand: BrandView) -> None:
        self.conn.execute(brands.insert().values(
            id=brand.id, slug=brand.slug, name_en=brand.name_en, name_zh=brand.name_zh,
            protected=brand.protected, logo_url=brand.logo_url, created_at=brand.created_at))

    def update(self, brand: BrandView) -> None:
        self.conn.execute(brands.update().where(brands.c.id == brand.id).values(
            name_en=brand.name_en, name_zh=brand.name_zh, protected=brand.protected, logo_url=brand.logo_url))

    def slug_exists(self, slug: str) -> bool:
        return self.conn.execute(sa.select(brands.c.id).where(brands.c.slug == slug)).first() is not None

    def by_ids(self, ids: Iterable[str]) -> dict[str, BrandView]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        rows = self.conn.execute(sa.select(brands).where(brands.c.id.in_(wanted))).mappings()
        return {row["id"]: _brand(row) for row in rows}

    def search(self, query: str | None, limit: int) -> list[BrandView]:
        stmt = sa.select(brands).order_by(brands.c.slug).limit(limit)
        if query:
            pattern = f"%{_escape_like(query.lower())}%"
            stmt = stmt.where(sa.or_(*(sa.func.lower(col).like(pattern, escape="\\")
                                       for col in (brands.c.slug, brands.c.name_en, brands.c.name_zh))))
        return [_brand(row) for row in self.conn.execute(stmt).mappings()]

    def authorisation(self, store_id: str, brand_id: str) -> BrandAuthorisation | None:
        row = self.conn.execute(sa.select(brand_authorisations).where(
            brand_authorisations.c.store_id == store_id,
            brand_authorisations.c.brand_id == brand_id)).mappings().first()
        if row is None:
            return None
        return BrandAuthorisation(brand_id=row["brand_id"], store_id=row["store_id"], reference=row["reference"],
                                  valid_until=row["valid_until"], granted_at=row["granted_at"])

    def authorisations_of(self, store_id: str) -> list[BrandAuthorisation]:
        rows = self.conn.execute(sa.select(brand_authorisations).where(
            brand_authorisations.c.store_id == store_id).order_by(brand_authorisations.c.granted_at)).mappings()
        return [BrandAuthorisation(brand_id=r["brand_id"], store_id=r["store_id"], reference=r["reference"],
                                   valid_until=r["valid_until"], granted_at=r["granted_at"]) for r in rows]

    def put_authorisation(self, store_id: str, brand_id: str, reference: str, valid_until: date | None,
                          granted_by: str | None, now: datetime) -> None:
        """Insert or replace: a renewed licence supersedes the old one (one row per store and brand)."""
        self.delete_authorisation(store_id, brand_id)
        self.conn.execute(brand_authorisations.insert().values(
            store_id=store_id, brand_id=brand_id, reference=reference, valid_until=valid_until,
            granted_at=now, granted_by=granted_by))

    def delete_authorisation(self, store_id: str, brand_id: str) -> bool:
        result = self.conn.execute(brand_authorisations.delete().where(
            brand_authorisations.c.store_id == store_id, brand_authorisations.c.brand_id == brand_id))
        return result.rowcount > 0


class ApplicationRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert(self, app_id: str, applicant_id: str, valid: ValidApplication, now: datetime) -> None:
        self.conn.execute(store_applications.insert().values(
            id=app_id, applicant_id=applicant_id, kind=valid.kind.value, status=ApplicationStatus.PENDING.value,
            slug=valid.slug, name_en=valid.name_en, name_zh=valid.name_zh, description=valid.description,
            brand_id=valid.brand_id, authorisation_ref=valid.authorisation_ref,
            authorisation_until=valid.authorisation_until, owner_legal_name=valid.owner_legal_name,
            owner_id_last4=valid.owner_id_last4, owner_id_hash=valid.owner_id_hash,
            contact_phone=valid.contact_phone, submitted_at=now))

    def get(self, app_id: str, *, lock: bool = False) -> ApplicationView | None:
        """`lock` holds the row until commit (PostgreSQL; SQLite's write transaction already serialises), so
        two operators deciding at once queue up and the second sees the first's decision."""
        stmt = sa.select(*_APPLICATION_COLUMNS).where(store_applications.c.id == app_id)
        row = self.conn.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return _application(row) if row else None

    def has_pending(self, applicant_id: str) -> bool:
        return self.conn.execute(sa.select(store_applications.c.id).where(
            store_applications.c.applicant_id == applicant_id,
            store_applications.c.status == ApplicationStatus.PENDING.value)).first() is not None

    def pending_slug_exists(self, slug: str) -> bool:
        return self.conn.execute(sa.select(store_applications.c.id).where(
            store_applications.c.slug == slug,
            store_applications.c.status == ApplicationStatus.PENDING.value)).first() is not None

    def of_applicant(self, applicant_id: str, limit: int = 50) -> list[ApplicationView]:
        rows = self.conn.execute(sa.select(*_APPLICATION_COLUMNS).where(
            store_applications.c.applicant_id == applicant_id).order_by(
            store_applications.c.id.desc()).limit(limit)).mappings()
        return [_application(row) for row in rows]

    def page(self, status: ApplicationStatus | None, after: str | None, limit: int) -> list[ApplicationView]:
        """Oldest first, so the review queue is worked in the order people applied (ids sort by time)."""
        stmt = sa.select(*_APPLICATION_COLUMNS).order_by(store_applications.c.id).limit(limit)
        if status is not None:
            stmt = stmt.where(store_applications.c.status == status.value)
        if after is not None:
            stmt = stmt.where(store_applications.c.id > after)
        return [_application(row) for row in self.conn.execute(stmt).mappings()]

    def decide(self, app_id: str, status: ApplicationStatus, operator_id: str, now: datetime,
               reason: str | None = None, store_id: str | None = None) -> bool:
        """Conditional on the row still being pending: of two concurrent decisions only one wins."""
        result = self.conn.execute(store_applications.update().where(
            store_applications.c.id == app_id,
            store_applications.c.status == ApplicationStatus.PENDING.value).values(
            status=status.value, decided_by=operator_id, decided_at=now, decision_reason=reason,
            store_id=store_id))
        return result.rowcount == 1


class StoreRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def insert(self, store: StoreView) -> None:
        self.conn.execute(stores.insert().values(
            id=store.id, slug=store.slug, kind=store.kind.value, status=store.status.value,
            name_en=store.name_en, name_zh=store.name_zh, description_en=store.description_en,
            description_zh=store.description_zh, logo_url=store.logo_url, brand_id=store.brand_id,
            owner_id=store.owner_id, created_at=store.created_at))

    def slug_exists(self, slug: str) -> bool:
        return self.conn.execute(sa.select(stores.c.id).where(stores.c.slug == slug)).first() is not None

    def get(self, store_id: str, *, lock: bool = False) -> StoreView | None:
        return self._one(stores.c.id == store_id, lock=lock)

    def get_by_slug(self, slug: str) -> StoreView | None:
        return self._one(stores.c.slug == slug)

    def _one(self, condition: sa.ColumnElement[bool], *, lock: bool = False) -> StoreView | None:
        stmt = sa.select(stores).where(condition)
        row = self.conn.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        if row is None:
            return None
        return _store(row, self.tags_of([row["id"]]).get(row["id"], ()))

    def by_ids(self, ids: Iterable[str]) -> dict[str, StoreView]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        return {view.id: view for view in self._views(sa.select(stores).where(stores.c.id.in_(wanted)))}

    def page(self, kind: StoreKind | None, status: StoreStatus | None, tag: str | None,
             after: str | None, limit: int) -> list[StoreView]:
        """Newest first by id (ids sort by creation time), keyset after `after`."""
        stmt = sa.select(stores).order_by(stores.c.id.desc()).limit(limit)
        if kind is not None:
            stmt = stmt.where(stores.c.kind == kind.value)
        if status is not None:
            stmt = stmt.where(stores.c.status == status.value)
        if tag is not None:
            tagged = sa.select(store_tags.c.store_id).where(store_tags.c.tag == tag)
            stmt = stmt.where(stores.c.id.in_(tagged))
        if after is not None:
            stmt = stmt.where(stores.c.id < after)
        return self._views(stmt)

    def _views(self, stmt: sa.Select[Any]) -> list[StoreView]:
        rows = list(self.conn.execute(stmt).mappings())
        tags = self.tags_of([row["id"] for row in rows])
        return [_store(row, tags.get(row["id"], ())) for row in rows]

    def tags_of(self, store_ids: list[str]) -> dict[str, tuple[str, ...]]:
        if not store_ids:
            return {}
        found: dict[str, list[str]] = defaultdict(list)
        rows = self.conn.execute(sa.select(store_tags.c.store_id, store_tags.c.tag).where(
            store_tags.c.store_id.in_(store_ids)).order_by(store_tags.c.store_id, store_tags.c.tag))
        for store_id, tag in rows:
            found[store_id].append(tag)
        return {store_id: tuple(tags) for store_id, tags in found.items()}

    def replace_tags(self, store_id: str, tags: tuple[str, ...]) -> None:
        self.conn.execute(store_tags.delete().where(store_tags.c.store_id == store_id))
        if tags:
            self.conn.execute(store_tags.insert(), [{"store_id": store_id, "tag": tag} for tag in tags])

    def update_profile(self, store: StoreView) -> None:
        self.conn.execute(stores.update().where(stores.c.id == store.id).values(
            name_en=store.name_en, name_zh=store.name_zh, description_en=store.description_en,
            description_zh=store.description_zh, logo_url=store.logo_url))

    def set_status(self, store_id: str, expected: StoreStatus, target: StoreStatus,
                   now: datetime | None, reason: str | None) -> bool:
        """Conditional on the status the decision was made from, so concurrent changes cannot both apply."""
        result = self.conn.execute(stores.update().where(
            stores.c.id == store_id, stores.c.status == expected.value).values(
            status=target.value, suspended_at=now, suspension_reason=reason))
        return result.rowcount == 1


class StaffRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, store_id: str, user_id: str, role: StaffRole, permissions: frozenset[Perm],
            now: datetime) -> None:
        self.conn.execute(store_staff.insert().values(
            store_id=store_id, user_id=user_id, role=role.value,
            permissions=serialize_permissions(permissions), added_at=now))

    def member(self, store_id: str, user_id: str) -> StaffMember | None:
        row = self.conn.execute(sa.select(store_staff).where(
            store_staff.c.store_id == store_id, store_staff.c.user_id == user_id)).mappings().first()
        return _staff(row) if row else None

    def of_store(self, store_id: str) -> list[StaffMember]:
        rows = self.conn.execute(sa.select(store_staff).where(store_staff.c.store_id == store_id).order_by(
            store_staff.c.added_at, store_staff.c.user_id)).mappings()
        return [_staff(row) for row in rows]

    def of_user(self, user_id: str) -> list[StaffMember]:
        rows = self.conn.execute(sa.select(store_staff).where(store_staff.c.user_id == user_id).order_by(
            store_staff.c.added_at, store_staff.c.store_id)).mappings()
        return [_staff(row) for row in rows]

    def set_permissions(self, store_id: str, user_id: str, permissions: frozenset[Perm]) -> None:
        self.conn.execute(store_staff.update().where(
            store_staff.c.store_id == store_id, store_staff.c.user_id == user_id).values(
            permissions=serialize_permissions(permissions)))

    def remove(self, store_id: str, user_id: str) -> None:
        self.conn.execute(store_staff.delete().where(
            store_staff.c.store_id == store_id, store_staff.c.user_id == user_id,
            store_staff.c.role == StaffRole.STAFF.value))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

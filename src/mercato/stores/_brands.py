"""Brand use cases: the operator's brand list and the authorisations that let a store sell a brand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from mercato.audit import service as audit
from mercato.kernel.errors import EntityNotFound, InputInvalid
from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.stores._access import get_store_in, require_operator
from mercato.stores.errors import SlugTaken
from mercato.stores.model import (
    BrandAuthorisation,
    BrandView,
    check_valid_until,
    normalize_image_url,
    normalize_names,
    normalize_reference,
    normalize_slug,
)
from mercato.stores.repo import BrandRepo

BRAND_LIST_MAX = 200
QUERY_MAX = 80


def get_brand_in(uow: UnitOfWork, brand_id: str) -> BrandView:
    brand = BrandRepo(uow.conn).by_ids([brand_id]).get(brand_id)
    if brand is None:
        raise EntityNotFound("Brand not found", entity="brand")
    return brand


def brands_by_ids_in(uow: UnitOfWork, ids: Iterable[str]) -> dict[str, BrandView]:
    return BrandRepo(uow.conn).by_ids(ids)


def get_brand(rt: Runtime, brand_id: str) -> BrandView:
    with rt.uow(read_only=True) as uow:
        return get_brand_in(uow, brand_id)


def list_brands(rt: Runtime, query: str | None = None, limit: int = BRAND_LIST_MAX) -> list[BrandView]:
    """Brands by slug, optionally those whose slug or either name contains `query` (case-insensitive)."""
    text = (query or "").strip()
    if len(text) > QUERY_MAX:
        raise InputInvalid(f"A brand search has at most {QUERY_MAX} characters", field="query")
    with rt.uow(read_only=True) as uow:
        return BrandRepo(uow.conn).search(text or None, max(1, min(limit, BRAND_LIST_MAX)))


def create_brand(rt: Runtime, operator: Principal, slug: str, name_en: str, name_zh: str,
                 protected: bool = False, logo_url: str | None = None) -> BrandView:
    require_operator(operator)
    en, zh = normalize_names(name_en, name_zh)
    brand = BrandView(id=new_id(), slug=normalize_slug(slug), name_en=en, name_zh=zh, protected=protected,
                      logo_url=normalize_image_url(logo_url), created_at=rt.clock.now())
    with rt.uow() as uow:
        repo = BrandRepo(uow.conn)
        if repo.slug_exists(brand.slug):
            raise SlugTaken("A brand with this slug exists", field="slug")
        repo.insert(brand)
        audit.record(uow, operator, "brand.create", "brand", brand.id,
                     {"slug": brand.slug, "protected": protected}, brand.created_at)
        uow.commit()
    return brand


def update_brand(rt: Runtime, operator: Principal, brand_id: str, *, name_en: str | None = None,
                 name_zh: str | None = None, protected: bool | None = None,
                 logo_url: str | None = None) -> BrandView:
    """Change the given fields (None leaves one as it is; logo_url "" removes the logo). The slug is permanent."""
    require_operator(operator)
    with rt.uow() as uow:
        brand = get_brand_in(uow, brand_id)
        en, zh = normalize_names(brand.name_en if name_en is None else name_en,
                                 brand.name_zh if name_zh is None else name_zh)
        changed = replace(brand, name_en=en, name_zh=zh,
                          protected=brand.protected if protected is None else protected,
                          logo_url=brand.logo_url if logo_url is None else normalize_image_url(logo_url))
        BrandRepo(uow.conn).update(changed)
        audit.record(uow, operator, "brand.update", "brand", brand.id, _brand_diff(brand, changed),
                     rt.clock.now())
        uow.commit()
    return changed


def _brand_diff(before: BrandView, after: BrandView) -> dict[str, object]:
    fields = ("name_en", "name_zh", "protected", "logo_url")
    return {f: [getattr(before, f), getattr(after, f)] for f in fields if getattr(before, f) != getattr(after, f)}


def grant_brand_authorisation_in(uow: UnitOfWork, operator: Principal, store_id: str, brand_id: str,
                                 reference: str, valid_until: date | None, now: datetime) -> None:
    """Record (or renew) the licence; shared by approval and the operator's explicit grant."""
    BrandRepo(uow.conn).put_authorisation(store_id, brand_id, reference, valid_until, operator.user_id, now)
    audit.record(uow, operator, "brand.authorise", "store", store_id,
                 {"brand_id": brand_id, "reference": reference,
                  "valid_until": valid_until.isoformat() if valid_until else None}, now)


def grant_brand_authorisation(rt: Runtime, operator: Principal, store_id: str, brand_id: str,
                              reference: str, valid_until: date | None = None) -> BrandAuthorisation:
    require_operator(operator)
    ref = normalize_reference(reference)
    until = check_valid_until(valid_until, rt.clock.now().date())
    with rt.uow() as uow:
        get_store_in(uow, store_id)
        get_brand_in(uow, brand_id)
        grant_brand_authorisation_in(uow, operator, store_id, brand_id, ref, until, rt.clock.now())
        granted = BrandRepo(uow.conn).authorisation(store_id, brand_id)
        uow.commit()
    assert granted is not None
    return granted


def revoke_brand_authorisation(rt: Runtime, operator: Principal, store_id: str, brand_id: str) -> None:
    require_operator(operator)
    with rt.uow() as uow:
        if not BrandRepo(uow.conn).delete_authorisation(store_id, brand_id):
            raise EntityNotFound("This store holds no authorisation for this brand", entity="authorisation")
        audit.record(uow, operator, "brand.revoke", "store", store_id, {"brand_id": brand_id}, rt.clock.now())
        uow.commit()


def is_brand_authorised_in(uow: UnitOfWork, store_id: str, brand_id: str, on: date) -> bool:
    """Whether the store may sell the brand on day `on`; an expired authorisation does not count."""
    found = BrandRepo(uow.conn).authorisation(store_id, brand_id)
    return found is not None and found.is_valid_on(on)


def brand_authorisations_of(rt: Runtime, store_id: str) -> list[BrandAuthorisation]:
    with rt.uow(read_only=True) as uow:
        return BrandRepo(uow.conn).authorisations_of(store_id)

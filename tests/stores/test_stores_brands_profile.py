"""Brands and authorisations, the store profile and tags, and the public store list, on the real database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from stores_helpers import audit_actions, flagship_draft, independent_draft, open_store, person, snapshot

from mercato.kernel.errors import AccessDenied, EntityNotFound
from mercato.kernel.pagination import CursorInvalid
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import errors
from mercato.stores import service as stores
from mercato.stores.model import BrandView, StoreKind, StoreStatus, StoreView
from mercato.stores.service import ProfileDraft


@pytest.fixture
def store(rt: Runtime, operator: Principal, applicant: Principal) -> StoreView:
    return open_store(rt, operator, applicant, independent_draft())


def test_an_operator_creates_and_edits_brands(rt: Runtime, operator: Principal, brand: BrandView) -> None:
    assert (brand.slug, brand.name_en, brand.name_zh, brand.protected) == ("acme", "ACME", "艾克美", True)
    edited = stores.update_brand(rt, operator, brand.id, protected=False, logo_url="")
    assert (edited.protected, edited.logo_url, edited.name_en) == (False, None, "ACME")
    assert stores.get_brand(rt, brand.id) == edited
    assert audit_actions(rt, "brand", brand.id) == ["brand.update", "brand.create"]


def test_brands_are_searched_by_slug_or_either_name(rt: Runtime, operator: Principal, brand: BrandView) -> None:
    other = stores.create_brand(rt, operator, "north-peak", "North Peak", "北峰")
    assert stores.list_brands(rt) == [brand, other]
    assert stores.list_brands(rt, "PEAK") == [other]
    assert stores.list_brands(rt, "艾克") == [brand]
    assert stores.list_brands(rt, "100%") == []
    with rt.uow(read_only=True) as uow:
        assert stores.brands_by_ids_in(uow, [brand.id, "0" * 26]) == {brand.id: brand}


def test_brand_slugs_are_unique_and_only_operators_manage_brands(rt: Runtime, operator: Principal,
                                                                  applicant: Principal, brand: BrandView) -> None:
    with pytest.raises(errors.SlugTaken):
        stores.create_brand(rt, operator, "ACME", "Acme again", "")
    with pytest.raises(AccessDenied):
        stores.create_brand(rt, applicant, "fake", "Fake", "")
    with pytest.raises(AccessDenied):
        stores.update_brand(rt, applicant, brand.id, protected=False)
    with pytest.raises(EntityNotFound):
        stores.update_brand(rt, operator, "0" * 26, protected=False)
    assert stores.list_brands(rt) == [brand]


def test_an_operator_grants_renews_and_revokes_an_authorisation(rt: Runtime, operator: Principal,
                                                                 store: StoreView, brand: BrandView) -> None:
    stores.grant_brand_authorisation(rt, operator, store.id, brand.id, "R-1", date(2026, 12, 31))
    renewed = stores.grant_brand_authorisation(rt, operator, store.id, brand.id, "R-2", None)
    assert (renewed.reference, renewed.valid_until) == ("R-2", None)
    with rt.uow(read_only=True) as uow:
        assert stores.is_brand_authorised_in(uow, store.id, brand.id, date(2099, 1, 1))
    stores.revoke_brand_authorisation(rt, operator, store.id, brand.id)
    with rt.uow(read_only=True) as uow:
        assert not stores.is_brand_authorised_in(uow, store.id, brand.id, date(2026, 11, 11))
    with pytest.raises(EntityNotFound):
        stores.revoke_brand_authorisation(rt, operator, store.id, brand.id)
    assert audit_actions(rt, "store", store.id) == ["brand.revoke", "brand.authorise", "brand.authorise"]


def test_an_authorisation_must_not_be_expired_already(rt: Runtime, operator: Principal, store: StoreView,
                                                      brand: BrandView) -> None:
    before = snapshot(rt)
    with pytest.raises(errors.AuthorisationExpired):
        stores.grant_brand_authorisation(rt, operator, store.id, brand.id, "R-1", date(2026, 11, 10))
    with pytest.raises(EntityNotFound):
        stores.grant_brand_authorisation(rt, operator, store.id, "0" * 26, "R-1")
    with pytest.raises(AccessDenied):
        stores.grant_brand_authorisation(rt, person(rt, "x@example.com"), store.id, brand.id, "R-1")
    assert snapshot(rt)["brand_authorisations"] == before["brand_authorisations"]


def test_the_profile_changes_only_the_given_fields(rt: Runtime, applicant: Principal, store: StoreView) -> None:
    changed = stores.update_store_profile(rt, applicant, store.id, ProfileDraft(
        name_zh=" 老茶馆 ", description_zh="福建茶叶", logo_url="https://cdn.example.com/t.png"))
    assert changed == replace(store, name_zh="老茶馆", description_zh="福建茶叶",
                              logo_url="https://cdn.example.com/t.png")
    assert stores.get_store(rt, store.id) == changed


def test_a_profile_change_needs_the_profile_permission(rt: Runtime, applicant: Principal, store: StoreView) -> None:
    clerk = person(rt, "clerk@example.com")
    stores.add_staff(rt, applicant, store.id, clerk.email, ["stock"])
    with pytest.raises(errors.PermissionMissing):
        stores.update_store_profile(rt, clerk, store.id, ProfileDraft(name_en="Hijacked"))
    with pytest.raises(errors.PermissionMissing):
        stores.set_store_tags(rt, clerk, store.id, ["cheap"])
    assert stores.get_store(rt, store.id) == store


def test_invalid_profile_values_are_refused(rt: Runtime, applicant: Principal, store: StoreView) -> None:
    for draft, error in [(ProfileDraft(name_en="", name_zh=""), errors.NameInvalid),
                         (ProfileDraft(logo_url="javascript:alert(1)"), errors.ImageUrlInvalid),
                         (ProfileDraft(description_en="x" * 2001), errors.DescriptionInvalid)]:
        with pytest.raises(error):
            stores.update_store_profile(rt, applicant, store.id, draft)
    assert stores.get_store(rt, store.id) == store


def test_tags_are_replaced_and_filter_the_store_list(rt: Runtime, operator: Principal, applicant: Principal,
                                                     store: StoreView) -> None:
    tagged = stores.set_store_tags(rt, applicant, store.id, ["ZZ-Tea", "Fujian", "zz-tea"])
    assert tagged.tags == ("fujian", "zz-tea")
    assert stores.get_store(rt, store.id).tags == ("fujian", "zz-tea")
    other_owner = person(rt, "o@example.com")
    other = open_store(rt, operator, other_owner, independent_draft(slug="noodle-bar"))
    stores.set_store_tags(rt, other_owner, other.id, ["zz-noodles"])
    assert [s.id for s in stores.list_stores(rt, tag="ZZ-TEA").items] == [store.id]
    assert [s.id for s in stores.list_stores(rt, tag="zz-noodles").items] == [other.id]
    stores.set_store_tags(rt, applicant, store.id, [])
    assert stores.list_stores(rt, tag="zz-tea").items == []


def test_the_store_list_filters_by_kind_and_status_and_pages(rt: Runtime, operator: Principal,
                                                             applicant: Principal, brand: BrandView,
                                                             store: StoreView) -> None:
    flagship_owner = person(rt, "f@example.com")
    flagship = open_store(rt, operator, flagship_owner, flagship_draft(brand.id))
    # A tag of this test's own keeps stores other tests committed out of the counts.
    stores.set_store_tags(rt, flagship_owner, flagship.id, ["zz-listing"])
    stores.set_store_tags(rt, applicant, store.id, ["zz-listing"])
    stores.suspend_store(rt, operator, store.id, "fraud")
    assert [s.id for s in stores.list_stores(rt, kind=StoreKind.FLAGSHIP, tag="zz-listing").items] == [flagship.id]
    assert [s.id for s in stores.list_stores(rt, status=StoreStatus.ACTIVE, tag="zz-listing").items] == [
        flagship.id]
    first = stores.list_stores(rt, tag="zz-listing", limit=1)
    second = stores.list_stores(rt, tag="zz-listing", cursor=first.next_cursor, limit=1)
    assert {first.items[0].id, second.items[0].id} == {store.id, flagship.id}
    assert second.next_cursor is None
    with pytest.raises(CursorInvalid):
        stores.list_stores(rt, cursor="not-a-cursor")


def test_a_store_is_found_by_slug_in_any_letter_case(rt: Runtime, store: StoreView) -> None:
    assert stores.get_store_by_slug(rt, "Tea-House") == store
    with pytest.raises(EntityNotFound):
        stores.get_store_by_slug(rt, "nope")

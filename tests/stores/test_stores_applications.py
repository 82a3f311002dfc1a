"""Applying for a store and the operator's decision, on the real database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from stores_helpers import audit_actions, flagship_draft, independent_draft, open_store, person, snapshot

from mercato.kernel.clock import FixedClock
from mercato.kernel.errors import AccessDenied, EntityNotFound
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import errors
from mercato.stores import service as stores
from mercato.stores.model import (
    ALL_PERMISSIONS,
    ApplicationStatus,
    BrandView,
    StaffRole,
    StoreKind,
    StoreStatus,
)


def test_an_application_waits_pending_with_only_the_last_four_of_the_id_number(
        rt: Runtime, applicant: Principal) -> None:
    view = stores.apply_for_store(rt, applicant, independent_draft(slug=" Tea-House "))
    assert (view.status, view.kind, view.slug) == (ApplicationStatus.PENDING, StoreKind.INDEPENDENT, "tea-house")
    assert (view.applicant_id, view.owner_id_last4, view.store_id) == (applicant.user_id, "002X", None)
    assert not hasattr(view, "owner_id_hash")
    assert stores.my_applications(rt, applicant) == [view]


def test_approving_an_independent_application_opens_an_active_store_owned_by_the_applicant(
        rt: Runtime, operator: Principal, applicant: Principal, clock: FixedClock) -> None:
    application = stores.apply_for_store(rt, applicant, independent_draft())
    store = stores.approve_application(rt, operator, application.id)
    assert (store.status, store.kind, store.slug, store.owner_id) == (
        StoreStatus.ACTIVE, StoreKind.INDEPENDENT, "tea-house", applicant.user_id)
    assert (store.name_en, store.name_zh, store.description_en, store.created_at) == (
        "Tea House", "茶馆", "Leaf tea from Fujian", clock.now())
    assert stores.get_store(rt, store.id) == store
    decided = stores.get_application(rt, applicant, application.id)
    assert (decided.status, decided.store_id, decided.decided_by, decided.decided_at) == (
        ApplicationStatus.APPROVED, store.id, operator.user_id, clock.now())
    [membership] = stores.my_stores(rt, applicant)
    assert (membership.store, membership.role, membership.permissions) == (store, StaffRole.OWNER, ALL_PERMISSIONS)
    assert audit_actions(rt, "store_application", application.id) == ["store.approve"]


def test_approving_a_flagship_application_grants_the_brand_authorisation(
        rt: Runtime, operator: Principal, applicant: Principal, brand: BrandView) -> None:
    store = open_store(rt, operator, applicant, flagship_draft(brand.id))
    assert (store.kind, store.brand_id) == (StoreKind.FLAGSHIP, brand.id)
    [authorisation] = stores.brand_authorisations_of(rt, store.id)
    assert (authorisation.brand_id, authorisation.reference, authorisation.valid_until) == (
        brand.id, "LIC-2026-001", date(2027, 12, 31))
    with rt.uow(read_only=True) as uow:
        assert stores.is_brand_authorised_in(uow, store.id, brand.id, date(2027, 12, 31))
        assert not stores.is_brand_authorised_in(uow, store.id, brand.id, date(2028, 1, 1))
    assert audit_actions(rt, "store", store.id) == ["brand.authorise"]


def test_a_flagship_whose_licence_lapsed_while_waiting_cannot_be_approved(
        rt: Runtime, operator: Principal, applicant: Principal, brand: BrandView, clock: FixedClock) -> None:
    application = stores.apply_for_store(rt, applicant, flagship_draft(brand.id,
                                                                       authorisation_until=date(2026, 11, 12)))
    clock.advance(timedelta(days=2))
    before = snapshot(rt)
    with pytest.raises(errors.AuthorisationExpired):
        stores.approve_application(rt, operator, application.id)
    assert snapshot(rt) == before


def test_rejecting_needs_a_reason_and_records_it(rt: Runtime, operator: Principal, applicant: Principal) -> None:
    application = stores.apply_for_store(rt, applicant, independent_draft())
    with pytest.raises(errors.ReasonRequired):
        stores.reject_application(rt, operator, application.id, "  ")
    rejected = stores.reject_application(rt, operator, application.id, "ID photo unreadable")
    assert (rejected.status, rejected.decision_reason, rejected.store_id) == (
        ApplicationStatus.REJECTED, "ID photo unreadable", None)
    assert audit_actions(rt, "store_application", application.id) == ["store.reject"]
    assert stores.my_stores(rt, applicant) == []


@pytest.mark.parametrize("first", ["approve", "reject"])
@pytest.mark.parametrize("second", ["approve", "reject"])
def test_a_decided_application_cannot_be_decided_again(rt: Runtime, operator: Principal, applicant: Principal,
                                                       first: str, second: str) -> None:
    application = stores.apply_for_store(rt, applicant, independent_draft())
    decide = {"approve": lambda: stores.approve_application(rt, operator, application.id),
              "reject": lambda: stores.reject_application(rt, operator, application.id, "no")}
    decide[first]()
    before = snapshot(rt)
    with pytest.raises(errors.ApplicationAlreadyDecided) as caught:
        decide[second]()
    assert caught.value.status == 409
    assert snapshot(rt) == before


def test_only_operators_decide(rt: Runtime, applicant: Principal) -> None:
    application = stores.apply_for_store(rt, applicant, independent_draft())
    with pytest.raises(AccessDenied):
        stores.approve_application(rt, applicant, application.id)
    with pytest.raises(AccessDenied):
        stores.reject_application(rt, applicant, application.id, "self-rejection")
    with pytest.raises(AccessDenied):
        stores.list_applications(rt, applicant)
    assert stores.get_application(rt, applicant, application.id).status is ApplicationStatus.PENDING


def test_an_unknown_application_is_not_found(rt: Runtime, operator: Principal) -> None:
    with pytest.raises(EntityNotFound):
        stores.approve_application(rt, operator, "0" * 26)


def test_one_pending_application_per_applicant(rt: Runtime, operator: Principal, applicant: Principal) -> None:
    first = stores.apply_for_store(rt, applicant, independent_draft())
    with pytest.raises(errors.ApplicationPending):
        stores.apply_for_store(rt, applicant, independent_draft(slug="other-shop"))
    stores.reject_application(rt, operator, first.id, "blurry")
    again = stores.apply_for_store(rt, applicant, independent_draft(slug="other-shop"))
    assert [a.id for a in stores.my_applications(rt, applicant)] == [again.id, first.id]


def test_a_slug_must_be_free_among_stores_and_pending_applications(
        rt: Runtime, operator: Principal, applicant: Principal, stranger: Principal) -> None:
    stores.apply_for_store(rt, applicant, independent_draft(slug="tea-house"))
    with pytest.raises(errors.SlugTaken):
        stores.apply_for_store(rt, stranger, independent_draft(slug="tea-house"))
    third = person(rt, "wang@example.com")
    open_store(rt, operator, third, independent_draft(slug="noodle-bar"))
    with pytest.raises(errors.SlugTaken):
        stores.apply_for_store(rt, stranger, independent_draft(slug="Noodle-Bar"))


def test_a_flagship_must_name_an_existing_brand(rt: Runtime, applicant: Principal) -> None:
    with pytest.raises(errors.BrandUnknown):
        stores.apply_for_store(rt, applicant, flagship_draft("0" * 26))
    assert stores.my_applications(rt, applicant) == []


def test_someone_else_cannot_read_an_application(rt: Runtime, applicant: Principal, stranger: Principal,
                                                 operator: Principal) -> None:
    application = stores.apply_for_store(rt, applicant, independent_draft())
    with pytest.raises(EntityNotFound):
        stores.get_application(rt, stranger, application.id)
    assert stores.get_application(rt, operator, application.id) == application


def test_the_review_queue_pages_oldest_first_and_filters_by_status(rt: Runtime, operator: Principal) -> None:
    ids = []
    for i in range(3):
        applicant = person(rt, f"p{i}@example.com")
        ids.append(stores.apply_for_store(rt, applicant, independent_draft(slug=f"shop-{i}")).id)
    stores.reject_application(rt, operator, ids[1], "no")
    seen, cursor = [], None
    while True:  # one at a time, so every page boundary is crossed
        page = stores.list_applications(rt, operator, status=ApplicationStatus.PENDING, cursor=cursor, limit=1)
        seen += [a.id for a in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == sorted(seen)
    assert [i for i in seen if i in ids] == sorted([ids[0], ids[2]])
    everything = stores.list_applications(rt, operator, limit=100).items
    assert {a.id for a in everything} >= set(ids)

"""The owner manages staff by email; staff cannot manage staff; the owner stays."""

from __future__ import annotations

import pytest
from stores_helpers import audit_actions, independent_draft, open_store, person, snapshot

from mercato.kernel.errors import EntityNotFound
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import errors
from mercato.stores import service as stores
from mercato.stores.model import Permission, StaffRole, StoreView


@pytest.fixture
def store(rt: Runtime, operator: Principal, applicant: Principal) -> StoreView:
    return open_store(rt, operator, applicant, independent_draft())


@pytest.fixture
def clerk(rt: Runtime) -> Principal:
    return person(rt, "clerk@example.com", name="Clerk")


def test_the_owner_adds_staff_by_email_with_chosen_permissions(rt: Runtime, applicant: Principal,
                                                                store: StoreView, clerk: Principal) -> None:
    added = stores.add_staff(rt, applicant, store.id, " Clerk@Example.com ", ["products", "stock"])
    assert (added.user_id, added.role, added.permissions) == (
        clerk.user_id, StaffRole.STAFF, {Permission.PRODUCTS, Permission.STOCK})
    listed = stores.list_staff(rt, applicant, store.id)
    assert [(m.user_id, m.role, m.email, m.display_name) for m in listed] == [
        (applicant.user_id, StaffRole.OWNER, "li@example.com", "Li Wei"),
        (clerk.user_id, StaffRole.STAFF, "clerk@example.com", "Clerk")]
    assert [m.store.id for m in stores.my_stores(rt, clerk)] == [store.id]
    assert audit_actions(rt, "store", store.id) == ["store.staff_add"]


def test_the_owner_changes_and_removes_staff(rt: Runtime, applicant: Principal, store: StoreView,
                                             clerk: Principal) -> None:
    stores.add_staff(rt, applicant, store.id, clerk.email, ["stock"])
    updated = stores.update_staff_permissions(rt, applicant, store.id, clerk.user_id, ["orders", "profile"])
    assert updated.permissions == {Permission.ORDERS, Permission.PROFILE}
    [membership] = stores.my_stores(rt, clerk)
    assert membership.permissions == {Permission.ORDERS, Permission.PROFILE}
    stores.remove_staff(rt, applicant, store.id, clerk.user_id)
    assert stores.my_stores(rt, clerk) == []


def test_staff_cannot_manage_staff(rt: Runtime, applicant: Principal, store: StoreView, clerk: Principal) -> None:
    stores.add_staff(rt, applicant, store.id, clerk.email, ["products", "stock", "profile", "orders"])
    person(rt, "third@example.com")
    before = snapshot(rt)
    with pytest.raises(errors.PermissionMissing):
        stores.add_staff(rt, clerk, store.id, "third@example.com", [])
    with pytest.raises(errors.PermissionMissing):
        stores.remove_staff(rt, clerk, store.id, applicant.user_id)
    assert snapshot(rt) == before


def test_a_stranger_managing_staff_is_told_the_store_does_not_exist(rt: Runtime, store: StoreView,
                                                                    stranger: Principal) -> None:
    with pytest.raises(EntityNotFound):
        stores.add_staff(rt, stranger, store.id, "li@example.com", [])
    with pytest.raises(EntityNotFound):
        stores.list_staff(rt, stranger, store.id)


def test_staff_never_get_the_staff_permission(rt: Runtime, applicant: Principal, store: StoreView,
                                              clerk: Principal) -> None:
    with pytest.raises(errors.PermissionNotGrantable):
        stores.add_staff(rt, applicant, store.id, clerk.email, ["staff"])
    stores.add_staff(rt, applicant, store.id, clerk.email, [])
    with pytest.raises(errors.PermissionNotGrantable):
        stores.update_staff_permissions(rt, applicant, store.id, clerk.user_id, ["products", "staff"])
    assert stores.my_stores(rt, clerk)[0].permissions == frozenset()


def test_unknown_people_and_duplicates_are_refused(rt: Runtime, applicant: Principal, store: StoreView,
                                                   clerk: Principal) -> None:
    with pytest.raises(errors.UserUnknown):
        stores.add_staff(rt, applicant, store.id, "nobody@example.com", [])
    with pytest.raises(errors.PermissionUnknown):
        stores.add_staff(rt, applicant, store.id, clerk.email, ["refunds"])
    stores.add_staff(rt, applicant, store.id, clerk.email, [])
    with pytest.raises(errors.StaffDuplicate):
        stores.add_staff(rt, applicant, store.id, clerk.email, ["stock"])
    with pytest.raises(errors.StaffDuplicate):
        stores.add_staff(rt, applicant, store.id, applicant.email, [])


def test_the_owner_cannot_be_removed_or_restricted(rt: Runtime, applicant: Principal, store: StoreView,
                                                   operator: Principal) -> None:
    before = snapshot(rt)
    with pytest.raises(errors.OwnerNotRemovable):
        stores.remove_staff(rt, applicant, store.id, applicant.user_id)
    with pytest.raises(errors.OwnerPermissionsFixed):
        stores.update_staff_permissions(rt, applicant, store.id, applicant.user_id, [])
    with pytest.raises(EntityNotFound):
        stores.remove_staff(rt, applicant, store.id, operator.user_id)
    assert snapshot(rt) == before

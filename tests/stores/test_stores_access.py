"""The staff gate other capabilities call, and the operator's suspend and reinstate, on the real database."""

from __future__ import annotations

import pytest
from stores_helpers import audit_actions, independent_draft, open_store, person, snapshot

from mercato.kernel.errors import AccessDenied, EntityNotFound
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import errors
from mercato.stores import service as stores
from mercato.stores.model import Permission, StoreStatus, StoreView


@pytest.fixture
def store(rt: Runtime, operator: Principal, applicant: Principal) -> StoreView:
    return open_store(rt, operator, applicant, independent_draft())


@pytest.fixture
def clerk(rt: Runtime, applicant: Principal, store: StoreView) -> Principal:
    clerk = person(rt, "clerk@example.com", name="Clerk")
    stores.add_staff(rt, applicant, store.id, "CLERK@example.com", ["stock"])
    return clerk


@pytest.mark.parametrize("permission", [*Permission, None])
def test_the_owner_passes_the_gate_for_every_permission(rt: Runtime, applicant: Principal, store: StoreView,
                                                       permission: Permission | None) -> None:
    with rt.uow(read_only=True) as uow:
        assert stores.require_staff_in(uow, applicant, store.id, permission) == store


def test_staff_pass_only_for_what_they_were_granted(rt: Runtime, clerk: Principal, store: StoreView) -> None:
    with rt.uow(read_only=True) as uow:
        assert stores.require_staff_in(uow, clerk, store.id, Permission.STOCK).id == store.id
        with pytest.raises(errors.PermissionMissing) as caught:
            stores.require_staff_in(uow, clerk, store.id, Permission.PRODUCTS)
    assert (caught.value.code, caught.value.status) == ("permission_missing", 403)
    assert caught.value.params == {"permission": "products"}


@pytest.mark.parametrize("who", ["stranger", "operator"])
def test_strangers_and_operators_are_told_the_store_does_not_exist(
        rt: Runtime, store: StoreView, who: str, request: pytest.FixtureRequest) -> None:
    principal: Principal = request.getfixturevalue(who)
    with rt.uow(read_only=True) as uow, pytest.raises(EntityNotFound) as caught:
        stores.require_staff_in(uow, principal, store.id, Permission.PROFILE)
    assert (caught.value.code, caught.value.params) == ("not_found", {"entity": "store"})


def test_an_unknown_store_looks_the_same_as_someone_elses(rt: Runtime, applicant: Principal) -> None:
    with rt.uow(read_only=True) as uow, pytest.raises(EntityNotFound) as caught:
        stores.require_staff_in(uow, applicant, "0" * 26, None)
    assert caught.value.params == {"entity": "store"}


def test_a_suspended_store_may_not_publish_until_reinstated(rt: Runtime, operator: Principal,
                                                             store: StoreView) -> None:
    suspended = stores.suspend_store(rt, operator, store.id, "  counterfeit   reports ")
    assert (suspended.status, suspended.suspension_reason) == (StoreStatus.SUSPENDED, "counterfeit reports")
    assert stores.get_store(rt, store.id) == suspended
    with rt.uow(read_only=True) as uow, pytest.raises(errors.StoreNotActive) as caught:
        stores.require_active_store_in(uow, store.id)
    assert (caught.value.code, caught.value.status) == ("store_not_active", 409)
    reinstated = stores.reinstate_store(rt, operator, store.id)
    assert (reinstated.status, reinstated.suspension_reason) == (StoreStatus.ACTIVE, None)
    with rt.uow(read_only=True) as uow:
        assert stores.require_active_store_in(uow, store.id) == reinstated
    assert audit_actions(rt, "store", store.id) == ["store.reinstate", "store.suspend"]


def test_suspending_twice_or_reinstating_an_active_store_is_a_conflict(rt: Runtime, operator: Principal,
                                                                       store: StoreView) -> None:
    before = snapshot(rt)
    with pytest.raises(errors.StoreStatusConflict):
        stores.reinstate_store(rt, operator, store.id)
    assert snapshot(rt) == before
    stores.suspend_store(rt, operator, store.id, "fraud")
    before = snapshot(rt)
    with pytest.raises(errors.StoreStatusConflict):
        stores.suspend_store(rt, operator, store.id, "again")
    assert snapshot(rt) == before


def test_suspension_needs_an_operator_and_a_reason(rt: Runtime, operator: Principal, applicant: Principal,
                                                   store: StoreView) -> None:
    with pytest.raises(AccessDenied):
        stores.suspend_store(rt, applicant, store.id, "self")
    with pytest.raises(errors.ReasonRequired):
        stores.suspend_store(rt, operator, store.id, "")
    with pytest.raises(EntityNotFound):
        stores.suspend_store(rt, operator, "0" * 26, "gone")
    assert stores.get_store(rt, store.id).status is StoreStatus.ACTIVE


def test_stores_by_ids_skips_unknown_ids(rt: Runtime, store: StoreView) -> None:
    with rt.uow(read_only=True) as uow:
        assert stores.stores_by_ids_in(uow, [store.id, "0" * 26]) == {store.id: store}
        assert stores.stores_by_ids_in(uow, []) == {}

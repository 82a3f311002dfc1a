"""Staff use cases: the owner adds people by email, sets what they may do, removes them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from mercato.accounts import service as accounts
from mercato.audit import service as audit
from mercato.kernel.errors import EntityNotFound
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.stores._access import require_staff_in
from mercato.stores.errors import OwnerNotRemovable, OwnerPermissionsFixed, StaffDuplicate, UserUnknown
from mercato.stores.model import Permission, StaffMember, StaffRole, grantable, parse_permissions
from mercato.stores.repo import StaffRepo

EMAIL_MAX = 254


def list_staff(rt: Runtime, principal: Principal, store_id: str) -> list[StaffMember]:
    """Everyone on the store's staff with their names; any member may look."""
    with rt.uow(read_only=True) as uow:
        require_staff_in(uow, principal, store_id, None)
        members = StaffRepo(uow.conn).of_store(store_id)
        users = accounts.users_by_ids_in(uow, [m.user_id for m in members])
    return [replace(m, email=users[m.user_id].email, display_name=users[m.user_id].display_name)
            if m.user_id in users else m for m in members]


def add_staff(rt: Runtime, principal: Principal, store_id: str, email: str,
              permissions: Iterable[str]) -> StaffMember:
    """Only the owner (the one holding `staff`) adds staff; the person must already have an account."""
    granted = grantable(parse_permissions(permissions))
    now = rt.clock.now()
    with rt.uow() as uow:
        require_staff_in(uow, principal, store_id, Permission.STAFF)
        user = accounts.find_user_by_email_in(uow, email[:EMAIL_MAX])
        if user is None:
            raise UserUnknown(field="email")
        staff = StaffRepo(uow.conn)
        if staff.member(store_id, user.id) is not None:
            raise StaffDuplicate(field="email")
        staff.add(store_id, user.id, StaffRole.STAFF, granted, now)
        _audit(uow, principal, "store.staff_add", store_id, user.id, granted, rt)
        uow.commit()
    return StaffMember(store_id=store_id, user_id=user.id, role=StaffRole.STAFF, permissions=granted,
                       added_at=now, email=user.email, display_name=user.display_name)


def update_staff_permissions(rt: Runtime, principal: Principal, store_id: str, user_id: str,
                             permissions: Iterable[str]) -> StaffMember:
    granted = grantable(parse_permissions(permissions))
    with rt.uow() as uow:
        member = _other_member(uow, principal, store_id, user_id)
        if member.role is StaffRole.OWNER:
            raise OwnerPermissionsFixed()
        StaffRepo(uow.conn).set_permissions(store_id, user_id, granted)
        _audit(uow, principal, "store.staff_update", store_id, user_id, granted, rt)
        uow.commit()
    return replace(member, permissions=granted)


def remove_staff(rt: Runtime, principal: Principal, store_id: str, user_id: str) -> None:
    with rt.uow() as uow:
        member = _other_member(uow, principal, store_id, user_id)
        if member.role is StaffRole.OWNER:
            raise OwnerNotRemovable()
        StaffRepo(uow.conn).remove(store_id, user_id)
        _audit(uow, principal, "store.staff_remove", store_id, user_id, frozenset(), rt)
        uow.commit()


def _other_member(uow: UnitOfWork, principal: Principal, store_id: str, user_id: str) -> StaffMember:
    require_staff_in(uow, principal, store_id, Permission.STAFF)
    member = StaffRepo(uow.conn).member(store_id, user_id)
    if member is None:
        raise EntityNotFound("This person is not on the store's staff", entity="staff")
    return member


def _audit(uow: UnitOfWork, principal: Principal, action: str, store_id: str, user_id: str,
           permissions: frozenset[Permission], rt: Runtime) -> None:
    # Staff changes decide who may touch a store's goods and orders, so they are kept like operator actions.
    audit.record(uow, principal, action, "store", store_id,
                 {"user_id": user_id, "permissions": sorted(p.value for p in permissions)}, rt.clock.now())

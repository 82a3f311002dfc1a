"""Audit use cases on the real databases: entries commit with their action, operators page through them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mercato.accounts import service as accounts
from mercato.audit import service as audit
from mercato.audit.model import AuditEntryInvalid, AuditFilterInvalid
from mercato.kernel.clock import FixedClock
from mercato.kernel.errors import AccessDenied
from mercato.kernel.pagination import CursorInvalid, encode_cursor
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime

PASSWORD = "Tiger1234"


def _principal(rt: Runtime, email: str, *, operator: bool) -> Principal:
    make = accounts.create_operator if operator else accounts.register
    user = make(rt, email, PASSWORD, email.split("@")[0])
    return Principal(user.id, user.email, user.display_name, user.is_operator, user.locale, "session", "test")


@pytest.fixture
def operator(rt: Runtime) -> Principal:
    return _principal(rt, "ops@example.com", operator=True)


def _record(rt: Runtime, actor: Principal | None, action: str, target_id: str = "T1") -> None:
    with rt.uow() as uow:
        audit.record(uow, actor, action, action.split(".")[0], target_id, {"n": target_id}, rt.clock.now())
        uow.commit()


def _actions(rt: Runtime, operator: Principal, **filters: object) -> list[str]:
    return [e.action for e in audit.list_entries(rt, operator, **filters).items]  # type: ignore[arg-type]


def test_an_entry_rolls_back_with_the_action_it_describes(rt: Runtime, operator: Principal) -> None:
    with rt.uow() as uow:
        audit.record(uow, operator, "store.approve", "store", "S1", {}, rt.clock.now())
    assert _actions(rt, operator, action_prefix="store") == []


def test_entries_list_newest_first_with_actor_and_detail(rt: Runtime, clock: FixedClock,
                                                         operator: Principal) -> None:
    _record(rt, operator, "store.approve", "S1")
    clock.advance(timedelta(seconds=1))
    _record(rt, None, "category.create", "C1")
    page = audit.list_entries(rt, operator)
    assert [(e.action, e.actor_id, e.target_id, dict(e.detail)) for e in page.items[:2]] == [
        ("category.create", None, "C1", {"n": "C1"}), ("store.approve", operator.user_id, "S1", {"n": "S1"})]
    assert page.next_cursor is None


def test_the_action_prefix_filters_and_treats_underscore_literally(rt: Runtime, operator: Principal) -> None:
    _record(rt, operator, "store.approve")
    _record(rt, operator, "stores_x.approve")
    _record(rt, operator, "storefront.feature")
    assert _actions(rt, operator, action_prefix="store.") == ["store.approve"]
    assert sorted(_actions(rt, operator, action_prefix="stores_")) == ["stores_x.approve"]
    with pytest.raises(AuditFilterInvalid):
        audit.list_entries(rt, operator, action_prefix="store%")


def test_pages_follow_the_cursor_without_gaps_or_repeats_even_at_equal_instants(
        rt: Runtime, clock: FixedClock, operator: Principal) -> None:
    for n in range(7):
        if n % 3 == 0:
            clock.advance(timedelta(seconds=1))  # several entries share each instant
        _record(rt, operator, "brand.create", f"B{n}")
    seen, cursor = [], None
    while True:
        page = audit.list_entries(rt, operator, action_prefix="brand", cursor=cursor, limit=3)
        seen.extend(e.target_id for e in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sorted(seen) == [f"B{n}" for n in range(7)] and len(seen) == 7
    full = [e.target_id for e in audit.list_entries(rt, operator, action_prefix="brand", limit=100).items]
    assert seen == full


def test_only_operators_read_the_log(rt: Runtime, operator: Principal) -> None:
    consumer = _principal(rt, "li@example.com", operator=False)
    with pytest.raises(AccessDenied):
        audit.list_entries(rt, consumer)


@pytest.mark.parametrize("cursor", ["not-base64!", encode_cursor(["x"]), encode_cursor(["yesterday", "id"]),
                                    encode_cursor(["2026-11-11T10:00:00", "id"])])
def test_forged_cursors_are_refused(rt: Runtime, operator: Principal, cursor: str) -> None:
    with pytest.raises(CursorInvalid):
        audit.list_entries(rt, operator, cursor=cursor)


def test_a_malformed_action_is_refused_before_anything_is_written(rt: Runtime, operator: Principal) -> None:
    with rt.uow() as uow, pytest.raises(AuditEntryInvalid):
        audit.record(uow, operator, "Approve", "store", "S1", {}, rt.clock.now())
    assert _actions(rt, operator, action_prefix="store") == []

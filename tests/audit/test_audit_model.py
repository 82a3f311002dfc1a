"""Audit entry rules with plain values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.audit.model import (
    ACTION_MAX,
    AuditEntryInvalid,
    AuditFilterInvalid,
    check_action,
    check_action_prefix,
    check_detail,
    check_target,
)


@pytest.mark.parametrize("action", ["store.approve", "category.create", "commission.rate.set", "user.create_operator"])
def test_actions_name_a_capability_and_a_verb(action: str) -> None:
    assert check_action(action) == action


@pytest.mark.parametrize("action", ["", "approve", "Store.approve", "store.", ".approve", "store..approve",
                                    "store approve", "store.approve!", "1store.approve", "s." + "a" * 63])
def test_malformed_actions_are_refused(action: str) -> None:
    with pytest.raises(AuditEntryInvalid) as info:
        check_action(action)
    assert info.value.code == "audit_entry_invalid"


def test_targets_need_a_snake_case_type_and_a_short_id() -> None:
    check_target("store", "01J0000000000000000000000")
    for target_type, target_id in [("Store", "x"), ("", "x"), ("store", ""), ("store", "x" * 65), ("a" * 33, "x")]:
        with pytest.raises(AuditEntryInvalid):
            check_target(target_type, target_id)


def test_detail_is_copied_as_plain_json() -> None:
    detail = {"reason": "资质齐全", "rates": [1, 2], "nested": {"ok": True}}
    copy = check_detail(detail)
    assert copy == detail and copy is not detail


@pytest.mark.parametrize("detail", [{"at": object()}, {"x": math.nan}, {"big": "x" * 9000}])
def test_detail_that_is_not_json_or_too_large_is_refused(detail: dict[str, object]) -> None:
    with pytest.raises(AuditEntryInvalid):
        check_detail(detail)


def test_a_blank_action_prefix_means_no_filter() -> None:
    assert check_action_prefix(None) is None
    assert check_action_prefix("   ") is None
    assert check_action_prefix(" store. ") == "store."


@pytest.mark.parametrize("prefix", ["store%", "STORE", "store'--", "x" * 65])
def test_action_prefixes_outside_the_action_alphabet_are_refused(prefix: str) -> None:
    with pytest.raises(AuditFilterInvalid):
        check_action_prefix(prefix)


@given(st.from_regex(r"[a-z][a-z0-9_]{0,20}(\.[a-z][a-z0-9_]{0,20}){1,2}", fullmatch=True)
       .filter(lambda action: len(action) <= ACTION_MAX))
def test_every_well_formed_action_is_also_a_valid_prefix_of_itself(action: str) -> None:
    assert check_action_prefix(check_action(action)) == action

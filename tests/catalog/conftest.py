"""Fixtures for catalog tests: an operator, a merchant with an active independent store, a stranger merchant
with a store of their own, and the category tree of catalog_helpers."""

from __future__ import annotations

import pytest
from catalog_helpers import Tree, build_tree, open_store, person

from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime


@pytest.fixture
def operator(rt: Runtime) -> Principal:
    return person(rt, "ops@example.com", operator=True, name="Operator")


@pytest.fixture
def merchant(rt: Runtime) -> Principal:
    return person(rt, "li@example.com", name="Li Wei")


@pytest.fixture
def other_merchant(rt: Runtime) -> Principal:
    return person(rt, "zhang@example.com", name="Zhang San")


@pytest.fixture
def store_id(rt: Runtime, merchant: Principal) -> str:
    return open_store(rt, merchant, slug="tea-house")


@pytest.fixture
def other_store_id(rt: Runtime, other_merchant: Principal) -> str:
    return open_store(rt, other_merchant, slug="other-shop")


@pytest.fixture
def tree(rt: Runtime, operator: Principal) -> Tree:
    return build_tree(rt, operator)

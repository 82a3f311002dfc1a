"""Fixtures for inventory tests: a merchant's store with one listed product (two SKUs: 5 and 0 units)."""

from __future__ import annotations

import pytest

from catalog.catalog_helpers import build_tree, open_store, person, tee_draft
from mercato.catalog import service as catalog
from mercato.catalog.model import ProductView
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime


@pytest.fixture
def merchant(rt: Runtime) -> Principal:
    return person(rt, "li@example.com", name="Li Wei")


@pytest.fixture
def store_id(rt: Runtime, merchant: Principal) -> str:
    return open_store(rt, merchant, slug="tea-house")


@pytest.fixture
def product(rt: Runtime, merchant: Principal, store_id: str) -> ProductView:
    operator = person(rt, "ops@example.com", operator=True)
    return catalog.create_product(rt, merchant, store_id, tee_draft(build_tree(rt, operator)))

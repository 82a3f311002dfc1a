"""Fixtures for stores tests: an operator, an applicant, a stranger and a protected brand."""

from __future__ import annotations

import pytest
from stores_helpers import person

from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import service as stores
from mercato.stores.model import BrandView


@pytest.fixture
def operator(rt: Runtime) -> Principal:
    return person(rt, "ops@example.com", operator=True, name="Operator")


@pytest.fixture
def applicant(rt: Runtime) -> Principal:
    return person(rt, "li@example.com", name="Li Wei")


@pytest.fixture
def stranger(rt: Runtime) -> Principal:
    return person(rt, "zhang@example.com", name="Zhang San")


@pytest.fixture
def brand(rt: Runtime, operator: Principal) -> BrandView:
    return stores.create_brand(rt, operator, "acme", "ACME", "艾克美", protected=True,
                               logo_url="https://cdn.example.com/acme.png")

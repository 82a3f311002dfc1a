"""Fixtures for membership tests: a consumer, a friend, an operator."""

from __future__ import annotations

import pytest

from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from support import person


@pytest.fixture
def consumer(rt: Runtime) -> Principal:
    return person(rt, "member@example.com", name="Wang Fang")


@pytest.fixture
def friend(rt: Runtime) -> Principal:
    return person(rt, "friend@example.com", name="Chen Jie")


@pytest.fixture
def operator(rt: Runtime) -> Principal:
    return person(rt, "ops@example.com", operator=True, name="Operator")

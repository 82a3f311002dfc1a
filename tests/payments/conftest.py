"""Fixtures for payments tests: a consumer, another consumer, an operator, and two merchants with a store each;
`captured` records every PaymentCaptured event published."""

from __future__ import annotations

from typing import Any

import pytest
from payments_helpers import open_store, person

from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.payments.model import PaymentCaptured


@pytest.fixture
def consumer(rt: Runtime) -> Principal:
    return person(rt, "buyer@example.com", name="Wang Fang")


@pytest.fixture
def other_consumer(rt: Runtime) -> Principal:
    return person(rt, "other-buyer@example.com", name="Chen Jie")


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
    return open_store(rt, merchant, "tea-house")


@pytest.fixture
def other_store_id(rt: Runtime, other_merchant: Principal) -> str:
    return open_store(rt, other_merchant, "other-shop")


@pytest.fixture
def captured(rt: Runtime) -> list[PaymentCaptured]:
    seen: list[PaymentCaptured] = []

    def record(_rt: Any, _uow: Any, event: PaymentCaptured) -> None:
        seen.append(event)

    rt.events.subscribe(PaymentCaptured, record)
    return seen

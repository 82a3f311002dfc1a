"""Fixtures for reviews tests: the trade tests' small marketplace (three stores with goods, a buyer)."""

from __future__ import annotations

import pytest

from mercato.kernel.runtime import Runtime
from trade.trade_helpers import World, build_world


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)

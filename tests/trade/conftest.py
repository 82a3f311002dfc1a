"""Fixtures for trade tests: the small marketplace of trade_helpers (three stores with goods, a buyer)."""

from __future__ import annotations

import pytest
from trade_helpers import World, build_world

from mercato.kernel.runtime import Runtime


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)

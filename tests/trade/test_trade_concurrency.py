"""Checkouts under real concurrency on both engines (each test commits for real on a private database): buyers
racing for a hot SKU never oversell, and cross-store carts locked in opposite orders never deadlock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from trade_helpers import Shop, World, build_world, capture, list_skus, person, stock_of

from mercato.inventory.model import StockInsufficient
from mercato.inventory.tables import stock
from mercato.kernel.clock import FixedClock
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.settings import Settings
from mercato.trade import service as trade
from mercato.trade.model import AddressInput, PlacedOrder
from mercato.trade.tables import order_lines, orders
from mercato.wiring import event_bus

ADDRESS = AddressInput("Buyer", "13800000000", "Zhejiang", "Hangzhou", "1 Road")


@pytest.fixture
def real_rt(private_engine: Engine, tmp_path: Path) -> Runtime:
    return Runtime(settings=Settings(var_dir=tmp_path, secret_key="k" * 32), engine=private_engine,
                   uow=UnitOfWorkFactory(private_engine), clock=FixedClock(datetime(2026, 6, 18, tzinfo=UTC)),
                   events=event_bus())


def buyers_with_carts(rt: Runtime, count: int, lines: Callable[[int], list[tuple[str, int]]]
                      ) -> list[tuple[Principal, str]]:
    """`count` buyers, each with an address and the cart `lines(i)` (added in that order)."""
    ready = []
    for i in range(count):
        buyer = person(rt, f"buyer{i}@example.com")
        address = trade.add_address(rt, buyer, ADDRESS)
        for sku, quantity in lines(i):
            trade.add_to_cart(rt, buyer, sku, quantity)
        ready.append((buyer, address.id))
    return ready


def race(rt: Runtime, buyers: list[tuple[Principal, str]]) -> list[PlacedOrder | Exception]:
    start = threading.Barrier(len(buyers))

    def checkout(entry: tuple[Principal, str]) -> PlacedOrder | Exception:
        buyer, address_id = entry
        fingerprint = trade.checkout_preview(rt, buyer).fingerprint
        start.wait()
        try:
            return trade.place_order(rt, buyer, address_id=address_id, fingerprint=fingerprint,
                                     idempotency_key=f"race-{buyer.user_id}")
        except StockInsufficient as refused:
            return refused

    with ThreadPoolExecutor(len(buyers)) as pool:
        return list(pool.map(checkout, buyers))


def units_ordered(rt: Runtime, sku_id: str) -> int:
    with rt.uow(read_only=True) as uow:
        query = sa.select(sa.func.coalesce(sa.func.sum(order_lines.c.quantity), 0)).where(
            order_lines.c.sku_id == sku_id)
        return int(uow.conn.execute(query).scalar_one())


def negative_stock_rows(rt: Runtime) -> int:
    with rt.uow(read_only=True) as uow:
        query = sa.select(sa.func.count()).select_from(stock).where(sa.or_(stock.c.available < 0, stock.c.reserved < 0))
        return int(uow.conn.execute(query).scalar_one())


@pytest.mark.slow
def test_a_hundred_buyers_racing_for_ten_units_get_exactly_ten(real_rt: Runtime) -> None:
    world: World = build_world(real_rt)
    hot = list_skus(real_rt, world.shops["farm"], world.tree, "HOT", [(500, 10)])[0]
    buyers = buyers_with_carts(real_rt, 100, lambda i: [(hot, 1)])
    results = race(real_rt, buyers)
    placed = [r for r in results if isinstance(r, PlacedOrder)]
    assert len(placed) == 10
    assert all(isinstance(r, StockInsufficient) for r in results if not isinstance(r, PlacedOrder))
    assert stock_of(real_rt, hot) == (0, 10)
    assert units_ordered(real_rt, hot) == 10
    for order in placed:
        capture(real_rt, order.payment_id)
    assert stock_of(real_rt, hot) == (0, 0)  # all ten sold
    assert negative_stock_rows(real_rt) == 0


@pytest.mark.slow
def test_cross_store_carts_in_opposite_orders_neither_deadlock_nor_oversell(real_rt: Runtime) -> None:
    world: World = build_world(real_rt)
    left: Shop = world.shops["tea"]
    right: Shop = world.shops["nike"]
    a = list_skus(real_rt, left, world.tree, "LEFT", [(300, 12)])[0]
    b = list_skus(real_rt, right, world.tree, "RIGHT", [(400, 12)])[0]
    # Half the buyers add a then b, the other half b then a: the cart order is the order a naive lock would take.
    buyers = buyers_with_carts(real_rt, 30, lambda i: [(a, 1), (b, 1)] if i % 2 == 0 else [(b, 1), (a, 1)])
    results = race(real_rt, buyers)
    placed = [r for r in results if isinstance(r, PlacedOrder)]
    assert len(placed) == 12
    assert all(isinstance(r, StockInsufficient) for r in results if not isinstance(r, PlacedOrder))
    assert stock_of(real_rt, a) == (0, 12)
    assert stock_of(real_rt, b) == (0, 12)
    assert (units_ordered(real_rt, a), units_ordered(real_rt, b)) == (12, 12)
    with real_rt.uow(read_only=True) as uow:
        assert uow.conn.execute(sa.select(sa.func.count()).select_from(orders)).scalar_one() == 24
    assert negative_stock_rows(real_rt) == 0

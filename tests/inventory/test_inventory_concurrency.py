"""Reservations under real concurrency on both engines: the conditional update never oversells.

These tests commit for real, each on a private database (`private_engine`).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from catalog.catalog_helpers import build_tree, open_store, person, tee_draft
from mercato.catalog import service as catalog
from mercato.catalog.model import SkuDraft
from mercato.catalog.tables import products
from mercato.inventory import service as inventory
from mercato.inventory.tables import stock
from mercato.kernel.clock import FixedClock
from mercato.kernel.idgen import new_id
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.settings import Settings
from mercato.wiring import event_bus

THREADS = 20
UNITS = 10


@pytest.fixture
def real_rt(private_engine: Engine, tmp_path: Path) -> Runtime:
    return Runtime(settings=Settings(var_dir=tmp_path, secret_key="k" * 32), engine=private_engine,
                   uow=UnitOfWorkFactory(private_engine), clock=FixedClock(datetime(2026, 6, 18, tzinfo=UTC)),
                   events=event_bus())


def listed_sku(rt: Runtime) -> tuple[str, str]:
    tag = new_id().lower()
    operator = person(rt, f"ops-{tag}@example.com", operator=True)
    merchant = person(rt, f"m-{tag}@example.com")
    store_id = open_store(rt, merchant, slug=f"s-{tag}")
    draft = tee_draft(build_tree(rt, operator, prefix=f"{tag}-"),
                      skus=(SkuDraft(f"HOT-{tag}", {"colour": "Red"}, 100, stock=UNITS),))
    product = catalog.create_product(rt, merchant, store_id, draft)
    return product.id, product.skus[0].id


def reserve_one(rt: Runtime, sku_id: str, start: threading.Barrier) -> bool:
    start.wait()
    with rt.uow() as uow:
        reserved = inventory.reserve_in(uow, sku_id, 1, rt=rt)
        uow.commit()
    return reserved


@pytest.mark.slow
def test_twenty_buyers_racing_for_ten_units_get_exactly_ten(real_rt: Runtime) -> None:
    product_id, sku_id = listed_sku(real_rt)
    start = threading.Barrier(THREADS)
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda _: reserve_one(real_rt, sku_id, start), range(THREADS)))
    assert results.count(True) == UNITS
    with real_rt.engine.connect() as conn:
        row = conn.execute(sa.select(stock.c.available, stock.c.reserved).where(stock.c.sku_id == sku_id)).one()
        still_in_stock = conn.execute(sa.select(products.c.in_stock).where(products.c.id == product_id)).scalar()
    assert (row.available, row.reserved) == (0, UNITS)
    assert still_in_stock is False

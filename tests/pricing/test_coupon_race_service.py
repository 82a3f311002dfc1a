"""A coupon spent by two checkouts at once, committed for real on a private database of each kind: one checkout
spends it, the other is refused whole (coupon_unavailable when they overlap, cart_stale when the second priced after
the first committed) and leaves no order, payment or reservation behind."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from pricing_helpers import add_promotion
from sqlalchemy.engine import Engine

from mercato.kernel.clock import FixedClock
from mercato.kernel.errors import DomainError
from mercato.kernel.idgen import new_id
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.payments.tables import payments
from mercato.pricing import service as pricing
from mercato.pricing.model import Kind, Promotion
from mercato.pricing.tables import held_coupons
from mercato.settings import Settings
from mercato.trade import service as trade
from mercato.trade.model import PlacedOrder
from mercato.trade.tables import orders
from mercato.wiring import event_bus
from trade.trade_helpers import build_world, stock_of


@pytest.fixture
def real_rt(private_engine: Engine, tmp_path: Path) -> Runtime:
    return Runtime(settings=Settings(var_dir=tmp_path, secret_key="k" * 32), engine=private_engine,
                   uow=UnitOfWorkFactory(private_engine), clock=FixedClock(datetime(2026, 6, 18, tzinfo=UTC)),
                   events=event_bus())


def test_two_checkouts_spending_the_same_voucher_spend_it_once(real_rt: Runtime) -> None:
    rt = real_rt
    world = build_world(rt)
    voucher = Promotion(new_id(), Kind.PLATFORM_VOUCHER, threshold=10000, amount=1000)
    with rt.uow() as uow:
        add_promotion(uow.conn, voucher, owner="platform")
        held_id = pricing.issue_held_in(uow, promotion_id=voucher.promotion_id, consumer_id=world.buyer.user_id,
                                        source="campaign", now=rt.clock.now())
        uow.commit()
    tea, nike = world.shops["tea"].skus[0], world.shops["nike"].skus[1]
    trade.add_to_cart(rt, world.buyer, tea, 2)
    trade.add_to_cart(rt, world.buyer, nike, 1)
    start = threading.Barrier(2)

    def checkout(sku_id: str) -> PlacedOrder | DomainError:
        preview = trade.checkout_preview(rt, world.buyer, [sku_id])
        assert preview.used_held == (held_id,)
        start.wait()
        try:
            return trade.place_order(rt, world.buyer, address_id=world.address_id, fingerprint=preview.fingerprint,
                                     idempotency_key=f"race-{sku_id}", sku_ids=[sku_id])
        except DomainError as refused:
            return refused

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(checkout, [tea, nike]))
    placed = [r for r in results if isinstance(r, PlacedOrder)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(placed), len(refused)) == (1, 1)
    assert refused[0].code in {"coupon_unavailable", "cart_stale"}
    with rt.uow(read_only=True) as uow:
        held = uow.conn.execute(sa.select(held_coupons.c.status, held_coupons.c.payment_id)).all()
        payment_ids = list(uow.conn.execute(sa.select(payments.c.id)).scalars())
        order_count = uow.conn.execute(sa.select(sa.func.count()).select_from(orders)).scalar_one()
    assert [tuple(h) for h in held] == [("used", placed[0].payment_id)]
    assert (payment_ids, order_count) == ([placed[0].payment_id], 1)
    loser = nike if placed[0].orders[0].store_id == world.shops["tea"].store_id else tea
    assert stock_of(rt, loser)[1] == 0

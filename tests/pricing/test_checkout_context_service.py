"""Who the consumer is, as the checkout tells the engine, on both databases: a member price only for a member in
force, a first-order gift only before any order of theirs was paid (on the platform, or in that store)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pricing_helpers import add_promotion

from mercato.kernel.idgen import new_id
from mercato.kernel.runtime import Runtime
from mercato.membership.tables import memberships
from mercato.pricing.model import Kind, Promotion, Requirement, Scope, Tier
from mercato.trade import service as trade
from trade.trade_helpers import World, build_world, capture, preview_and_place


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


def add(rt: Runtime, promo: Promotion, **columns: object) -> None:
    with rt.uow() as uow:
        add_promotion(uow.conn, promo, **columns)  # type: ignore[arg-type]
        uow.commit()


def discount(rt: Runtime, world: World) -> int:
    return trade.checkout_preview(rt, world.buyer).discount


def make_member(rt: Runtime, world: World, days: int) -> None:
    now = rt.clock.now()
    with rt.uow() as uow:
        uow.conn.execute(memberships.insert().values(
            id=new_id(), consumer_id=world.buyer.user_id, status="active", price=8800, points=0, payment_id=None,
            starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=days), created_at=now))
        uow.commit()


def test_a_member_price_applies_only_while_the_membership_is_in_force(rt: Runtime, world: World) -> None:
    trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 4)  # 50.00
    add(rt, Promotion(new_id(), Kind.MEMBER_PRICE, percent=10), owner="platform")
    assert discount(rt, world) == 0
    make_member(rt, world, days=30)
    assert discount(rt, world) == 500
    rt.clock.advance(timedelta(days=31))  # type: ignore[attr-defined]
    assert discount(rt, world) == 0


def test_a_first_order_gift_applies_until_an_order_is_paid(rt: Runtime, world: World) -> None:
    farm = world.shops["farm"].store_id
    trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 4)
    gift = Promotion(new_id(), Kind.STORE_REDUCTION, scope=Scope(frozenset({farm})), tiers=(Tier(1000, 300),),
                     requirement=Requirement.FIRST_PLATFORM_ORDER)
    add(rt, gift, owner="store")
    assert discount(rt, world) == 300
    placed = preview_and_place(rt, world, key="first")
    trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 4)
    assert discount(rt, world) == 300  # the first order is not paid yet
    capture(rt, placed.payment_id)
    assert discount(rt, world) == 0


def test_a_first_store_order_gift_looks_only_at_that_store(rt: Runtime, world: World) -> None:
    farm = world.shops["farm"].store_id
    trade.add_to_cart(rt, world.buyer, world.shops["tea"].skus[0], 1)
    capture(rt, preview_and_place(rt, world, key="tea").payment_id)
    trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 4)
    gift = Promotion(new_id(), Kind.STORE_REDUCTION, scope=Scope(frozenset({farm})), tiers=(Tier(1000, 300),),
                     requirement=Requirement.FIRST_STORE_ORDER)
    add(rt, gift, owner="store")
    assert discount(rt, world) == 300

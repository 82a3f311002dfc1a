"""Recording behaviour events on both databases: what is stored, what is dropped and counted (unknown or inactive
products, bad kinds, bot bursts), the batch limit, and the buy events a captured payment adds."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from mercato.catalog import service as catalog
from mercato.kernel.runtime import Runtime
from mercato.recommend import service
from mercato.recommend.events import EventBatchTooLarge, EventIn, LogWindow, record_events_in
from mercato.recommend.tables import recommend_event_drops, recommend_events
from mercato.trade import service as trade
from trade.trade_helpers import World, build_world, capture, preview_and_place

BUYER = "01JBUYER000000000000000000"


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


def product_of(rt: Runtime, sku_id: str) -> str:
    with rt.uow(read_only=True) as uow:
        return catalog.skus_by_ids_in(uow, [sku_id])[sku_id].product_id


def products(rt: Runtime, world: World) -> dict[str, str]:
    return {name: product_of(rt, shop.skus[0]) for name, shop in world.shops.items()}


def stored(rt: Runtime) -> list[tuple[str, str, str, str, str | None]]:
    e = recommend_events.c
    with rt.uow(read_only=True) as uow:
        rows = uow.conn.execute(sa.select(e.actor_id, e.product_id, e.store_id, e.kind, e.query).order_by(e.id))
        return [tuple(row) for row in rows]  # type: ignore[misc]


def drop_table(rt: Runtime) -> dict[str, int]:
    d = recommend_event_drops.c
    with rt.uow(read_only=True) as uow:
        return {row.reason: int(row.dropped) for row in uow.conn.execute(sa.select(d.reason, d.dropped))}


def test_valid_events_are_stored_with_their_store_and_time(rt: Runtime, world: World) -> None:
    goods = products(rt, world)
    outcome = service.record_events(rt, [EventIn(BUYER, goods["tea"], "view"),
                                         EventIn(BUYER, goods["nike"], "search_click", "  running shoes "),
                                         EventIn(BUYER, goods["farm"], "cart", "ignored for carts")])
    assert outcome.accepted == 3
    assert outcome.dropped == {}
    assert stored(rt) == [
        (BUYER, goods["tea"], world.shops["tea"].store_id, "view", None),
        (BUYER, goods["nike"], world.shops["nike"].store_id, "search_click", "running shoes"),
        (BUYER, goods["farm"], world.shops["farm"].store_id, "cart", None),
    ]
    with rt.uow(read_only=True) as uow:
        times = set(uow.conn.execute(sa.select(recommend_events.c.at)).scalars())
    assert times == {rt.clock.now()}


def test_unknown_and_inactive_products_are_dropped_and_counted(rt: Runtime, world: World) -> None:
    goods = products(rt, world)
    catalog.delist_product(rt, world.shops["farm"].owner, goods["farm"])
    outcome = service.record_events(rt, [EventIn(BUYER, "01JNOSUCHPRODUCT0000000000", "view"),
                                         EventIn(BUYER, goods["farm"], "view"),
                                         EventIn(BUYER, goods["farm"], "cart"),
                                         EventIn(BUYER, goods["tea"], "view")])
    assert outcome.accepted == 1
    assert outcome.dropped == {"unknown_product": 1, "inactive_product": 2}
    assert [row[1] for row in stored(rt)] == [goods["tea"]]
    service.record_events(rt, [EventIn(BUYER, "nope", "view")])
    assert drop_table(rt) == {"unknown_product": 2, "inactive_product": 2}
    today = rt.clock.now().date()
    assert [(d.day, d.reason, d.count) for d in service.drop_counts(rt)] == [
        (today, "inactive_product", 2), (today, "unknown_product", 2)]


def test_a_bad_kind_is_refused_and_counted(rt: Runtime, world: World) -> None:
    goods = products(rt, world)
    outcome = service.record_events(rt, [EventIn(BUYER, goods["tea"], "like"), EventIn(BUYER, goods["tea"], "")])
    assert outcome.accepted == 0
    assert outcome.dropped == {"kind_invalid": 2}
    assert stored(rt) == []
    assert drop_table(rt) == {"kind_invalid": 2}


def test_a_burst_beyond_the_limit_per_second_is_dropped_as_a_bot(rt: Runtime, world: World) -> None:
    goods = products(rt, world)
    burst = [EventIn("v_bot", goods["tea"], "view")] * 30 + [EventIn("v_human", goods["tea"], "view")]
    first = service.record_events(rt, burst)
    assert (first.accepted, first.dropped) == (21, {"bot": 10})
    rt.clock.advance(timedelta(milliseconds=500))  # type: ignore[attr-defined]
    again = service.record_events(rt, [EventIn("v_bot", goods["tea"], "view")])
    assert (again.accepted, again.dropped) == (0, {"bot": 1})
    rt.clock.advance(timedelta(milliseconds=600))  # type: ignore[attr-defined]
    later = service.record_events(rt, [EventIn("v_bot", goods["tea"], "view")])
    assert (later.accepted, later.dropped) == (1, {})
    assert drop_table(rt) == {"bot": 11}
    assert sum(1 for row in stored(rt) if row[0] == "v_bot") == 21


def test_the_window_limit_is_a_parameter(rt: Runtime, world: World) -> None:
    goods = products(rt, world)
    with rt.uow() as uow:
        outcome = record_events_in(uow, [EventIn("v_x", goods["tea"], "view")] * 5, rt.clock.now(), LogWindow(3))
    assert (outcome.accepted, outcome.dropped) == (3, {"bot": 2})


def test_a_batch_over_fifty_is_refused_and_changes_nothing(rt: Runtime, world: World) -> None:
    goods = products(rt, world)
    with pytest.raises(EventBatchTooLarge) as refused:
        service.record_events(rt, [EventIn(BUYER, goods["tea"], "like")] * 51)
    assert refused.value.code == "event_batch_too_large"
    assert stored(rt) == []
    assert drop_table(rt) == {}
    assert service.record_events(rt, [EventIn(f"v_{i}", goods["tea"], "view") for i in range(50)]).accepted == 50


def test_a_captured_payment_adds_a_buy_event_per_paid_line(rt: Runtime, world: World) -> None:
    trade.add_to_cart(rt, world.buyer, world.shops["tea"].skus[0], 2)
    trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[0], 1)
    trade.add_to_cart(rt, world.buyer, world.shops["farm"].skus[1], 1)
    placed = preview_and_place(rt, world)
    tea, farm = world.shops["tea"], world.shops["farm"]
    lines = [(world.buyer.user_id, product_of(rt, tea.skus[0]), tea.store_id),
             (world.buyer.user_id, product_of(rt, farm.skus[0]), farm.store_id),
             (world.buyer.user_id, product_of(rt, farm.skus[1]), farm.store_id)]
    assert stored(rt) == [(*line, "cart", None) for line in lines]
    capture(rt, placed.payment_id)
    assert sorted(e for e in stored(rt) if e[3] == "buy") == sorted((*line, "buy", None) for line in lines)


def test_history_lists_the_latest_events_oldest_first_with_search_clicks_as_views(rt: Runtime, world: World) -> None:
    goods = products(rt, world)
    for name, kind in (("tea", "view"), ("nike", "search_click"), ("farm", "cart")):
        service.record_events(rt, [EventIn(BUYER, goods[name], kind, "q")])
        rt.clock.advance(timedelta(seconds=5))  # type: ignore[attr-defined]
    with rt.uow(read_only=True) as uow:
        history = service.history_in(uow, BUYER, 2)
        assert service.history_in(uow, "v_nobody", 10) == []
    start = rt.clock.now() - timedelta(seconds=15)
    assert [(e.user, e.item, e.kind, e.at) for e in history] == [
        (BUYER, goods["nike"], "view", (start + timedelta(seconds=5)).timestamp()),
        (BUYER, goods["farm"], "cart", (start + timedelta(seconds=10)).timestamp()),
    ]

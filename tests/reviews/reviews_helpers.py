"""Helpers for reviews tests: the trade tests' small marketplace, an order taken to receipt (or short of it),
running due jobs, and a snapshot of every reviews row (and the scores they feed) that a refusal must not change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.reviews import service as reviews
from mercato.reviews.model import ReviewView, StoreScores
from mercato.trade import service as trade
from trade.trade_helpers import World, capture, preview_and_place, run_jobs

GOOD = StoreScores(5, 4, 3)


@dataclass(frozen=True)
class Bought:
    order_no: str
    order_id: str
    store_id: str
    line_ids: tuple[str, ...]
    product_ids: tuple[str, ...]


def buy(rt: Runtime, world: World, shop: str = "tea", skus: Sequence[int] = (0,), *, receive: bool = True,
        ship: bool = True, buyer: Principal | None = None) -> Bought:
    """One order of the shop's SKUs (1 unit each), paid, shipped and received unless told to stop earlier."""
    who = buyer or world.buyer
    sku_ids = [world.shops[shop].skus[i] for i in skus]
    for sku in sku_ids:
        trade.add_to_cart(rt, who, sku, 1)
    address_id = world.address_id if buyer is None else trade.addresses(rt, who)[0].id
    placed = preview_and_place(rt, world, buyer=who, sku_ids=sku_ids, address_id=address_id)
    capture(rt, placed.payment_id)
    ref = placed.orders[0]
    if ship:
        trade.ship_order(rt, world.shops[shop].owner, ref.store_id, ref.order_no, "SF Express", "SF1234567890")
    if ship and receive:
        trade.confirm_receipt(rt, who, ref.order_no)
    detail = trade.my_order(rt, who, ref.order_no)
    return Bought(ref.order_no, ref.order_id, ref.store_id, tuple(line.id for line in detail.lines),
                  tuple(line.product_id for line in detail.lines))


def review(rt: Runtime, who: Principal, bought: Bought, line: int = 0, rating: int = 4, text: str = "Nice tea",
           scores: StoreScores | None = GOOD) -> ReviewView:
    return reviews.submit_review(rt, who, bought.order_no, bought.line_ids[line], rating, text, scores)


def rows(rt: Runtime, table: str) -> list[tuple[str, ...]]:
    with rt.uow(read_only=True) as uow:
        return sorted(tuple(str(v) for v in row) for row in uow.conn.execute(sa.text(f"SELECT * FROM {table}")))


def snapshot(rt: Runtime) -> dict[str, Any]:
    """Every reviews row, the products' ratings, the stores' scores and the queued jobs."""
    with rt.uow(read_only=True) as uow:
        ratings = sorted(tuple(r) for r in uow.conn.execute(sa.text("SELECT id, rating, rating_count FROM products")))
        dsr = sorted(tuple(r) for r in uow.conn.execute(sa.text(
            "SELECT id, dsr_description, dsr_service, dsr_logistics FROM stores")))
    return {"reviews": rows(rt, "reviews"), "follow_ups": rows(rt, "review_follow_ups"),
            "replies": rows(rt, "review_replies"), "votes": rows(rt, "review_helpful_votes"),
            "jobs": rows(rt, "jobs"), "ratings": ratings, "dsr": dsr}


def jobs_run(rt: Runtime, after: timedelta = timedelta(seconds=10)) -> int:
    """Run every job due after `after` (by default the 10 seconds the store scores wait for)."""
    return run_jobs(rt, after)

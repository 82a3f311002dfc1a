"""Helpers for the trade page tests: the small marketplace of the trade tests, a browser logged in as one of its
people, a filled cart, placed and paid orders, the hidden fields of a rendered form, and a snapshot of every row a
refused form must leave alone."""

from __future__ import annotations

import re
from collections.abc import Sequence

from fastapi.testclient import TestClient

from mercato.catalog import service as catalog
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.trade import service as trade
from mercato.trade.model import PlacedOrder
from support import csrf_from, log_in, person
from trade.trade_helpers import World, build_world, capture, preview_and_place, snapshot

__all__ = ["World", "as_person", "build_world", "capture", "csrf_from", "fill_cart", "hidden", "order_of",
           "paid_orders", "person", "place", "place_many", "preview_and_place", "product_of", "snapshot"]


def as_person(client: TestClient, rt: Runtime, who: Principal) -> TestClient:
    log_in(client, rt, who)
    return client


def hidden(html: str, name: str) -> str:
    """The value of the hidden input `name` in a rendered form."""
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, f"the page has no hidden {name} field"
    return match.group(1)


def fill_cart(rt: Runtime, world: World, lines: Sequence[tuple[str, int, int]] = (("tea", 0, 2), ("nike", 0, 1)),
              buyer: Principal | None = None) -> None:
    """(shop, SKU index, quantity) into the buyer's cart."""
    for shop, index, quantity in lines:
        trade.add_to_cart(rt, buyer or world.buyer, world.shops[shop].skus[index], quantity)


def place(rt: Runtime, world: World, buyer: Principal | None = None, key: str | None = None) -> PlacedOrder:
    """Fill the cart (tea x2, nike x1) and place it: one payment, two orders."""
    fill_cart(rt, world, buyer=buyer)
    return preview_and_place(rt, world, buyer=buyer, key=key)


def paid_orders(rt: Runtime, world: World) -> PlacedOrder:
    placed = place(rt, world)
    capture(rt, placed.payment_id)
    return placed


def order_of(placed: PlacedOrder, world: World, shop: str) -> str:
    """The order number of the shop's order in a placement."""
    return next(o.order_no for o in placed.orders if o.store_id == world.shops[shop].store_id)


def product_of(rt: Runtime, sku_id: str) -> str:
    with rt.uow(read_only=True) as uow:
        return catalog.skus_by_ids_in(uow, [sku_id])[sku_id].product_id


def place_many(rt: Runtime, world: World, checkouts: int, buyer: Principal | None = None) -> None:
    """`checkouts` placements of a three-store cart (tea, nike, farm x1 each): three orders each."""
    tea = world.shops["tea"]
    catalog.set_sku_stock(rt, tea.owner, tea.skus[0], 50)
    for _ in range(checkouts):
        fill_cart(rt, world, (("tea", 0, 1), ("nike", 0, 1), ("farm", 0, 1)), buyer=buyer)
        preview_and_place(rt, world, buyer=buyer)

"""Helpers for trade tests: a small marketplace (three stores, listed SKUs with stock, a consumer with an address),
paying through payments, running due jobs, counting SQL statements and snapshotting every row a refusal must not
change."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from catalog.catalog_helpers import Tree, build_tree, open_store, tee_draft
from mercato.catalog import service as catalog
from mercato.catalog.model import SkuDraft
from mercato.inventory.tables import stock
from mercato.kernel import jobs
from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.payments import service as payments
from mercato.payments.model import GatewayEvent
from mercato.trade import service as trade
from mercato.trade.model import AddressInput, PlacedOrder
from mercato.trade.tables import addresses, cart_lines, order_events, order_lines, orders, store_shipping
from mercato.wiring import job_handlers
from support import person as person

TRADE_TABLES = (cart_lines, addresses, store_shipping, orders, order_lines, order_events)


@dataclass
class Shop:
    owner: Principal
    store_id: str
    skus: list[str] = field(default_factory=list)


@dataclass
class World:
    operator: Principal
    tree: Tree
    shops: dict[str, Shop]
    buyer: Principal
    address_id: str


def list_skus(rt: Runtime, shop: Shop, tree: Tree, tag: str, skus: Sequence[tuple[int, int]],
              ) -> list[str]:
    """List one product in the shop with a SKU per (price, stock); its SKU ids in order."""
    drafts = tuple(SkuDraft(f"{tag}-{i}", {"colour": f"C{i}", "size": "M"}, price, stock=units)
                   for i, (price, units) in enumerate(skus))
    draft = tee_draft(tree, title_en=f"Tee {tag}", title_zh=f"T恤 {tag}", skus=drafts)
    product = catalog.create_product(rt, shop.owner, shop.store_id, draft)
    ids = [s.id for s in product.skus]
    shop.skus.extend(ids)
    return ids


def build_world(rt: Runtime, prefix: str = "") -> World:
    """Three stores (two independent, one flagship) with goods, and a buyer with a default address."""
    operator = person(rt, f"{prefix}ops@example.com", operator=True, name="Ops")
    tree = build_tree(rt, operator, prefix=prefix)
    shops = {}
    for name, kind in (("tea", "independent"), ("nike", "flagship"), ("farm", "independent")):
        owner = person(rt, f"{prefix}{name}@example.com", name=name.title())
        shops[name] = Shop(owner, open_store(rt, owner, slug=f"{prefix}{name}-shop", kind=kind))
    list_skus(rt, shops["tea"], tree, f"{prefix}TEA", [(9900, 5), (10900, 0)])
    list_skus(rt, shops["nike"], tree, f"{prefix}NIKE", [(59900, 10), (39900, 10)])
    list_skus(rt, shops["farm"], tree, f"{prefix}FARM", [(1250, 100), (700, 20)])
    buyer = person(rt, f"{prefix}buyer@example.com", name="Buyer")
    address = trade.add_address(rt, buyer, AddressInput("Wang Fang", "13800000000", "Zhejiang", "Hangzhou",
                                                        "1 West Lake Road", "310000"))
    with rt.uow() as uow:  # listing the goods booked search's shop refreshes; trade's tests count only their own jobs
        uow.conn.execute(jobs.jobs.delete().where(jobs.jobs.c.kind.like("search.%")))
        uow.commit()
    return World(operator, tree, shops, buyer, address.id)


def preview_and_place(rt: Runtime, world: World, buyer: Principal | None = None, key: str | None = None,
                      sku_ids: Sequence[str] | None = None, address_id: str | None = None) -> PlacedOrder:
    who = buyer or world.buyer
    preview = trade.checkout_preview(rt, who, sku_ids)
    return trade.place_order(rt, who, address_id=address_id or world.address_id, fingerprint=preview.fingerprint,
                             idempotency_key=key, sku_ids=sku_ids)


def capture(rt: Runtime, payment_id: str) -> None:
    """The gateway says the payment's money arrived (payments publishes PaymentCaptured in this unit of work)."""
    with rt.uow() as uow:
        view = payments.payment_status_in(uow, payment_id)
        assert view is not None
        event = GatewayEvent(f"evt-{new_id()}", "charge.succeeded", payment_id, f"sess-{new_id()}", view.amount,
                             view.currency)
        payments.capture_in(rt, uow, event, rt.clock.now())
        uow.commit()


def run_jobs(rt: Runtime, after: timedelta | None = None) -> int:
    if after is not None:
        rt.clock.advance(after)  # type: ignore[attr-defined]
    ran = 0
    while True:
        batch = jobs.run_due(rt, job_handlers(), "test-worker")
        ran += batch
        if batch == 0:
            return ran


def stock_of(rt: Runtime, sku_id: str) -> tuple[int, int]:
    with rt.uow(read_only=True) as uow:
        row = uow.conn.execute(sa.select(stock.c.available, stock.c.reserved).where(stock.c.sku_id == sku_id)).one()
    return int(row.available), int(row.reserved)


def order_rows(rt: Runtime) -> list[Any]:
    with rt.uow(read_only=True) as uow:
        return list(uow.conn.execute(sa.select(orders).order_by(orders.c.store_id, orders.c.id)))


def snapshot(rt: Runtime) -> dict[str, Any]:
    """Every row of the trade tables, the stock, the payments and the queued jobs."""
    names = [t.name for t in TRADE_TABLES] + ["stock", "payments", "payment_parts", "jobs"]
    with rt.uow(read_only=True) as uow:
        return {name: sorted(tuple(str(v) for v in row) for row in uow.conn.execute(sa.text(f"SELECT * FROM {name}")))
                for name in names}


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends to the database while the block runs (executemany counts once)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def unique_tag() -> str:
    return new_id().lower()[-8:]


def payment_status(rt: Runtime, payment_id: str) -> tuple[str, int]:
    with rt.uow(read_only=True) as uow:
        view = payments.payment_status_in(uow, payment_id)
    assert view is not None
    return str(view.status), int(view.amount)

"""Helpers for after-sales tests: an order bought (and shipped, and received) in the trade tests' marketplace, the
money the consumer got back through the sandbox gateway, stock, a consumer seeded into a credit tier, and a snapshot
of every row a refusal must not change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from mercato.aftersales import service as aftersales
from mercato.aftersales.model import RefundRequest
from mercato.credit import service as credit
from mercato.credit.model import score_for_tier
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.trade import service as trade
from trade.trade_helpers import World, capture, preview_and_place, run_jobs, stock_of

TABLES = ("refund_requests", "refund_events", "refund_evidence", "orders", "order_events", "stock", "payments",
          "payment_parts", "ledger_entries", "ledger_lines", "merchant_balances", "refund_movements",
          "quick_refund_advances", "sandbox_transfers", "held_coupons", "idempotency_keys", "jobs")


@dataclass(frozen=True)
class Bought:
    order_no: str
    order_id: str
    store_id: str
    owner: Principal
    line_ids: tuple[str, ...]
    sku_ids: tuple[str, ...]


def buy(rt: Runtime, world: World, shop: str = "tea", units: Sequence[tuple[int, int]] = ((0, 3),), *,
        ship: bool = False, receive: bool = False, buyer: Principal | None = None) -> Bought:
    """One paid order of the shop's SKUs ((sku index, units) each), shipped and received when told."""
    who = buyer or world.buyer
    sku_ids = [world.shops[shop].skus[i] for i, _ in units]
    for sku, (_, count) in zip(sku_ids, units, strict=True):
        trade.add_to_cart(rt, who, sku, count)
    placed = preview_and_place(rt, world, buyer=who, sku_ids=sku_ids)
    capture(rt, placed.payment_id)
    ref = placed.orders[0]
    owner = world.shops[shop].owner
    if ship or receive:
        trade.ship_order(rt, owner, ref.store_id, ref.order_no, "SF Express", "SF1234567890")
    if receive:
        trade.confirm_receipt(rt, who, ref.order_no)
    detail = trade.my_order(rt, who, ref.order_no)
    return Bought(ref.order_no, ref.order_id, ref.store_id, owner, tuple(x.id for x in detail.lines),
                  tuple(x.sku_id for x in detail.lines))


def ask(rt: Runtime, world: World, bought: Bought, units: int = 1, kind: str = "refund_only",
        reason: str = "changed_mind", line: int = 0, key: str | None = None,
        buyer: Principal | None = None) -> RefundRequest:
    return aftersales.request_refund(rt, buyer or world.buyer, order_no=bought.order_no,
                                     order_line_id=bought.line_ids[line], units=units, kind=kind, reason=reason,
                                     note="", idempotency_key=key)


def refunded_to(rt: Runtime, kind: str = "refund") -> list[tuple[str, int]]:
    """The sandbox gateway's transfers of one kind (refund | clawback), by reference."""
    with rt.uow(read_only=True) as uow:
        rows = uow.conn.execute(sa.text("SELECT reference, amount FROM sandbox_transfers WHERE kind = :k "
                                        "ORDER BY reference"), {"k": kind})
        return [(r.reference, int(r.amount)) for r in rows]


def order_status(rt: Runtime, world: World, bought: Bought) -> str:
    return trade.my_order(rt, world.buyer, bought.order_no).order.status.value


def seed_tier(rt: Runtime, consumer: Principal, tier: str) -> None:
    with rt.uow() as uow:
        credit.store_score_in(uow, consumer.user_id, score_for_tier(tier), rt.clock.now())
        uow.commit()


def rows(rt: Runtime, table: str) -> list[tuple[str, ...]]:
    with rt.uow(read_only=True) as uow:
        return sorted(tuple(str(v) for v in row) for row in uow.conn.execute(sa.text(f"SELECT * FROM {table}")))


def snapshot(rt: Runtime) -> dict[str, Any]:
    return {table: rows(rt, table) for table in TABLES}


def ledger_ok(rt: Runtime) -> list[Any]:
    """`mercato ledger verify`: trade's and payments' checks, and after-sales' requests against their money."""
    return trade.verify_ledger(rt) + aftersales.verify_aftersales(rt)


__all__ = ["capture", "run_jobs", "stock_of"]

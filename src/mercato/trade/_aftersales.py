"""What after-sales needs from trade, inside its unit of work: an order as a plain value (lines with what they
paid, their commission and platform-funded discount) and telling trade about a refund (a timeline entry, and an
unshipped order refunded in full is cancelled, what a partial decision left in escrow settling to the merchant)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mercato.kernel.uow import UnitOfWork
from mercato.payments import service as payments
from mercato.trade._checkout import event_row
from mercato.trade.model import OrderState, OrderStatus, looks_like_order_no
from mercato.trade.repo import OrderRepo


@dataclass(frozen=True, slots=True)
class AftersalesLine:
    id: str
    sku_id: str
    product_id: str
    title_en: str
    title_zh: str
    sku_label: str
    quantity: int
    paid: int  # after its discount allocation
    commission: int
    platform: int  # the platform-funded part of its discounts


@dataclass(frozen=True, slots=True)
class AftersalesOrder:
    id: str
    order_no: str
    payment_id: str
    consumer_id: str
    store_id: str
    status: OrderStatus
    shipping_fee: int
    total: int
    paid_at: datetime | None
    shipped_at: datetime | None
    completed_at: datetime | None
    lines: tuple[AftersalesLine, ...]

    def line(self, key: str) -> AftersalesLine | None:
        """The line with this id, or else of this SKU (an order has one line per SKU)."""
        return next((line for line in self.lines if line.id == key), None) or \
            next((line for line in self.lines if line.sku_id == key), None)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


def order_for_aftersales_in(uow: UnitOfWork, *, order_id: str | None = None,
                            order_no: str | None = None) -> AftersalesOrder | None:
    """One order (by id or number) with its lines, or None."""
    repo = OrderRepo(uow.conn)
    if order_id is not None:
        state = repo.state(order_id)
        order_no = state.order_no if state else None
    if order_no is None or not looks_like_order_no(order_no):
        return None
    row = repo.row_by_no(order_no)
    return _order(row, repo) if row is not None else None


def payment_orders_in(uow: UnitOfWork, payment_id: str) -> list[AftersalesOrder]:
    """Every order of one payment (a checkout across stores), for the rule that returns its coupons."""
    repo = OrderRepo(uow.conn)
    found = (order_for_aftersales_in(uow, order_no=s.order_no) for s in repo.states_of_payment(payment_id))
    return [order for order in found if order is not None]


def _order(row: Any, repo: OrderRepo) -> AftersalesOrder:
    platform: dict[str, int] = defaultdict(int)
    for discount in repo.line_discounts(row.id):
        platform[discount.order_line_id] += int(discount.platform)
    lines = tuple(AftersalesLine(x.id, x.sku_id, x.product_id, x.title_en, x.title_zh, x.sku_label, x.quantity,
                                 x.paid, x.commission, platform[x.id]) for x in repo.lines(row.id))
    return AftersalesOrder(row.id, row.order_no, row.payment_id, row.consumer_id, row.store_id,
                           OrderStatus(row.status), int(row.shipping_fee), int(row.total), row.paid_at,
                           row.shipped_at, row.completed_at, lines)


def mark_refunded_in(uow: UnitOfWork, *, order_id: str, fully: bool, now: datetime, actor_id: str | None,
                     note: str) -> OrderStatus | None:
    """A refund of the order happened: a timeline entry; a paid, unshipped order refunded in full is cancelled
    (its escrow is empty). The order's status afterwards, None when there is no such order."""
    repo = OrderRepo(uow.conn)
    state = repo.state(order_id)
    if state is None:
        return None
    status = state.status
    if fully and status is OrderStatus.PAID and repo.move([order_id], OrderStatus.PAID, OrderStatus.CANCELLED,
                                                           cancelled_at=now, cancel_reason="refunded"):
        status = OrderStatus.CANCELLED
        _settle_kept_in(uow, state, now)
    repo.insert_events([event_row(order_id, status, now, actor_id, note)])
    return status


def _settle_kept_in(uow: UnitOfWork, state: OrderState, now: datetime) -> None:
    """Every unit is refunded but an operator's partial decision left money in escrow: the merchant keeps it, and
    as a cancelled order is never received, it settles now (less the commission and subsidy shares refunded)."""
    if payments.refundable_in(uow, order_id=state.id) > 0:
        payments.settle_order_in(uow, order_id=state.id, commission=state.commission, now=now,
                                 platform_funded=state.platform_funded)

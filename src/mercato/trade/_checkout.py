"""Checkout: the priced preview, placing the order (one payment, one order per store, stock reserved for every line
or none) and the job that closes an unpaid payment when its time runs out.

Placement reads each kind of fact in one batch and writes each kind of row in one executemany, so a cart of any
size costs a fixed number of statements (tests/trade/test_checkout_service.py counts them). The promotions and the
coupons held cost one statement more; whether the consumer is a member, or has ordered before, only when a running
promotion depends on it.

Coupons and vouchers are spent at placement, in its unit of work, and come back when the payment closes unpaid: at
its timeout, or at once when the consumer cancels its last unpaid order. Cancelling one unpaid order of a payment
while others still await it leaves them spent: those orders keep the discounts the coupons gave, and a coupon is one
indivisible thing (no partial give-back). A paid order cancelled later is refunded what was paid for it; the coupons
stay used.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from mercato.credit import service as credit
from mercato.inventory import service as inventory
from mercato.kernel import idempotency, jobs
from mercato.kernel.idgen import new_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.membership import service as membership
from mercato.payments import service as payments
from mercato.payments.model import PaymentPart
from mercato.pricing import service as pricing
from mercato.pricing.model import Context, Line, LineDiscount
from mercato.trade._cart import address_in, cart_groups_in
from mercato.trade._sources import commission_rates_in
from mercato.trade.model import (
    NO_PRICING,
    ORDER_NO_SPACE,
    Address,
    CartPricing,
    CartStale,
    CartStoreGroup,
    CheckoutPreview,
    LineProblem,
    OrderDraft,
    OrderStatus,
    OrderTotalZero,
    PlacedOrder,
    PlacedOrderRef,
    PricedLine,
    ShippingAddress,
    ShippingRule,
    engine_line,
    order_drafts,
    order_no,
    rate_pairs,
    refuse_problems,
)
from mercato.trade.model import (
    checkout_preview as price_checkout,
)
from mercato.trade.repo import CartRepo, OrderRepo, ShippingRepo

PLACE_SCOPE = "trade.place_order"
CLOSE_PAYMENT_JOB = "trade.close_payment"


def _preview_in(uow: UnitOfWork, consumer_id: str, sku_ids: Sequence[str] | None, now: datetime, *,
                with_stock: bool) -> CheckoutPreview:
    groups = cart_groups_in(uow, consumer_id, sku_ids, with_stock=with_stock)
    settings = ShippingRepo(uow.conn).of_stores(g.store_id for g in groups)
    rules: Mapping[str, ShippingRule] = {store_id: s.rule for store_id, s in settings.items()}
    return price_checkout(groups, rules, _pricing_in(uow, consumer_id, groups, now))


def _engine_lines(groups: Sequence[CartStoreGroup]) -> list[Line]:
    """The lines that can be bought as they are (short stock aside: the reservation decides that at placement)."""
    return [engine_line(line.sku_id, line.store_id, line.vertical_id, line.unit_price, line.quantity)
            for group in groups for line in group.lines
            if line.store_id and line.problem in (None, LineProblem.OUT_OF_STOCK)]


def _pricing_in(uow: UnitOfWork, consumer_id: str, groups: Sequence[CartStoreGroup], now: datetime) -> CartPricing:
    """The engine's quote of the cart with the promotions running now and the coupons the consumer holds."""
    lines = _engine_lines(groups)
    if not lines:
        return NO_PRICING
    offers = pricing.offers_in(uow, consumer_id=consumer_id, store_ids={line.store_id for line in lines}, now=now)
    context = _context_in(uow, consumer_id, offers, {line.store_id for line in lines}, now)
    return CartPricing(pricing.price_offers(lines, context, offers, now), offers.names)


def _context_in(uow: UnitOfWork, consumer_id: str, offers: pricing.Offers, store_ids: set[str],
                now: datetime) -> Context:
    """Who the consumer is for the promotions: asked only when a running promotion depends on it. A first order is
    one before any order of the consumer was ever paid (on the platform, or in that store)."""
    member = offers.need_membership and membership.is_member_in(uow, consumer_id, now)
    if not offers.need_history:
        return Context(is_member=member)
    any_paid, paid_stores = OrderRepo(uow.conn).paid_stores(consumer_id, store_ids)
    return Context(is_member=member, first_platform_order=not any_paid,
                   first_order_store_ids=frozenset(store_ids - paid_stores))


def checkout_preview(rt: Runtime, principal: Principal, sku_ids: Sequence[str] | None = None) -> CheckoutPreview:
    """Per store: lines, goods before and after discounts, the discounts, shipping fee and store total; the grand
    total (what the consumer pays), the platform-wide discounts, the hints; the fingerprint to place with.

    `sku_ids` checks out only those lines of the cart (None: the whole cart).
    """
    with rt.uow(read_only=True) as uow:
        return _preview_in(uow, principal.user_id, sku_ids, rt.clock.now(), with_stock=True)


def place_order(rt: Runtime, principal: Principal, *, address_id: str, fingerprint: str,
                idempotency_key: str | None, sku_ids: Sequence[str] | None = None) -> PlacedOrder:
    """Reserve stock for every line or none, create one payment and one order per store, and empty those lines.

    A fingerprint that no longer matches the cart's prices, quantities or fees is `CartStale`; a retry with the
    same Idempotency-Key returns the first answer.
    """
    request = {"address_id": address_id, "fingerprint": fingerprint,
               "sku_ids": sorted(sku_ids) if sku_ids is not None else None}
    now = rt.clock.now()
    with rt.uow() as uow:
        earlier = idempotency.replay(uow, owner=principal.user_id, scope=PLACE_SCOPE, key=idempotency_key,
                                     request=request, now=now)
        if earlier is not None:
            return PlacedOrder.from_dict(earlier)
        placed = _place_in(rt, uow, principal, address_id, fingerprint, sku_ids, now)
        idempotency.remember(uow, owner=principal.user_id, scope=PLACE_SCOPE, key=idempotency_key,
                             response=placed.as_dict())
        uow.commit()
    return placed


def _place_in(rt: Runtime, uow: UnitOfWork, principal: Principal, address_id: str, fingerprint: str,
              sku_ids: Sequence[str] | None, now: datetime) -> PlacedOrder:
    address = address_in(uow, principal.user_id, address_id)
    preview = _preview_in(uow, principal.user_id, sku_ids, now, with_stock=False)
    if preview.fingerprint != fingerprint:
        raise CartStale(field="fingerprint")
    refuse_problems(preview)
    drafts = _drafts_in(uow, preview)
    lines = {line.sku_id: line.quantity for store in preview.stores for line in store.lines}
    inventory.reserve_many_in(uow, lines, rt=rt)
    expires_at = now + timedelta(minutes=rt.settings.payment_timeout_minutes)
    refs = tuple(PlacedOrderRef(new_id(), order_no(secrets.randbelow(ORDER_NO_SPACE)), d.store_id, d.total)
                 for d in drafts)
    parts = [PaymentPart(r.order_id, r.store_id, r.total) for r in refs]
    payment = payments.create_payment_in(uow, consumer_id=principal.user_id, parts=parts, now=now,
                                         expires_at=expires_at)
    pricing.spend_held_in(uow, consumer_id=principal.user_id, held_ids=preview.used_held, payment_id=payment.id,
                          now=now)
    _insert_orders(uow, principal.user_id, payment.id, drafts, refs, address, now)
    CartRepo(uow.conn).delete(principal.user_id, lines)
    jobs.enqueue(uow, CLOSE_PAYMENT_JOB, {"payment_id": payment.id}, now=now, run_at=payment.expires_at,
                 key=f"{CLOSE_PAYMENT_JOB}:{payment.id}")
    return PlacedOrder(payment.id, payment.amount, payment.expires_at, refs)


def _drafts_in(uow: UnitOfWork, preview: CheckoutPreview) -> tuple[OrderDraft, ...]:
    """Capture each line's commission rate now: a later change of the rate does not touch this order.

    An order that would cost nothing (every unit discounted away and shipping free) is refused: a payment collects a
    positive amount for each order, and an order nobody pays for is not a sale to settle.
    """
    drafts = order_drafts(preview, commission_rates_in(uow, rate_pairs(preview)))
    free = [d.store_id for d in drafts if d.total <= 0]
    if free:
        raise OrderTotalZero(store_ids=free)
    return drafts


def _insert_orders(uow: UnitOfWork, consumer_id: str, payment_id: str, drafts: Sequence[OrderDraft],
                   refs: Sequence[PlacedOrderRef], address: Address, now: datetime) -> None:
    snapshot = ShippingAddress.of(address).as_dict()
    order_rows: list[dict[str, Any]] = []
    line_rows: list[dict[str, Any]] = []
    discount_rows: list[dict[str, Any]] = []
    for draft, ref in zip(drafts, refs, strict=True):
        order_rows.append(_order_row(draft, ref, payment_id, consumer_id, snapshot, now))
        for line in draft.lines:
            line_rows.append(_line_row(line, ref.order_id))
            discount_rows.extend(_discount_row(part, ref.order_id, line_rows[-1]["id"]) for part in line.parts)
    repo = OrderRepo(uow.conn)
    repo.insert_orders(order_rows)
    repo.insert_lines(line_rows)
    repo.insert_line_discounts(discount_rows)
    repo.insert_events([event_row(ref.order_id, OrderStatus.PENDING_PAYMENT, now, consumer_id, "placed")
                        for ref in refs])


def _order_row(draft: OrderDraft, ref: PlacedOrderRef, payment_id: str, consumer_id: str, address: dict[str, str],
               now: datetime) -> dict[str, Any]:
    return {"id": ref.order_id, "order_no": ref.order_no, "payment_id": payment_id, "consumer_id": consumer_id,
            "store_id": draft.store_id, "status": OrderStatus.PENDING_PAYMENT.value,
            "goods_total": draft.goods_total, "shipping_fee": draft.shipping_fee, "total": draft.total,
            "commission": draft.commission, "address": address, "created_at": now,
            "goods_original": draft.goods_original, "discount": draft.discount,
            "platform_funded": draft.platform_funded}


def _line_row(line: PricedLine, order_id: str) -> dict[str, Any]:
    return {"id": new_id(), "order_id": order_id, "sku_id": line.sku_id, "product_id": line.product_id,
            "title_en": line.title_en, "title_zh": line.title_zh, "sku_label": line.sku_label,
            "unit_price": line.unit_price, "quantity": line.quantity, "line_total": line.line_total,
            "discount": line.discount, "paid": line.paid, "vertical_id": line.vertical_id,
            "commission_bp": line.commission_bp, "commission": line.commission}


def _discount_row(part: LineDiscount, order_id: str, line_id: str) -> dict[str, Any]:
    return {"id": new_id(), "order_id": order_id, "order_line_id": line_id, "promotion_id": part.promotion_id,
            "held_id": part.held_id or None, "promo_class": part.promo_class.value, "amount": part.amount,
            "merchant": part.merchant, "platform": part.platform}


def event_row(order_id: str, status: OrderStatus, at: datetime, actor_id: str | None, note: str) -> dict[str, Any]:
    return {"id": new_id(), "order_id": order_id, "status": status.value, "at": at, "actor_id": actor_id,
            "note": note[:300]}


def close_payment_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """The payment's time ran out: close it, cancel its unpaid orders and release their stock.

    Does nothing when the payment was captured first (closing is a conditional update in payments), and nothing the
    second time (at-least-once delivery). A payment payments closed by itself still has its orders cancelled.
    The coupons and vouchers the payment spent come back (or expire, when their validity passed meanwhile).
    """
    payment_id = str(payload["payment_id"])
    now = rt.clock.now()
    with rt.uow() as uow:
        if payments.close_payment_in(uow, payment_id, now) or _closed(uow, payment_id):
            states = OrderRepo(uow.conn).states_of_payment(payment_id)
            if cancel_unpaid_in(rt, uow, [s.id for s in states], now, actor_id=None, note="payment_timeout"):
                credit.request_rescore_in(uow, states[0].consumer_id, now, "order_unpaid_timeout")
            give_back_coupons_in(uow, payment_id, now)
        uow.commit()


def _closed(uow: UnitOfWork, payment_id: str) -> bool:
    view = payments.payment_status_in(uow, payment_id)
    return view is not None and str(view.status) == "closed"


def give_back_coupons_in(uow: UnitOfWork, payment_id: str, now: datetime) -> int:
    """A payment closed unpaid (timed out, or every order of it cancelled): the coupons it spent come back (or
    expire, when their validity passed meanwhile); how many. Nothing while the payment is open or was captured."""
    if not _closed(uow, payment_id):
        return 0
    return pricing.return_held_in(uow, payment_id=payment_id, now=now)


def cancel_unpaid_in(rt: Runtime, uow: UnitOfWork, order_ids: Sequence[str], now: datetime, *,
                     actor_id: str | None, note: str, reason: str | None = None) -> list[str]:
    """Cancel those of the orders still awaiting payment and release their reserved stock; the ids cancelled."""
    repo = OrderRepo(uow.conn)
    moved = repo.move(order_ids, OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED, cancelled_at=now,
                      cancel_reason=reason)
    ids = [state.id for state in moved]
    inventory.release_many_in(uow, repo.quantities(ids), rt=rt)
    repo.insert_events([event_row(order_id, OrderStatus.CANCELLED, now, actor_id, note) for order_id in ids])
    return ids

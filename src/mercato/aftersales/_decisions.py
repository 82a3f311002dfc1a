"""The merchant's and the operator's side, and the deadline jobs: agree (refund only pays at once, a return waits
for the goods), refuse, confirm a return arrived (the money moves), the operator's decision on an escalation, and
the jobs that act when a deadline passes. Every job re-reads the request and acts only while it still waits at
that step, so a repeated or late delivery changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mercato.aftersales._consumer import DEFAULT_PAGE, detail_in, page_of
from mercato.aftersales._core import (
    ESCALATE_JOB,
    RETURN_JOB,
    book_in,
    claw_back_in,
    fresh,
    move_in,
    operator_request_in,
    refund_in,
    remember_in,
    replayed_in,
    require_operator,
    store_request_in,
    try_move_in,
)
from mercato.aftersales.model import (
    ESCALATE_WINDOW,
    MAX_EVIDENCE,
    MAX_REFUSAL,
    SHIP_BACK,
    Decision,
    Kind,
    RefundAmountInvalid,
    RefundQuote,
    RefundRequest,
    RefundTransitionForbidden,
    RequestDetail,
    Status,
    after_agreement,
    can_transition,
    clean_text,
    parse_status,
    scale_quote,
)
from mercato.aftersales.repo import RequestRepo
from mercato.audit import service as audit
from mercato.credit import service as credit
from mercato.kernel.pagination import Page, clamp_limit, decode_id_cursor
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.payments import service as payments
from mercato.stores import service as stores
from mercato.stores.model import Permission
from mercato.trade import service as trade
from mercato.trade.model import OrderCancelled, OrderStatus

AGREE_SCOPE = "aftersales.agree"
RECEIVE_SCOPE = "aftersales.receive"
DECIDE_SCOPE = "aftersales.decide"


def stored_quote(request: RefundRequest) -> RefundQuote:
    return RefundQuote(request.amount, request.commission_share, request.platform_share)


def _order_of(uow: UnitOfWork, request: RefundRequest) -> trade.AftersalesOrder:
    """The request's order, for a decision that may move money. The order's payment part is locked first, before
    the request row changes: trade's cancel of a paid order locks the part and then closes the order's open
    requests (`on_order_cancelled`), so both take the two locks in the same order and never deadlock."""
    payments.refundable_in(uow, order_id=request.order_id, lock=True)
    order = trade.order_for_aftersales_in(uow, order_id=request.order_id)
    assert order is not None  # a request's order is never deleted
    return order


# --- the merchant -------------------------------------------------------------------------------------------------

def agree(rt: Runtime, principal: Principal, store_id: str, request_no: str,
          idempotency_key: str | None = None) -> RefundRequest:
    """The merchant agrees: a refund only pays now (units never shipped go back on sale); a return waits for the
    goods. Agreeing twice, or after the platform agreed for them, is refused and pays nothing more; a retry with
    the same Idempotency-Key returns the request instead."""
    now = rt.clock.now()
    with rt.uow() as uow:
        earlier = replayed_in(uow, principal, AGREE_SCOPE, idempotency_key,
                              {"store_id": store_id, "request_no": request_no}, now)
        if earlier is not None:
            return earlier
        request = store_request_in(uow, principal, store_id, request_no)
        agree_in(rt, uow, request, now, principal.user_id)
        audit.record(uow, principal, "refund.agree", "refund_request", request.id,
                     {"request_no": request.request_no, "amount": request.amount}, now)
        request = fresh(uow, request.id)
        remember_in(uow, principal, AGREE_SCOPE, idempotency_key, request)
        uow.commit()
    return request


def agree_in(rt: Runtime, uow: UnitOfWork, request: RefundRequest, now: datetime, actor_id: str | None) -> None:
    target = after_agreement(request.kind)
    if target is Status.REFUNDED:
        order = _order_of(uow, request)
        if _closed_by_cancel(uow, request, order, now, actor_id):
            return
        move_in(uow, request, target, now, actor_id, "agreed", due_at=None, refunded_at=now)
        refund_in(rt, uow, request, stored_quote(request), now, actor_id,
                  restock=order.status is OrderStatus.PAID, order=order)
        return
    move_in(uow, request, target, now, actor_id, "agreed", due_at=now + SHIP_BACK)
    book_in(uow, RETURN_JOB, request.id, now, SHIP_BACK)


def _closed_by_cancel(uow: UnitOfWork, request: RefundRequest, order: trade.AftersalesOrder, now: datetime,
                     actor_id: str | None) -> bool:
    """The consumer cancelled the paid order meanwhile (trade refunded it in full): the request closes unpaid."""
    if order.status is not OrderStatus.CANCELLED:
        return False
    move_in(uow, request, Status.CLOSED, now, actor_id, "order cancelled", due_at=None,
            closed_reason="order_cancelled", closed_at=now)
    return True


def on_order_cancelled(rt: Runtime, uow: UnitOfWork, event: OrderCancelled) -> None:
    """Trade cancelled a paid order and refunded it in full: what was still open on it closes at once, unpaid,
    instead of waiting for the merchant or the 48-hour job to find the order cancelled."""
    for request in RequestRepo(uow.conn).of_orders([event.order_id]):
        if request.is_open and can_transition(request.status, Status.CLOSED):
            move_in(uow, request, Status.CLOSED, event.at, None, "order cancelled", due_at=None,
                    closed_reason="order_cancelled", closed_at=event.at)


def refuse(rt: Runtime, principal: Principal, store_id: str, request_no: str, reason: str) -> RefundRequest:
    """The merchant refuses, saying why; the consumer may escalate within the window, else the request closes."""
    text = clean_text(reason, MAX_REFUSAL, "reason", required=True)
    now = rt.clock.now()
    with rt.uow() as uow:
        request = store_request_in(uow, principal, store_id, request_no)
        move_in(uow, request, Status.REFUSED, now, principal.user_id, "refused", refusal=text,
                due_at=now + ESCALATE_WINDOW)
        RequestRepo(uow.conn).add_evidence(request.id, "merchant", principal.user_id, text, now)
        book_in(uow, ESCALATE_JOB, request.id, now, ESCALATE_WINDOW)
        audit.record(uow, principal, "refund.refuse", "refund_request", request.id,
                     {"request_no": request.request_no, "reason": text}, now)
        request = fresh(uow, request.id)
        uow.commit()
    return request


def confirm_received(rt: Runtime, principal: Principal, store_id: str, request_no: str,
                     idempotency_key: str | None = None) -> RefundRequest:
    """The returned goods arrived: they go back on sale and the money goes back (once: a retry with the same
    Idempotency-Key returns the request)."""
    now = rt.clock.now()
    with rt.uow() as uow:
        earlier = replayed_in(uow, principal, RECEIVE_SCOPE, idempotency_key,
                              {"store_id": store_id, "request_no": request_no}, now)
        if earlier is not None:
            return earlier
        request = store_request_in(uow, principal, store_id, request_no)
        move_in(uow, request, Status.REFUNDED, now, principal.user_id, "received", due_at=None, refunded_at=now)
        refund_in(rt, uow, request, stored_quote(request), now, principal.user_id, restock=True)
        audit.record(uow, principal, "refund.receive", "refund_request", request.id,
                     {"request_no": request.request_no, "amount": request.amount}, now)
        request = fresh(uow, request.id)
        remember_in(uow, principal, RECEIVE_SCOPE, idempotency_key, request)
        uow.commit()
    return request


def store_requests(rt: Runtime, principal: Principal, store_id: str, status: str = "", cursor: str | None = None,
                   limit: int | None = None) -> Page[RefundRequest]:
    """A store's refund queue, newest first, optionally of one status."""
    size = clamp_limit(limit, DEFAULT_PAGE)
    with rt.uow(read_only=True) as uow:
        stores.require_staff_in(uow, principal, store_id, Permission.ORDERS)
        rows = RequestRepo(uow.conn).page(store_id=store_id, statuses=_statuses(status),
                                          before_id=decode_id_cursor(cursor), limit=size + 1)
    return page_of(rows, size)


def store_request(rt: Runtime, principal: Principal, store_id: str, request_no: str) -> RequestDetail:
    with rt.uow(read_only=True) as uow:
        return detail_in(uow, store_request_in(uow, principal, store_id, request_no))


def _statuses(raw: str) -> tuple[Status, ...]:
    status = parse_status(raw)
    return (status,) if status is not None else ()


# --- the operator -------------------------------------------------------------------------------------------------

def decide(rt: Runtime, principal: Principal, request_no: str, decision: str, amount: int | None = None,
           note: str = "", idempotency_key: str | None = None) -> RefundRequest:
    """An operator decides an escalated request: refund in full, in part (`amount`, less than asked), or deny
    (a quick refund's advance is then taken back and the consumer has lost a dispute)."""
    chosen = _decision(decision)
    text = clean_text(note, MAX_EVIDENCE, "note")
    now = rt.clock.now()
    with rt.uow() as uow:
        earlier = replayed_in(uow, principal, DECIDE_SCOPE, idempotency_key,
                              {"request_no": request_no, "decision": chosen.value, "amount": amount, "note": text},
                              now)
        if earlier is not None:
            return earlier
        request = operator_request_in(uow, principal, request_no)
        _decide_in(rt, uow, request, chosen, amount, now, principal.user_id)
        if text:
            RequestRepo(uow.conn).add_evidence(request.id, "platform", principal.user_id, text, now)
        audit.record(uow, principal, "refund.decide", "refund_request", request.id,
                     {"request_no": request.request_no, "decision": chosen.value, "amount": amount}, now)
        request = fresh(uow, request.id)
        remember_in(uow, principal, DECIDE_SCOPE, idempotency_key, request)
        uow.commit()
    return request


def _decision(raw: str) -> Decision:
    try:
        return Decision(raw)
    except ValueError:
        raise RefundAmountInvalid("Decide full, partial or denied", field="decision") from None


def _decide_in(rt: Runtime, uow: UnitOfWork, request: RefundRequest, decision: Decision, amount: int | None,
               now: datetime, actor_id: str) -> None:
    quote = stored_quote(request) if decision is not Decision.PARTIAL else \
        scale_quote(stored_quote(request), amount or 0)
    order = _order_of(uow, request)
    if _closed_by_cancel(uow, request, order, now, actor_id):  # trade refunded it all: no dispute left to lose
        return
    if decision is Decision.DENIED:
        move_in(uow, request, Status.DENIED, now, actor_id, "denied", decision=decision.value, decided_at=now)
        claw_back_in(uow, request, now)
        credit.request_rescore_in(uow, request.consumer_id, now, "dispute_lost")
        return
    move_in(uow, request, Status.REFUNDED, now, actor_id, f"decided {decision.value}", decision=decision.value,
            decided_at=now, refunded_at=now)
    refund_in(rt, uow, request, quote, now, actor_id,
              restock=request.kind is Kind.REFUND_ONLY and order.status is OrderStatus.PAID, order=order)


def disputes(rt: Runtime, principal: Principal, status: str = Status.ESCALATED.value, cursor: str | None = None,
             limit: int | None = None) -> Page[RefundRequest]:
    """The operator's queue: escalated requests by default, newest first."""
    require_operator(principal)
    size = clamp_limit(limit, DEFAULT_PAGE)
    with rt.uow(read_only=True) as uow:
        rows = RequestRepo(uow.conn).page(statuses=_statuses(status), before_id=decode_id_cursor(cursor),
                                          limit=size + 1)
    return page_of(rows, size)


def dispute(rt: Runtime, principal: Principal, request_no: str) -> RequestDetail:
    with rt.uow(read_only=True) as uow:
        return detail_in(uow, operator_request_in(uow, principal, request_no))


# --- the deadline jobs --------------------------------------------------------------------------------------------

def _due(request: RefundRequest | None, status: Status, now: datetime) -> bool:
    return request is not None and request.status is status and request.due_at is not None and now >= request.due_at


def answer_due_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """The merchant did not answer in time: the platform agrees for them."""
    now = rt.clock.now()
    with rt.uow() as uow:
        request = RequestRepo(uow.conn).get(str(payload["request_id"]))
        if request is None or not _due(request, Status.REQUESTED, now):
            return
        try:
            agree_in(rt, uow, request, now, None)
        except RefundTransitionForbidden:
            return  # the merchant answered meanwhile
        uow.commit()


def return_due_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """The consumer never shipped an agreed return back: the request closes, a quick refund is clawed back, and
    the consumer's credit is rescored."""
    now = rt.clock.now()
    with rt.uow() as uow:
        request = RequestRepo(uow.conn).get(str(payload["request_id"]))
        if _due(request, Status.AWAITING_RETURN, now) and request is not None and try_move_in(
                uow, request.id, (Status.AWAITING_RETURN,), Status.CLOSED, now, "never shipped back", due_at=None,
                closed_reason="never_shipped", closed_at=now):
            claw_back_in(uow, request, now)
            credit.request_rescore_in(uow, request.consumer_id, now, "return_never_shipped")
        uow.commit()


def receipt_due_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """The merchant did not confirm a shipped-back return in time: it counts as received and the money moves."""
    now = rt.clock.now()
    with rt.uow() as uow:
        request = RequestRepo(uow.conn).get(str(payload["request_id"]))
        if _due(request, Status.SHIPPED_BACK, now) and request is not None and try_move_in(
                uow, request.id, (Status.SHIPPED_BACK,), Status.REFUNDED, now, "received automatically",
                due_at=None, refunded_at=now):
            refund_in(rt, uow, request, stored_quote(request), now, None, restock=True)
        uow.commit()


def escalate_due_job(rt: Runtime, payload: Mapping[str, Any]) -> None:
    """A refusal was not escalated in time: the request closes (a quick refund's advance comes back)."""
    now = rt.clock.now()
    with rt.uow() as uow:
        request = RequestRepo(uow.conn).get(str(payload["request_id"]))
        if _due(request, Status.REFUSED, now) and request is not None and try_move_in(
                uow, request.id, (Status.REFUSED,), Status.CLOSED, now, "not escalated", due_at=None,
                closed_reason="not_escalated", closed_at=now):
            claw_back_in(uow, request, now)
        uow.commit()

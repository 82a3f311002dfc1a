"""The consumer's side: ask for a refund on some units of an order line (the platform may advance the money at
once), withdraw the request, ship a return back, escalate a refusal to the platform, and read the requests."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from mercato.aftersales._core import (
    ANSWER_JOB,
    RECEIPT_JOB,
    advance_in,
    book_in,
    claw_back_in,
    consumer_request_in,
    fresh,
    line_refunded_units,
    move_in,
    remember_in,
    replayed_in,
)
from mercato.aftersales.model import (
    CONFIRM_RECEIPT,
    MAX_EVIDENCE,
    MAX_NOTE,
    MERCHANT_ANSWER,
    REQUEST_NO_SPACE,
    RefundOrderNotFound,
    RefundRequest,
    RefundRequestOpen,
    RequestDetail,
    Status,
    check_kind,
    check_tracking,
    check_units,
    clean_text,
    kinds_allowed,
    parse_kind,
    parse_reason,
    quote_units,
    request_no,
)
from mercato.aftersales.repo import RequestRepo
from mercato.kernel import idempotency
from mercato.kernel.idgen import new_id
from mercato.kernel.pagination import Page, clamp_limit, decode_id_cursor, encode_cursor
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.trade import service as trade
from mercato.trade.model import looks_like_order_no

REQUEST_SCOPE = "aftersales.request_refund"
CANCEL_SCOPE = "aftersales.cancel_request"
DEFAULT_PAGE = 20


def request_refund(rt: Runtime, principal: Principal, *, order_no: str, order_line_id: str, units: int, kind: str,
                   reason: str, note: str = "", idempotency_key: str | None = None) -> RefundRequest:
    """Ask for `units` units of one line of one's own paid order back. Refused with a code and nothing changed:
    another consumer's order (not found), more units than bought and not yet refunded, a line with an open
    request, an unpaid order, a kind that does not fit the order's state. A retry with the same key returns the
    first request."""
    body = {"order_no": order_no, "order_line_id": order_line_id, "units": units, "kind": kind, "reason": reason,
            "note": note}
    now = rt.clock.now()
    with rt.uow() as uow:
        earlier = idempotency.replay(uow, owner=principal.user_id, scope=REQUEST_SCOPE, key=idempotency_key,
                                     request=body, now=now)
        if earlier is not None:
            return fresh(uow, str(earlier["request_id"]))
        request = _request_in(uow, principal, Ask(order_no, order_line_id, units, kind, reason, note), now)
        idempotency.remember(uow, owner=principal.user_id, scope=REQUEST_SCOPE, key=idempotency_key,
                             response={"request_id": request.id, "request_no": request.request_no})
        request = fresh(uow, request.id)
        uow.commit()
    return request


@dataclass(frozen=True, slots=True)
class Ask:
    order_no: str
    order_line_id: str
    units: int
    kind: str
    reason: str
    note: str


def _request_in(uow: UnitOfWork, principal: Principal, ask: Ask, now: datetime) -> RefundRequest:
    order = trade.order_for_aftersales_in(uow, order_no=ask.order_no) if looks_like_order_no(ask.order_no) else None
    line = order.line(ask.order_line_id) if order is not None else None
    if order is None or line is None or order.consumer_id != principal.user_id:
        raise RefundOrderNotFound(field="order_no")
    kind = check_kind(parse_kind(ask.kind), order.status.value, order.completed_at, now)
    reason = parse_reason(ask.reason)
    note = clean_text(ask.note, MAX_NOTE, "note")
    repo = RequestRepo(uow.conn)
    if repo.open_on_line(line.id):
        raise RefundRequestOpen(field="order_line_id")
    refunded = line_refunded_units(uow, order.id, line.id)
    units = check_units(ask.units, line.quantity, refunded)
    quote = quote_units(paid=line.paid, commission=line.commission, platform=line.platform, quantity=line.quantity,
                        refunded=refunded, units=units)
    request_id = new_id()
    values = {"id": request_id, "request_no": request_no(secrets.randbelow(REQUEST_NO_SPACE)), "order_id": order.id,
              "order_no": order.order_no, "order_line_id": line.id, "title_en": line.title_en,
              "title_zh": line.title_zh, "consumer_id": principal.user_id, "store_id": order.store_id,
              "kind": kind.value, "units": units, "reason": reason.value, "note": note,
              "status": Status.REQUESTED.value, **quote.as_dict(), "created_at": now, "updated_at": now,
              "due_at": now + MERCHANT_ANSWER}
    _insert(uow, values)
    repo.add_event(request_id, Status.REQUESTED, now, principal.user_id, "requested")
    book_in(uow, ANSWER_JOB, request_id, now, MERCHANT_ANSWER)
    advance_in(uow, fresh(uow, request_id), order.status, now)
    return fresh(uow, request_id)


def _insert(uow: UnitOfWork, values: dict[str, Any]) -> None:
    """Two requests racing for one line: the partial unique index lets one in; the other is refused."""
    try:
        with uow.conn.begin_nested():
            RequestRepo(uow.conn).insert(values)
    except IntegrityError:
        raise RefundRequestOpen(field="order_line_id") from None


def cancel_request(rt: Runtime, principal: Principal, request_no: str,
                   idempotency_key: str | None = None) -> RefundRequest:
    """Withdraw one's request before the money moved (asked, agreed and not shipped back, or refused); a quick
    refund's advance is taken back (once: a retry with the same Idempotency-Key returns the request)."""
    now = rt.clock.now()
    with rt.uow() as uow:
        earlier = replayed_in(uow, principal, CANCEL_SCOPE, idempotency_key, {"request_no": request_no}, now)
        if earlier is not None:
            return earlier
        request = consumer_request_in(uow, principal, request_no)
        move_in(uow, request, Status.CANCELLED, now, principal.user_id, "cancelled", due_at=None)
        claw_back_in(uow, request, now, counted=False)
        request = fresh(uow, request.id)
        remember_in(uow, principal, CANCEL_SCOPE, idempotency_key, request)
        uow.commit()
    return request


def ship_back(rt: Runtime, principal: Principal, request_no: str, carrier: str, tracking_no: str) -> RefundRequest:
    """The consumer sent an agreed return back; the merchant confirms receipt, or the platform does at the deadline."""
    carrier_text, tracking = check_tracking(carrier, tracking_no)
    now = rt.clock.now()
    with rt.uow() as uow:
        request = consumer_request_in(uow, principal, request_no)
        move_in(uow, request, Status.SHIPPED_BACK, now, principal.user_id, f"shipped back: {carrier_text} {tracking}",
                carrier=carrier_text, tracking_no=tracking, due_at=now + CONFIRM_RECEIPT)
        book_in(uow, RECEIPT_JOB, request.id, now, CONFIRM_RECEIPT)
        request = fresh(uow, request.id)
        uow.commit()
    return request


def escalate(rt: Runtime, principal: Principal, request_no: str, evidence: str) -> RefundRequest:
    """The merchant refused: the consumer asks the platform to decide, with their evidence."""
    text = clean_text(evidence, MAX_EVIDENCE, "evidence", required=True)
    now = rt.clock.now()
    with rt.uow() as uow:
        request = consumer_request_in(uow, principal, request_no)
        move_in(uow, request, Status.ESCALATED, now, principal.user_id, "escalated", due_at=None)
        RequestRepo(uow.conn).add_evidence(request.id, "consumer", principal.user_id, text, now)
        request = fresh(uow, request.id)
        uow.commit()
    return request


def my_requests(rt: Runtime, principal: Principal, cursor: str | None = None,
                limit: int | None = None) -> Page[RefundRequest]:
    """The consumer's requests, newest first."""
    size = clamp_limit(limit, DEFAULT_PAGE)
    with rt.uow(read_only=True) as uow:
        rows = RequestRepo(uow.conn).page(consumer_id=principal.user_id, before_id=decode_id_cursor(cursor),
                                          limit=size + 1)
    return page_of(rows, size)


def my_request(rt: Runtime, principal: Principal, request_no: str) -> RequestDetail:
    with rt.uow(read_only=True) as uow:
        return detail_in(uow, consumer_request_in(uow, principal, request_no))


def my_order_requests(rt: Runtime, principal: Principal, order_no: str) -> list[RefundRequest]:
    """The consumer's requests on one of their orders (for the order page); none for someone else's order."""
    with rt.uow(read_only=True) as uow:
        order = trade.order_for_aftersales_in(uow, order_no=order_no)
        if order is None or order.consumer_id != principal.user_id:
            return []
        return RequestRepo(uow.conn).of_orders([order.id])


def page_of(rows: list[RefundRequest], size: int) -> Page[RefundRequest]:
    items = rows[:size]
    return Page(items, encode_cursor([items[-1].id]) if len(rows) > size else None)


def detail_in(uow: UnitOfWork, request: RefundRequest) -> RequestDetail:
    repo = RequestRepo(uow.conn)
    return RequestDetail(request, tuple(repo.events(request.id)), tuple(repo.evidence(request.id)))



@dataclass(frozen=True, slots=True)
class RefundForm:
    """What the request form offers: the order's lines, the units each has left to refund, the lines with an open
    request, and the kinds the order's state allows."""

    order: trade.AftersalesOrder
    left: dict[str, int]
    open_lines: frozenset[str]
    kinds: tuple[str, ...]


def refund_form(rt: Runtime, principal: Principal, order_no: str) -> RefundForm:
    """The form for one of the consumer's own paid orders (someone else's is not found)."""
    now = rt.clock.now()
    with rt.uow(read_only=True) as uow:
        order = trade.order_for_aftersales_in(uow, order_no=order_no) if looks_like_order_no(order_no) else None
        if order is None or order.consumer_id != principal.user_id:
            raise RefundOrderNotFound(field="order_no")
        requests = RequestRepo(uow.conn).of_orders([order.id])
    kinds = tuple(sorted(k.value for k in kinds_allowed(order.status.value, order.completed_at, now)))
    refunded = {line.id: sum(r.units for r in requests if r.order_line_id == line.id and r.status is Status.REFUNDED)
                for line in order.lines}
    return RefundForm(order, {line.id: line.quantity - refunded[line.id] for line in order.lines},
                      frozenset(r.order_line_id for r in requests if r.is_open), kinds)

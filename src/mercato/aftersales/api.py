"""The after-sales HTTP API under /api/v1: the consumer's refund requests (ask with an Idempotency-Key, list, read,
cancel, ship back, escalate), the merchant's refund queue (agree, refuse, confirm receipt; the `orders`
permission) and the operator's dispute queue (decide). Refusals are problem+json with a stable code."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from mercato.aftersales import service
from mercato.aftersales.model import RefundRequest, RequestDetail
from mercato.kernel.http import ERROR_RESPONSES, idempotency_key, require_operator, require_principal, runtime
from mercato.kernel.pagination import MAX_PAGE_SIZE, Page
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime

router = APIRouter(tags=["aftersales"], responses=ERROR_RESPONSES)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(require_principal)]
Operator = Annotated[Principal, Depends(require_operator)]
IdemKey = Annotated[str | None, Depends(idempotency_key)]
Cursor = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]
StatusFilter = Annotated[str, Query(max_length=20)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class RefundCreate(Strict):
    """`order_line_id` is the line's id or its SKU id; `kind` refund_only | return_refund; `reason` from the list."""

    order_no: str = Field(min_length=1, max_length=40)
    order_line_id: str = Field(min_length=1, max_length=26)
    units: int = Field(ge=-1_000_000, le=1_000_000)  # the domain rule answers refund_units_invalid
    kind: str = Field(max_length=30)
    reason: str = Field(max_length=30)
    note: str = Field(default="", max_length=2000)


class ShipBack(Strict):
    carrier: str = Field(max_length=200)
    tracking_no: str = Field(max_length=200)


class Escalation(Strict):
    evidence: str = Field(max_length=4000)


class Refusal(Strict):
    reason: str = Field(max_length=1000)


class DecisionCreate(Strict):
    """`decision` full | partial | denied; `amount` (fen) for a partial refund, less than the amount asked."""

    decision: str = Field(max_length=10)
    amount: int | None = Field(default=None, ge=-10**12, le=10**12)
    note: str = Field(default="", max_length=4000)


class RefundRead(BaseModel):
    request_no: str
    order_no: str
    order_line_id: str
    store_id: str
    title_en: str
    title_zh: str
    kind: str
    units: int
    reason: str
    note: str
    status: str
    amount: int
    refunded: int
    shipping: int
    quick: bool
    due_at: datetime | None
    carrier: str | None
    tracking_no: str | None
    refusal: str | None
    decision: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, r: RefundRequest) -> RefundRead:
        return cls(request_no=r.request_no, order_no=r.order_no, order_line_id=r.order_line_id, store_id=r.store_id,
                   title_en=r.title_en, title_zh=r.title_zh, kind=r.kind.value, units=r.units, reason=r.reason.value,
                   note=r.note, status=r.status.value, amount=r.amount, refunded=r.refunded, shipping=r.shipping,
                   quick=r.quick, due_at=r.due_at, carrier=r.carrier, tracking_no=r.tracking_no, refusal=r.refusal,
                   decision=r.decision.value if r.decision else None, created_at=r.created_at,
                   updated_at=r.updated_at)


class EventRead(BaseModel):
    status: str
    at: datetime
    note: str


class EvidenceRead(BaseModel):
    party: str
    text: str
    at: datetime


class RefundDetailRead(RefundRead):
    events: list[EventRead]
    evidence: list[EvidenceRead]

    @classmethod
    def detail(cls, d: RequestDetail) -> RefundDetailRead:
        return cls(**RefundRead.of(d.request).model_dump(),
                   events=[EventRead(status=e.status.value, at=e.at, note=e.note) for e in d.events],
                   evidence=[EvidenceRead(party=e.party, text=e.text, at=e.at) for e in d.evidence])


class RefundPage(BaseModel):
    items: list[RefundRead]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[RefundRequest]) -> RefundPage:
        return cls(items=[RefundRead.of(r) for r in page.items], next_cursor=page.next_cursor)


# --- the consumer -------------------------------------------------------------------------------------------------

@router.post("/me/refunds", response_model=RefundRead, status_code=201)
def create_refund(body: RefundCreate, rt: Rt, me: Me, key: IdemKey) -> RefundRead:
    """Ask for a refund of some units of one of your order lines. A retry with the same Idempotency-Key returns
    the first request; 409 `refund_request_open` when the line already has one."""
    return RefundRead.of(service.request_refund(
        rt, me, order_no=body.order_no, order_line_id=body.order_line_id, units=body.units, kind=body.kind,
        reason=body.reason, note=body.note, idempotency_key=key))


@router.get("/me/refunds", response_model=RefundPage)
def list_my_refunds(rt: Rt, me: Me, cursor: Cursor = None, limit: Limit = 20) -> RefundPage:
    return RefundPage.of(service.my_requests(rt, me, cursor, limit))


@router.get("/me/refunds/{request_no}", response_model=RefundDetailRead)
def get_my_refund(request_no: str, rt: Rt, me: Me) -> RefundDetailRead:
    return RefundDetailRead.detail(service.my_request(rt, me, request_no))


@router.post("/me/refunds/{request_no}/cancel", response_model=RefundRead)
def cancel_refund(request_no: str, rt: Rt, me: Me, key: IdemKey) -> RefundRead:
    return RefundRead.of(service.cancel_request(rt, me, request_no, idempotency_key=key))


@router.post("/me/refunds/{request_no}/ship", response_model=RefundRead)
def ship_refund(request_no: str, body: ShipBack, rt: Rt, me: Me) -> RefundRead:
    return RefundRead.of(service.ship_back(rt, me, request_no, body.carrier, body.tracking_no))


@router.post("/me/refunds/{request_no}/escalate", response_model=RefundRead)
def escalate_refund(request_no: str, body: Escalation, rt: Rt, me: Me) -> RefundRead:
    return RefundRead.of(service.escalate(rt, me, request_no, body.evidence))


# --- the merchant -------------------------------------------------------------------------------------------------

@router.get("/merchant/stores/{store_id}/refunds", response_model=RefundPage)
def list_store_refunds(store_id: str, rt: Rt, me: Me, status: StatusFilter = "", cursor: Cursor = None,
                       limit: Limit = 20) -> RefundPage:
    return RefundPage.of(service.store_requests(rt, me, store_id, status, cursor, limit))


@router.get("/merchant/stores/{store_id}/refunds/{request_no}", response_model=RefundDetailRead)
def get_store_refund(store_id: str, request_no: str, rt: Rt, me: Me) -> RefundDetailRead:
    return RefundDetailRead.detail(service.store_request(rt, me, store_id, request_no))


@router.post("/merchant/stores/{store_id}/refunds/{request_no}/agree", response_model=RefundRead)
def agree_refund(store_id: str, request_no: str, rt: Rt, me: Me, key: IdemKey) -> RefundRead:
    """Agree; a refund only pays at once. A retry with the same Idempotency-Key returns the request."""
    return RefundRead.of(service.agree(rt, me, store_id, request_no, idempotency_key=key))


@router.post("/merchant/stores/{store_id}/refunds/{request_no}/refuse", response_model=RefundRead)
def refuse_refund(store_id: str, request_no: str, body: Refusal, rt: Rt, me: Me) -> RefundRead:
    return RefundRead.of(service.refuse(rt, me, store_id, request_no, body.reason))


@router.post("/merchant/stores/{store_id}/refunds/{request_no}/receive", response_model=RefundRead)
def receive_refund(store_id: str, request_no: str, rt: Rt, me: Me, key: IdemKey) -> RefundRead:
    """The return arrived: the money goes back. A retry with the same Idempotency-Key returns the request."""
    return RefundRead.of(service.confirm_received(rt, me, store_id, request_no, idempotency_key=key))


# --- the operator -------------------------------------------------------------------------------------------------

@router.get("/ops/disputes", response_model=RefundPage)
def list_disputes(rt: Rt, me: Operator, status: StatusFilter = "escalated", cursor: Cursor = None,
                  limit: Limit = 20) -> RefundPage:
    return RefundPage.of(service.disputes(rt, me, status, cursor, limit))


@router.get("/ops/disputes/{request_no}", response_model=RefundDetailRead)
def get_dispute(request_no: str, rt: Rt, me: Operator) -> RefundDetailRead:
    return RefundDetailRead.detail(service.dispute(rt, me, request_no))


@router.post("/ops/disputes/{request_no}/decide", response_model=RefundRead)
def decide_dispute(request_no: str, body: DecisionCreate, rt: Rt, me: Operator, key: IdemKey) -> RefundRead:
    """Decide full, partial or denied. A retry with the same Idempotency-Key returns the request."""
    return RefundRead.of(service.decide(rt, me, request_no, body.decision, body.amount, body.note,
                                        idempotency_key=key))

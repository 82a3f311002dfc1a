"""After-sales requests as plain values: the request, its timeline and evidence, and the facts credit reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mercato.aftersales.model.rules import BUYER_FAULT, OPEN, Decision, Kind, Reason, Status


@dataclass(frozen=True, slots=True)
class RefundRequest:
    id: str
    request_no: str
    order_id: str
    order_no: str
    order_line_id: str
    consumer_id: str
    store_id: str
    kind: Kind
    units: int
    reason: Reason
    note: str
    status: Status
    amount: int  # goods money the request asks back (fixed when it is made)
    commission_share: int
    platform_share: int
    refunded: int  # what moved when it was refunded (goods; a partial decision moves less than `amount`)
    shipping: int  # the shipping fee refunded with it, if this refund left the unshipped order wholly refunded
    quick: bool  # the platform advanced the money when it was asked
    due_at: datetime | None  # the deadline of the current step, if any
    carrier: str | None
    tracking_no: str | None
    refusal: str | None
    decision: Decision | None
    title_en: str
    title_zh: str
    created_at: datetime
    updated_at: datetime

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def buyer_fault(self) -> bool:
        return self.reason in BUYER_FAULT

    @property
    def can_cancel(self) -> bool:
        return self.status in (Status.REQUESTED, Status.AWAITING_RETURN, Status.REFUSED)

    @property
    def can_ship(self) -> bool:
        return self.status is Status.AWAITING_RETURN

    @property
    def can_escalate(self) -> bool:
        return self.status is Status.REFUSED

    @property
    def can_answer(self) -> bool:
        return self.status is Status.REQUESTED

    @property
    def can_receive(self) -> bool:
        return self.status is Status.SHIPPED_BACK

    @property
    def can_decide(self) -> bool:
        return self.status is Status.ESCALATED


@dataclass(frozen=True, slots=True)
class RequestEvent:
    status: Status
    at: datetime
    actor_id: str | None  # None: the platform (a job)
    note: str


@dataclass(frozen=True, slots=True)
class Evidence:
    party: str  # consumer | merchant
    text: str
    at: datetime


@dataclass(frozen=True, slots=True)
class RequestDetail:
    request: RefundRequest
    events: tuple[RequestEvent, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class AftersalesCreditFacts:
    """A consumer's after-sales history since a moment, for the credit rating and abuse detection."""

    refunds: int  # requests refunded
    refunds_buyer_fault: int  # of which for the buyer's own reasons (changed mind, ...)
    disputes_lost: int  # escalations the operator denied
    returns_never_shipped: int  # agreed returns the consumer never shipped back
    clawbacks: int  # quick refunds taken back

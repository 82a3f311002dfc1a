"""Merchant balances, payouts and the sandbox gateway's signed callback as plain values."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from mercato.kernel.errors import StateConflict
from mercato.kernel.money import Money
from mercato.payments.model.rules import (
    CALLBACK_TOLERANCE_SECONDS,
    MAX_PAYOUT,
    CallbackMalformed,
    CallbackReplayed,
    CallbackSignatureInvalid,
    PaymentStatus,
    PayoutAmountInvalid,
)

# --- merchant balance and payouts -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MerchantBalance:
    store_id: str
    pending: int  # held in escrow for this store's orders
    available: int  # settled and not yet paid out
    paid_out: int
    owed: int = 0  # refunds after settlement the balance could not cover: paid first from the next settlements


@dataclass(frozen=True, slots=True)
class PayoutView:
    id: str
    store_id: str
    amount: int
    status: str  # "paid": the sandbox pays at once
    requested_by: str
    created_at: datetime


def parse_payout_amount(text: str, currency: str = "CNY") -> int:
    """A payout amount typed in yuan ("12.30") as fen."""
    try:
        minor = Money.parse(text, currency).minor
    except ValueError:
        raise PayoutAmountInvalid(field="amount") from None
    return check_payout_amount(minor)


def check_payout_amount(amount: int) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_PAYOUT:
        raise PayoutAmountInvalid(field="amount")
    return amount


# --- the sandbox gateway's signed callback ------------------------------------------------------------------------

def callback_key(secret_key: str) -> bytes:
    """The callback signing key, derived from the application secret (never the secret itself)."""
    return hmac.new(secret_key.encode(), b"mercato.payments.sandbox.callback", hashlib.sha256).digest()


def sign(key: bytes, timestamp: int, body: bytes) -> str:
    """`Mercato-Signature` header value: HMAC-SHA256 over `<t>.<body>`."""
    digest = hmac.new(key, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _parse_signature(header: str | None) -> tuple[int, list[str]]:
    timestamp: int | None = None
    digests: list[str] = []
    for item in (header or "").split(","):
        name, _, value = item.strip().partition("=")
        if name == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif name == "v1" and value:
            digests.append(value)
    if timestamp is None or not digests:
        raise CallbackSignatureInvalid()
    return timestamp, digests


def verify_signature(key: bytes, header: str | None, body: bytes, now_unix: int,
                     tolerance: int = CALLBACK_TOLERANCE_SECONDS) -> int:
    """The signed timestamp when a v1 digest matches and the timestamp is within `tolerance` of now.

    The signature is checked first, so an unsigned caller learns nothing about the clock.
    """
    timestamp, digests = _parse_signature(header)
    expected = sign(key, timestamp, body).partition("v1=")[2]
    if not any(hmac.compare_digest(expected, d) for d in digests):
        raise CallbackSignatureInvalid()
    if abs(now_unix - timestamp) > tolerance:
        raise CallbackReplayed(timestamp=timestamp)
    return timestamp


@dataclass(frozen=True, slots=True)
class GatewayEvent:
    """What the gateway tells the platform: a charge for a payment succeeded or failed."""

    id: str
    type: str  # "charge.succeeded" | "charge.failed"
    payment_id: str
    session_id: str
    amount: int
    currency: str


EVENT_TYPES = ("charge.succeeded", "charge.failed")


def parse_event(data: object) -> GatewayEvent:
    """The event in a decoded callback body, else `CallbackMalformed`."""
    if not isinstance(data, dict):
        raise CallbackMalformed()
    try:
        event = GatewayEvent(str(data["id"]), str(data["type"]), str(data["payment_id"]), str(data["session_id"]),
                             data["amount"], str(data["currency"]))
    except KeyError as missing:
        raise CallbackMalformed(field=str(missing)) from None
    if (event.type not in EVENT_TYPES or not isinstance(event.amount, int) or isinstance(event.amount, bool)
            or not all(0 < len(v) <= 64 for v in (event.id, event.payment_id, event.session_id))):
        raise CallbackMalformed()
    return event


class CaptureOutcome(StrEnum):
    CAPTURED = "captured"  # money into escrow, orders paid
    LATE = "late"  # captured and refunded at once (closed payment or wrong amount)
    IGNORED = "ignored"  # already captured (a duplicate under another event id) or a failure notice


def capture_outcome(status: PaymentStatus, amount_due: int, amount_paid: int) -> CaptureOutcome:
    """What a successful charge does to a payment in `status`."""
    if status is PaymentStatus.CAPTURED:
        return CaptureOutcome.IGNORED
    if status is PaymentStatus.CLOSED or amount_due != amount_paid:
        return CaptureOutcome.LATE
    return CaptureOutcome.CAPTURED


@dataclass(frozen=True, slots=True)
class CallbackResult:
    """How the platform answered a callback: the event and what it did (`duplicate`: seen before, nothing done)."""

    event_id: str
    outcome: str  # a CaptureOutcome value, or "duplicate"


class PartNotHeld(StateConflict):
    code = "payment_part_not_held"
    title = "The order's money is not held in escrow"


class SessionStatus(StrEnum):
    OPEN = "open"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class SandboxSession:
    """A checkout at the sandbox gateway: the consumer approves or declines it on the gateway's page."""

    id: str
    payment_id: str
    amount: int
    currency: str
    status: SessionStatus
    created_at: datetime
    decided_at: datetime | None


class SessionDecided(StateConflict):
    code = "gateway_session_decided"
    title = "This payment session is already finished"


def charge_event(session: SandboxSession, succeeded: bool) -> GatewayEvent:
    """The gateway's notice for a decided session; its id names the session, so re-sending it is a duplicate."""
    return GatewayEvent(id=f"evt_{session.id}", type="charge.succeeded" if succeeded else "charge.failed",
                        payment_id=session.payment_id, session_id=session.id, amount=session.amount,
                        currency=session.currency)


def event_body(event: GatewayEvent) -> dict[str, object]:
    return {"id": event.id, "type": event.type, "payment_id": event.payment_id, "session_id": event.session_id,
            "amount": event.amount, "currency": event.currency}

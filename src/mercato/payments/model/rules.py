"""Accounts, errors and payments as plain values: no database, clock or randomness."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from mercato.kernel.errors import DomainError, EntityNotFound, InputInvalid, StateConflict

# --- accounts (debit positive) --------------------------------------------------------------------------------------

GATEWAY = "gateway"  # money at the payment provider
ESCROW = "escrow"  # held for consumers' orders (a credit balance: negative while money is held)
REVENUE = "revenue:commission"  # the platform's commission
MERCHANT_PREFIX = "merchant:"  # merchant:<store_id>, the merchant's available balance (credit: negative)
# What the platform paid merchants at settlement for the discounts it funds (an expense: a debit balance)
SUBSIDY = "expense:promotion_subsidy"

CALLBACK_TOLERANCE_SECONDS = 300
MAX_PAYOUT = 10**12


def merchant_account(store_id: str) -> str:
    return f"{MERCHANT_PREFIX}{store_id}"


class PaymentStatus(StrEnum):
    OPEN = "open"
    CAPTURED = "captured"
    CLOSED = "closed"


class PartStatus(StrEnum):
    PENDING = "pending"  # awaiting the payment
    HELD = "held"  # paid, held in escrow
    SETTLED = "settled"  # released to the merchant less commission
    REFUNDED = "refunded"  # paid back to the consumer from escrow
    VOID = "void"  # cancelled before payment


class EntryKind(StrEnum):
    CAPTURE = "capture"
    SETTLE = "settle"
    REFUND = "refund"
    PAYOUT = "payout"
    SALE = "sale"  # escrow releases a platform sale (membership, saving card) to platform revenue
    ADVANCE = "advance"  # the platform pays a quick refund to the consumer from its own account
    CLAWBACK = "clawback"  # an advance whose return never arrived is charged back to the consumer
    RECOVERY = "recovery"  # a credit to a merchant's balance pays its debt first


# --- errors ---------------------------------------------------------------------------------------------------------

class PaymentNotFound(EntityNotFound):
    code = "payment_not_found"
    title = "No such payment"


class PaymentNotOpen(StateConflict):
    code = "payment_not_open"
    title = "This payment is no longer open"


class PaymentPartsInvalid(InputInvalid):
    code = "payment_parts_invalid"
    title = "A payment needs at least one order, each with a positive amount"


class LedgerEntryUnbalanced(DomainError):
    code = "ledger_entry_unbalanced"
    status = 500
    title = "A ledger entry's lines do not sum to zero"


class CallbackSignatureInvalid(InputInvalid):
    code = "callback_signature_invalid"
    title = "The callback signature is missing or wrong"


class CallbackReplayed(InputInvalid):
    code = "callback_replayed"
    title = "The callback timestamp is too old or in the future"


class CallbackMalformed(InputInvalid):
    code = "callback_malformed"
    title = "The callback body is not a payment event"


class GatewaySessionNotFound(EntityNotFound):
    code = "gateway_session_not_found"
    title = "No such payment session at the gateway"


class PayoutAmountInvalid(InputInvalid):
    code = "payout_amount_invalid"
    title = "The payout amount must be more than zero, with at most two decimals"


class PayoutExceedsAvailable(StateConflict):
    code = "payout_exceeds_available"
    title = "The payout is more than the available balance"


# --- payments -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PaymentPart:
    """What trade asks payments to collect for one order."""

    order_id: str
    store_id: str
    amount: int


@dataclass(frozen=True, slots=True)
class PaymentRef:
    id: str
    amount: int
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class PaymentCaptured:
    """The payment's money reached escrow (published once per payment, in the capture's unit of work)."""

    payment_id: str
    consumer_id: str
    order_ids: tuple[str, ...]
    at: datetime


@dataclass(frozen=True, slots=True)
class PartView:
    order_id: str
    store_id: str
    amount: int
    commission: int | None
    status: PartStatus
    updated_at: datetime
    refunded: int = 0  # refunded so far by after-sales (from escrow or after settlement)


@dataclass(frozen=True, slots=True)
class PaymentView:
    id: str
    consumer_id: str
    amount: int
    currency: str
    status: PaymentStatus
    provider: str
    created_at: datetime
    expires_at: datetime
    captured_at: datetime | None
    closed_at: datetime | None
    parts: tuple[PartView, ...] = ()


@dataclass(frozen=True, slots=True)
class PaymentStart:
    """Where to send the consumer's browser to pay (the provider's page)."""

    payment_id: str
    redirect_url: str


def check_parts(parts: Sequence[PaymentPart]) -> int:
    """The payment's amount: the parts' sum. Each order appears once, with a positive amount."""
    if not parts or any(p.amount <= 0 for p in parts) or len({p.order_id for p in parts}) != len(parts):
        raise PaymentPartsInvalid(field="parts")
    return sum(p.amount for p in parts)


def check_payable(view: PaymentView | None, consumer_id: str, now: datetime) -> PaymentView:
    """The consumer's own open, unexpired payment; someone else's is not found (its existence is not revealed)."""
    if view is None or view.consumer_id != consumer_id:
        raise PaymentNotFound(field="payment_id")
    if view.status is not PaymentStatus.OPEN or now >= view.expires_at:
        raise PaymentNotOpen(status=str(view.status))
    return view

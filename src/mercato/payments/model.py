"""payments rules as plain values: payments and their parts, the double-entry ledger's entries and checks, the
signed callback of the sandbox gateway, payouts, and the errors they raise. Pure: callers pass `now` and keys in.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from mercato.kernel.errors import DomainError, EntityNotFound, InputInvalid, StateConflict
from mercato.kernel.money import Money

# --- accounts (debit positive) --------------------------------------------------------------------------------------

GATEWAY = "gateway"  # money at the payment provider
ESCROW = "escrow"  # held for consumers' orders (a credit balance: negative while money is held)
REVENUE = "revenue:commission"  # the platform's commission
MERCHANT_PREFIX = "merchant:"  # merchant:<store_id>, the merchant's available balance (credit: negative)

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


# --- the ledger -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LedgerLine:
    account: str
    amount: int  # signed: debit positive
    store_id: str | None = None


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One money movement; idempotent on `source`."""

    source: str
    kind: EntryKind
    memo: str
    lines: tuple[LedgerLine, ...]


@dataclass(frozen=True, slots=True)
class PostedEntry:
    id: str
    source: str
    kind: str
    memo: str
    created_at: datetime
    lines: tuple[LedgerLine, ...]


@dataclass(frozen=True, slots=True)
class AccountBalance:
    account: str
    balance: int  # debit positive


@dataclass(frozen=True, slots=True)
class LedgerProblem:
    """One failed check of `verify`: which check, where, and what was expected against what was found."""

    check: str
    where: str
    detail: str = ""
    expected: int | None = None
    actual: int | None = None


def check_balanced(lines: Sequence[LedgerLine]) -> None:
    """An entry has at least two lines, all integers, none zero, summing to zero."""
    if (len(lines) < 2 or any(not isinstance(x.amount, int) or isinstance(x.amount, bool) or x.amount == 0
                              for x in lines) or sum(x.amount for x in lines) != 0):
        raise LedgerEntryUnbalanced(lines=[(x.account, x.amount) for x in lines])


def _entry(source: str, kind: EntryKind, memo: str, *lines: LedgerLine) -> LedgerEntry:
    kept = tuple(line for line in lines if line.amount != 0)
    check_balanced(kept)
    return LedgerEntry(source, kind, memo, kept)


def capture_entry(payment_id: str, amount: int) -> LedgerEntry:
    """The gateway took the consumer's money; the platform holds it in escrow."""
    return _entry(f"capture:{payment_id}", EntryKind.CAPTURE, f"payment {payment_id} captured",
                  LedgerLine(GATEWAY, amount), LedgerLine(ESCROW, -amount))


def settle_entry(order_id: str, store_id: str, amount: int, commission: int) -> LedgerEntry:
    """Escrow releases an order: the merchant gets it less the commission, which is platform revenue."""
    if not 0 <= commission <= amount:
        raise InputInvalid("The commission must be between 0 and the order amount", field="commission")
    return _entry(f"settle:{order_id}", EntryKind.SETTLE, f"order {order_id} settled",
                  LedgerLine(ESCROW, amount), LedgerLine(merchant_account(store_id), commission - amount, store_id),
                  LedgerLine(REVENUE, -commission))


def refund_entry(order_id: str, amount: int) -> LedgerEntry:
    """An order's held money goes back to the consumer through the gateway."""
    return _entry(f"refund:{order_id}", EntryKind.REFUND, f"order {order_id} refunded",
                  LedgerLine(ESCROW, amount), LedgerLine(GATEWAY, -amount))


def late_refund_entry(payment_id: str, amount: int) -> LedgerEntry:
    """A capture that arrived for a payment no longer open (or with the wrong amount) is refunded at once."""
    return _entry(f"refund:{payment_id}:late", EntryKind.REFUND, f"payment {payment_id} captured late, refunded",
                  LedgerLine(ESCROW, amount), LedgerLine(GATEWAY, -amount))


def payout_entry(payout_id: str, store_id: str, amount: int) -> LedgerEntry:
    """The merchant withdraws part of its available balance."""
    return _entry(f"payout:{payout_id}", EntryKind.PAYOUT, f"payout {payout_id}",
                  LedgerLine(merchant_account(store_id), amount, store_id), LedgerLine(GATEWAY, -amount))


def check_journal(entries: Iterable[tuple[str, int]]) -> list[LedgerProblem]:
    """Conservation: each entry (source, sum of its lines) sums to zero."""
    return [LedgerProblem("entry_balanced", f"entry {source}", "the lines of the entry do not sum to zero", 0, total)
            for source, total in entries if total != 0]


def check_escrow(escrow_balance: int, held_total: int) -> list[LedgerProblem]:
    """Escrow (a credit balance) holds exactly the parts paid and not yet settled or refunded."""
    if -escrow_balance == held_total:
        return []
    return [LedgerProblem("escrow_held", f"account {ESCROW}", "escrow differs from the parts held", held_total,
                          -escrow_balance)]


def check_merchants(ledger: Mapping[str, int], settled: Mapping[str, int], paid_out: Mapping[str, int],
                    rows: Mapping[str, int]) -> list[LedgerProblem]:
    """Per store: the merchant account == settlements less payouts == the merchant_balances row.

    `ledger` is each merchant account's credit balance (negated debit), `settled` what its settled parts brought
    (amount less commission), `paid_out` its completed payouts, `rows` the merchant_balances.available values.
    """
    problems: list[LedgerProblem] = []
    for store_id in sorted(set(ledger) | set(settled) | set(paid_out) | set(rows)):
        expected = settled.get(store_id, 0) - paid_out.get(store_id, 0)
        where = f"account {merchant_account(store_id)}"
        if ledger.get(store_id, 0) != expected:
            problems.append(LedgerProblem("merchant_ledger", where, "the ledger differs from settlements less payouts",
                                          expected, ledger.get(store_id, 0)))
        if rows.get(store_id, 0) != expected:
            problems.append(LedgerProblem("merchant_balance_row", f"merchant_balances {store_id}",
                                          "the stored balance differs from settlements less payouts",
                                          expected, rows.get(store_id, 0)))
    return problems


# --- merchant balance and payouts -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MerchantBalance:
    store_id: str
    pending: int  # held in escrow for this store's orders
    available: int  # settled and not yet paid out
    paid_out: int


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

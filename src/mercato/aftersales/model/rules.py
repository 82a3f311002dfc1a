"""The after-sales rules as plain values: request kinds, reasons (and whose fault), the request state machine, the
deadlines, the errors, and which kind of request an order's state allows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum

from mercato.kernel.errors import EntityNotFound, InputInvalid, StateConflict

# Deadlines (platform rules, documented in the README's "After-sales" section).
MERCHANT_ANSWER = timedelta(hours=48)  # the merchant agrees or refuses; afterwards the platform agrees for them
SHIP_BACK = timedelta(days=7)  # the consumer ships a return back; afterwards the request closes
CONFIRM_RECEIPT = timedelta(days=7)  # the merchant confirms a shipped-back return; afterwards it counts as received
ESCALATE_WINDOW = timedelta(days=7)  # after a refusal the consumer may escalate; afterwards the request closes
AFTERSALES_WINDOW = timedelta(days=15)  # requests are accepted until this long after the order completed

MAX_NOTE = 500
MAX_EVIDENCE = 1000
MAX_REFUSAL = 300
REQUEST_NO_DIGITS = 18
REQUEST_NO_SPACE = 9 * 10 ** (REQUEST_NO_DIGITS - 1)


class Kind(StrEnum):
    REFUND_ONLY = "refund_only"  # the goods were not shipped, or never arrived
    RETURN_REFUND = "return_refund"  # the goods arrived: they go back, then the money


class Reason(StrEnum):
    NOT_SHIPPED = "not_shipped"
    NOT_ARRIVED = "not_arrived"
    DAMAGED = "damaged"
    NOT_AS_DESCRIBED = "not_as_described"
    WRONG_ITEM = "wrong_item"
    QUALITY = "quality"
    CHANGED_MIND = "changed_mind"
    ORDERED_BY_MISTAKE = "ordered_by_mistake"
    DOES_NOT_FIT = "does_not_fit"


BUYER_FAULT: frozenset[Reason] = frozenset({Reason.CHANGED_MIND, Reason.ORDERED_BY_MISTAKE, Reason.DOES_NOT_FIT})


class Status(StrEnum):
    REQUESTED = "requested"  # waiting for the merchant's answer
    AWAITING_RETURN = "awaiting_return"  # agreed; the consumer ships the goods back
    SHIPPED_BACK = "shipped_back"  # the consumer shipped them; the merchant confirms receipt
    REFUSED = "refused"  # the merchant refused; the consumer may escalate
    ESCALATED = "escalated"  # an operator decides
    REFUNDED = "refunded"  # the money went back (in full or, by decision, in part)
    DENIED = "denied"  # the operator denied the escalated request
    CANCELLED = "cancelled"  # withdrawn by the consumer
    CLOSED = "closed"  # lapsed: never shipped back, refused and never escalated, or the order was cancelled


class Decision(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    DENIED = "denied"


# Open requests hold their units: at most one per order line (a partial unique index enforces it).
OPEN: frozenset[Status] = frozenset({Status.REQUESTED, Status.AWAITING_RETURN, Status.SHIPPED_BACK, Status.REFUSED,
                                     Status.ESCALATED})

_S = Status
TRANSITIONS: Mapping[Status, frozenset[Status]] = {
    _S.REQUESTED: frozenset({_S.AWAITING_RETURN, _S.REFUNDED, _S.REFUSED, _S.CANCELLED, _S.CLOSED}),
    _S.AWAITING_RETURN: frozenset({_S.SHIPPED_BACK, _S.CANCELLED, _S.CLOSED}),
    _S.SHIPPED_BACK: frozenset({_S.REFUNDED}),
    _S.REFUSED: frozenset({_S.ESCALATED, _S.CANCELLED, _S.CLOSED}),
    _S.ESCALATED: frozenset({_S.REFUNDED, _S.DENIED, _S.CLOSED}),
    _S.REFUNDED: frozenset(),
    _S.DENIED: frozenset(),
    _S.CANCELLED: frozenset(),
    _S.CLOSED: frozenset(),
}


# --- errors -------------------------------------------------------------------------------------------------------

class RefundRequestNotFound(EntityNotFound):
    code = "refund_request_not_found"
    title = "No such refund request"


class RefundOrderNotFound(EntityNotFound):
    code = "not_found"
    title = "No such order or order line"


class RefundUnitsInvalid(InputInvalid):
    code = "refund_units_invalid"
    title = "Ask for a refund of at least one unit, and no more than were bought and not yet refunded"


class RefundKindInvalid(InputInvalid):
    code = "refund_kind_invalid"
    title = "Unknown kind of request"


class RefundReasonInvalid(InputInvalid):
    code = "refund_reason_invalid"
    title = "Choose a reason from the list"


class RefundNoteInvalid(InputInvalid):
    code = "refund_note_invalid"
    title = "The text is too long or holds control characters"


class RefundTrackingInvalid(InputInvalid):
    code = "refund_tracking_invalid"
    title = "Give the carrier and the tracking number"


class RefundAmountInvalid(InputInvalid):
    code = "refund_amount_invalid"
    title = "A partial refund is more than nothing and less than the amount asked"


class RefundStatusInvalid(InputInvalid):
    code = "refund_status_invalid"
    title = "Unknown request status"


class RefundOrderNotPaid(StateConflict):
    code = "refund_order_not_paid"
    title = "Only a paid order can be refunded"


class RefundKindNotAllowed(StateConflict):
    code = "refund_kind_not_allowed"
    title = "Refund only is for goods not shipped or not arrived; return and refund is for goods shipped"


class RefundWindowClosed(StateConflict):
    code = "refund_window_closed"
    title = "The after-sales window of this order has closed"


class RefundRequestOpen(StateConflict):
    code = "refund_request_open"
    title = "This order line already has an open refund request"


class RefundTransitionForbidden(StateConflict):
    code = "refund_transition_forbidden"
    title = "The request is not in a state that allows this"


# --- decisions ----------------------------------------------------------------------------------------------------

def can_transition(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


def transition(current: Status, target: Status) -> Status:
    if not can_transition(current, target):
        raise RefundTransitionForbidden(status=current.value, target=target.value)
    return target


def parse_kind(raw: str) -> Kind:
    try:
        return Kind(raw)
    except ValueError:
        raise RefundKindInvalid(field="kind") from None


def parse_status(raw: str | None) -> Status | None:
    """A list's status filter: None (every status) when empty; an unknown value is refused, never read as 'all'."""
    if not raw:
        return None
    try:
        return Status(raw)
    except ValueError:
        raise RefundStatusInvalid(field="status") from None


def parse_reason(raw: str) -> Reason:
    try:
        return Reason(raw)
    except ValueError:
        raise RefundReasonInvalid(field="reason") from None


def kinds_allowed(order_status: str, completed_at: datetime | None, now: datetime) -> frozenset[Kind]:
    """What an order in this state may ask for: paid and unshipped, refund only; shipped, either (refund only when
    it never arrived); completed, a return within the after-sales window. Anything else is refused."""
    if order_status == "paid":
        return frozenset({Kind.REFUND_ONLY})
    if order_status == "shipped":
        return frozenset(Kind)
    if order_status == "completed":
        if completed_at is not None and now > completed_at + AFTERSALES_WINDOW:
            raise RefundWindowClosed(completed_at=completed_at.isoformat())
        return frozenset({Kind.RETURN_REFUND})
    raise RefundOrderNotPaid(status=order_status)


def check_kind(kind: Kind, order_status: str, completed_at: datetime | None, now: datetime) -> Kind:
    if kind not in kinds_allowed(order_status, completed_at, now):
        raise RefundKindNotAllowed(kind=kind.value, order_status=order_status, field="kind")
    return kind


def check_units(units: int, bought: int, taken: int) -> int:
    """1 <= units <= bought - taken (taken: units refunded before or held by an open request)."""
    if not 1 <= units <= bought - taken:
        raise RefundUnitsInvalid(field="units", available=max(bought - taken, 0))
    return units


def _unstorable(c: str) -> bool:
    """A control character, or a lone surrogate (no database encodes it: it would fail as a 500)."""
    return ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF


def clean_text(raw: str | None, longest: int, field: str, *, required: bool = False) -> str:
    value = " ".join((raw or "").split())
    if (required and not value) or len(value) > longest or any(_unstorable(c) for c in value):
        raise RefundNoteInvalid(field=field, maximum=longest)
    return value


def check_tracking(carrier: str, tracking_no: str) -> tuple[str, str]:
    carrier_text = " ".join(str(carrier).split())
    tracking = str(tracking_no).strip()
    if not 1 <= len(carrier_text) <= 50 or any(_unstorable(c) for c in carrier_text):
        raise RefundTrackingInvalid(field="carrier")
    if not 4 <= len(tracking) <= 40 or not all(c.isascii() and (c.isalnum() or c == "-") for c in tracking):
        raise RefundTrackingInvalid(field="tracking_no")
    return carrier_text, tracking


def request_no(number: int) -> str:
    """An opaque request number from a random integer below REQUEST_NO_SPACE (18 digits, no leading zero)."""
    return str(10 ** (REQUEST_NO_DIGITS - 1) + number % REQUEST_NO_SPACE)


def looks_like_request_no(text: str) -> bool:
    return len(text) == REQUEST_NO_DIGITS and text.isdigit() and text[0] != "0"


def after_agreement(kind: Kind) -> Status:
    """Agreeing to refund only moves the money at once; agreeing to a return waits for the goods."""
    return Status.REFUNDED if kind is Kind.REFUND_ONLY else Status.AWAITING_RETURN

"""After-sales money as plain values: what a refund takes from escrow, from the merchant's balance and as merchant
debt; what settles of a part after refunds; what a credit recovers of a debt; quick-refund advances; the refusals."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mercato.kernel.errors import EntityNotFound, InputInvalid, StateConflict
from mercato.payments.model.rules import PartStatus

# --- errors ---------------------------------------------------------------------------------------------------------


class RefundInvalid(InputInvalid):
    code = "refund_invalid"
    title = "A refund needs an amount above zero and shares between zero and the amount"


class RefundExceedsRefundable(StateConflict):
    code = "refund_exceeds_refundable"
    title = "The refund is more than what is still refundable of the order"


class RefundPartNotPaid(StateConflict):
    code = "refund_part_not_paid"
    title = "The order is not paid: there is nothing to refund"


class RefundShareExceedsSettled(StateConflict):
    code = "refund_share_exceeds_settled"
    title = "The commission or platform share is more than what was settled for the order and not yet given back"


class RefundSourceTaken(StateConflict):
    code = "refund_source_taken"
    title = "This source already names another ledger entry"


class AdvanceNotFound(EntityNotFound):
    code = "advance_not_found"
    title = "No such quick-refund advance"


class ClawbackExceedsOutstanding(StateConflict):
    code = "clawback_exceeds_outstanding"
    title = "The clawback is more than what is outstanding of the advance"


# --- values ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RefundMoved:
    """What one money movement of after-sales did; `source` is its idempotency key."""

    source: str
    amount: int  # what the consumer got back (or what repaid an advance)
    from_escrow: int  # taken from escrow (before settlement)
    from_merchant: int  # taken from the merchant's available balance (after settlement)
    merchant_debt: int  # what the balance could not cover, now owed by the merchant
    repeated: bool = False  # this source had moved already: nothing moved this time


@dataclass(frozen=True, slots=True)
class PartFigures:
    """An order's payment part with everything refunds and settlement read: whose it is, and its money so far."""

    payment_id: str
    consumer_id: str
    provider: str
    order_id: str
    store_id: str
    status: PartStatus
    amount: int
    refunded: int  # from escrow and after settlement
    escrow_refunded: int  # refunded while held
    refunded_commission: int  # commission shares of the refunds made while held
    refunded_subsidy: int  # platform shares of the refunds made while held
    commission: int  # settled (0 before settlement)
    subsidy: int  # settled (0 before settlement)


@dataclass(frozen=True, slots=True)
class AdvanceView:
    """A quick refund the platform advanced; `outstanding` is what is neither repaid nor clawed back."""

    source: str
    consumer_id: str
    order_id: str
    amount: int
    repaid: int
    clawed_back: int

    @property
    def outstanding(self) -> int:
        return self.amount - self.repaid - self.clawed_back


@dataclass(frozen=True, slots=True)
class PartMoney:
    """One order's payment part as the refund rules see it. After settlement `commission_left` and `subsidy_left`
    are what was settled and not yet given back by earlier refunds."""

    status: PartStatus
    amount: int  # paid
    refunded: int = 0  # refunded so far, from escrow or from the merchant
    commission_left: int = 0
    subsidy_left: int = 0


@dataclass(frozen=True, slots=True)
class RefundPlan:
    """How one refund moves: from escrow (held) or from the merchant's balance then as debt (settled).

    After settlement the merchant gives back `amount - commission_share + platform_share`: the platform returns its
    commission on those goods and takes back the subsidy it paid for them."""

    amount: int
    commission_share: int
    platform_share: int
    settled: bool
    from_escrow: int
    from_merchant: int
    merchant_debt: int

    @property
    def merchant_back(self) -> int:
        return self.from_merchant + self.merchant_debt


# --- rules ----------------------------------------------------------------------------------------------------------


def refundable(part: PartMoney | None) -> int:
    """What is still refundable of a paid part (held or settled); 0 otherwise."""
    if part is None or part.status not in (PartStatus.HELD, PartStatus.SETTLED):
        return 0
    return part.amount - part.refunded


def check_shares(amount: int, commission_share: int, platform_share: int) -> None:
    if amount <= 0:
        raise RefundInvalid(field="amount", amount=amount)
    if commission_share < 0 or platform_share < 0 or commission_share > amount:
        raise RefundInvalid(field="commission_share", commission_share=commission_share,
                            platform_share=platform_share)


def plan_refund(part: PartMoney | None, *, amount: int, commission_share: int, platform_share: int,
                available: int) -> RefundPlan:
    """The refund's split, or the refusal: a bad amount or share, an unpaid part, more than refundable, or (after
    settlement) shares beyond what was settled and not yet given back. `available` is the merchant's balance."""
    check_shares(amount, commission_share, platform_share)
    if part is None or part.status in (PartStatus.PENDING, PartStatus.VOID):
        raise RefundPartNotPaid(status=part.status.value if part else None)
    if amount > refundable(part):
        raise RefundExceedsRefundable(refundable=refundable(part), amount=amount)
    if part.status is PartStatus.HELD:
        return RefundPlan(amount, commission_share, platform_share, False, amount, 0, 0)
    if commission_share > part.commission_left or platform_share > part.subsidy_left:
        raise RefundShareExceedsSettled(commission_left=part.commission_left, subsidy_left=part.subsidy_left)
    back = amount - commission_share + platform_share
    covered = min(back, max(available, 0))
    return RefundPlan(amount, commission_share, platform_share, True, 0, covered, back - covered)


def after_refund(part: PartMoney, plan: RefundPlan) -> PartMoney:
    """The part once the plan moved: a held part refunded in full ends `refunded`."""
    refunded = part.refunded + plan.amount
    if plan.settled:
        return replace(part, refunded=refunded, commission_left=part.commission_left - plan.commission_share,
                       subsidy_left=part.subsidy_left - plan.platform_share)
    status = PartStatus.REFUNDED if refunded == part.amount else part.status
    return replace(part, refunded=refunded, status=status)


@dataclass(frozen=True, slots=True)
class Remainder:
    """What settles of a part after refunds from escrow: the amount still held, and the order's commission and
    platform-funded discount less the shares already refunded."""

    amount: int
    commission: int
    subsidy: int


def settlement_remainder(*, amount: int, refunded: int, commission: int, refunded_commission: int,
                         platform_funded: int, refunded_subsidy: int) -> Remainder:
    """The commission never exceeds what the merchant receives (amount plus subsidy), and no figure goes below
    zero: shares refunded beyond the order's commission or subsidy settle nothing more."""
    left = amount - refunded
    subsidy = max(platform_funded - refunded_subsidy, 0)
    return Remainder(left, min(max(commission - refunded_commission, 0), left + subsidy), subsidy)


def recovery(owed: int, credited: int) -> int:
    """What a credit to the merchant's balance pays of its debt first."""
    return max(min(owed, credited), 0)


def repay_split(amount: int, outstanding: int) -> tuple[int, int]:
    """A refund that repays an advance: (what repays the advance, what still goes to the consumer)."""
    repaid = max(min(amount, outstanding), 0)
    return repaid, amount - repaid


def check_advance(amount: int, refundable_now: int) -> None:
    if amount <= 0:
        raise RefundInvalid(field="amount", amount=amount)
    if amount > refundable_now:
        raise RefundExceedsRefundable(refundable=refundable_now, amount=amount)


def check_clawback(amount: int, outstanding: int) -> None:
    if amount <= 0:
        raise RefundInvalid(field="amount", amount=amount)
    if amount > outstanding:
        raise ClawbackExceedsOutstanding(outstanding=outstanding, amount=amount)

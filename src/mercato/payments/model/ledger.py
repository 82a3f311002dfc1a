"""The double-entry ledger as plain values: balanced entries and the checks of ledger verify."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from mercato.kernel.errors import InputInvalid
from mercato.payments.model.refunds import RefundPlan
from mercato.payments.model.rules import (
    ESCROW,
    GATEWAY,
    REVENUE,
    SUBSIDY,
    EntryKind,
    LedgerEntryUnbalanced,
    merchant_account,
)

# --- after-sales accounts (debit positive) ---------------------------------------------------------------------------
# What merchants owe the platform: refunds after settlement that their available balance could not cover. A debit
# balance (a receivable); each line carries the store's id, and every later settlement of the store pays it first.
MERCHANT_DEBT = "receivable:merchant_debt"
# Quick refunds the platform paid consumers from its own money before the merchant answered or the goods came back.
# A debit balance (a receivable): a refund that repays the advance, or a clawback from the consumer, closes it.
ADVANCES = "platform:quick_refund_advances"

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


def check_settlement(amount: int, commission: int, subsidy: int) -> None:
    """The subsidy is not negative, and the commission is between 0 and what the merchant receives."""
    if subsidy < 0:
        raise InputInvalid("The platform subsidy cannot be negative", field="subsidy")
    if not 0 <= commission <= amount + subsidy:
        raise InputInvalid("The commission must be between 0 and the order amount", field="commission")


def settle_entry(order_id: str, store_id: str, amount: int, commission: int, subsidy: int = 0) -> LedgerEntry:
    """Escrow releases an order and the platform adds what it funds of its discounts (`subsidy`, from the promotion
    subsidy account): the merchant gets both less the commission, which is platform revenue."""
    check_settlement(amount, commission, subsidy)
    return _entry(f"settle:{order_id}", EntryKind.SETTLE, f"order {order_id} settled",
                  LedgerLine(ESCROW, amount), LedgerLine(SUBSIDY, subsidy),
                  LedgerLine(merchant_account(store_id), commission - amount - subsidy, store_id),
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


def refund_movement_entry(source: str, order_id: str, store_id: str, plan: RefundPlan,
                          repaid: int = 0) -> LedgerEntry:
    """A partial refund of an order. Held: escrow pays it. Settled: the merchant gives back what it received for
    those goods (its balance, then debt for the rest), the platform returns its commission share and takes back its
    subsidy share. The consumer is paid through the gateway, except `repaid`, which repays a quick-refund advance."""
    lines = [LedgerLine(ESCROW, plan.from_escrow), LedgerLine(merchant_account(store_id), plan.from_merchant, store_id),
             LedgerLine(MERCHANT_DEBT, plan.merchant_debt, store_id)]
    if plan.settled:
        lines += [LedgerLine(REVENUE, plan.commission_share), LedgerLine(SUBSIDY, -plan.platform_share)]
    lines += [LedgerLine(ADVANCES, -repaid), LedgerLine(GATEWAY, repaid - plan.amount)]
    return _entry(source, EntryKind.REFUND, f"order {order_id} partly refunded", *lines)


def advance_entry(source: str, consumer_id: str, amount: int) -> LedgerEntry:
    """A quick refund: the platform pays the consumer from its own money, to be repaid later."""
    return _entry(source, EntryKind.ADVANCE, f"quick refund advanced to {consumer_id}",
                  LedgerLine(ADVANCES, amount), LedgerLine(GATEWAY, -amount))


def clawback_entry(source: str, advance_source: str, amount: int) -> LedgerEntry:
    """The return never arrived: the advance is charged back to the consumer through the gateway."""
    return _entry(source, EntryKind.CLAWBACK, f"advance {advance_source} clawed back",
                  LedgerLine(GATEWAY, amount), LedgerLine(ADVANCES, -amount))


def recovery_entry(source: str, store_id: str, amount: int) -> LedgerEntry:
    """A credit to the merchant's balance pays its debt first."""
    return _entry(source, EntryKind.RECOVERY, f"debt of store {store_id} recovered",
                  LedgerLine(merchant_account(store_id), amount, store_id),
                  LedgerLine(MERCHANT_DEBT, -amount, store_id))


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


def check_subsidy(subsidy_balance: int, settled_subsidy: int) -> list[LedgerProblem]:
    """The promotion subsidy account (a debit balance) is exactly the subsidies of the settled parts."""
    if subsidy_balance == settled_subsidy:
        return []
    return [LedgerProblem("subsidy_paid", f"account {SUBSIDY}", "the subsidy account differs from the settled "
                          "subsidies", settled_subsidy, subsidy_balance)]


def check_merchants(ledger: Mapping[str, int], settled: Mapping[str, int], paid_out: Mapping[str, int],
                    rows: Mapping[str, int], taken: Mapping[str, int] | None = None) -> list[LedgerProblem]:
    """Per store: the merchant account == settlements less refunds and payouts == the merchant_balances row.

    `ledger` is each merchant account's credit balance (negated debit), `settled` what its settled parts brought
    (amount less commission plus the platform subsidy), `paid_out` its completed payouts, `rows` the
    merchant_balances.available values, `taken` what refunds after settlement and debt recoveries took from it.
    """
    problems: list[LedgerProblem] = []
    taken = taken or {}
    for store_id in sorted(set(ledger) | set(settled) | set(paid_out) | set(rows) | set(taken)):
        expected = settled.get(store_id, 0) - paid_out.get(store_id, 0) - taken.get(store_id, 0)
        where = f"account {merchant_account(store_id)}"
        if ledger.get(store_id, 0) != expected:
            problems.append(LedgerProblem("merchant_ledger", where, "the ledger differs from settlements less payouts",
                                          expected, ledger.get(store_id, 0)))
        if rows.get(store_id, 0) != expected:
            problems.append(LedgerProblem("merchant_balance_row", f"merchant_balances {store_id}",
                                          "the stored balance differs from settlements less payouts",
                                          expected, rows.get(store_id, 0)))
    return problems


def check_debts(ledger: Mapping[str, int], moved: Mapping[str, int], rows: Mapping[str, int]) -> list[LedgerProblem]:
    """Per store: the merchant debt account (its lines for the store) == debts created less recovered == the
    merchant_debts row."""
    problems: list[LedgerProblem] = []
    for store_id in sorted(set(ledger) | set(moved) | set(rows)):
        expected = moved.get(store_id, 0)
        if ledger.get(store_id, 0) != expected:
            problems.append(LedgerProblem("merchant_debt_ledger", f"account {MERCHANT_DEBT} store {store_id}",
                                          "the ledger differs from debts created less recovered", expected,
                                          ledger.get(store_id, 0)))
        if rows.get(store_id, 0) != expected:
            problems.append(LedgerProblem("merchant_debt_row", f"merchant_debts {store_id}",
                                          "the stored debt differs from debts created less recovered", expected,
                                          rows.get(store_id, 0)))
    return problems


def check_account(check: str, account: str, detail: str, expected: int, actual: int) -> list[LedgerProblem]:
    """One account's balance against what the business records say it must be."""
    return [] if expected == actual else [LedgerProblem(check, f"account {account}", detail, expected, actual)]


def check_part_refunds(parts: Mapping[str, int], moved: Mapping[str, int]) -> list[LedgerProblem]:
    """Per order: what its part counts as refunded from escrow == what its refund movements took from escrow."""
    return [LedgerProblem("part_refunds", f"order {order_id}", "the part's escrow refunds differ from its movements",
                          moved.get(order_id, 0), parts.get(order_id, 0))
            for order_id in sorted(set(parts) | set(moved)) if parts.get(order_id, 0) != moved.get(order_id, 0)]


def check_part_refunded(parts: Mapping[str, int], moved: Mapping[str, int]) -> list[LedgerProblem]:
    """Per order: what its part counts as refunded in all (from escrow and after settlement) == what its refund and
    cancel movements gave back; a path paying without counting it on the part could refund more than was paid."""
    return [LedgerProblem("part_refunded", f"order {order_id}", "the part's refunded total differs from its "
                          "movements", moved.get(order_id, 0), parts.get(order_id, 0))
            for order_id in sorted(set(parts) | set(moved)) if parts.get(order_id, 0) != moved.get(order_id, 0)]

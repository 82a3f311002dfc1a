"""The ledger's checks and the operator's reads: payments, account balances, the journal, and `verify`."""

from __future__ import annotations

from mercato.kernel.errors import AccessDenied, InputInvalid
from mercato.kernel.pagination import Page, clamp_limit, decode_id_cursor, page_by_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.payments._platform_sales import PLATFORM_STORE, check_platform_sales
from mercato.payments.model import (
    ADVANCES,
    ESCROW,
    REVENUE,
    SUBSIDY,
    AccountBalance,
    LedgerProblem,
    PaymentStatus,
    PaymentView,
    PostedEntry,
    check_account,
    check_debts,
    check_escrow,
    check_journal,
    check_merchants,
    check_part_refunds,
    check_subsidy,
)
from mercato.payments.model.ledger import check_part_refunded
from mercato.payments.repo import BalanceRepo, DebtRepo, LedgerRepo, PaymentRepo, PayoutRepo, RefundRepo


def verify_in(uow: UnitOfWork) -> list[LedgerProblem]:
    """Every problem the ledger has, each saying where: an entry whose lines do not sum to zero (conservation),
    lines without an entry, a captured payment or an after-sales movement without its entry, escrow that differs
    from what the parts hold (paid less refunded while held, not settled), a part's escrow refunds that differ from
    its movements, a merchant account or merchant_balances row that differs from settlements less refunds,
    recoveries and payouts, a debt that differs from the debts created less recovered, the promotion subsidy and
    commission accounts against the settled figures less refunded shares, and the advances account against the
    advances outstanding."""
    ledger, payments = LedgerRepo(uow.conn), PaymentRepo(uow.conn)
    problems = check_journal(ledger.entry_sums())
    orphans = ledger.orphan_line_total()
    if orphans:
        problems.append(LedgerProblem("entry_balanced", "ledger_lines", "lines without an entry", 0, orphans))
    problems += [LedgerProblem("capture_posted", f"payment {payment_id}", "captured but no capture entry",
                               amount, 0) for payment_id, amount in payments.captured_without_entry()]
    problems += check_escrow(ledger.escrow_balance(), payments.held_total()) + check_platform_sales(uow)
    problems += _check_after_sales(uow)
    return problems + check_merchants(ledger.merchant_credits(), payments.settled_by_store(),
                                      PayoutRepo(uow.conn).totals(), BalanceRepo(uow.conn).all(),
                                      RefundRepo(uow.conn).taken_by_store())


def _check_after_sales(uow: UnitOfWork) -> list[LedgerProblem]:
    ledger, payments, refunds = LedgerRepo(uow.conn), PaymentRepo(uow.conn), RefundRepo(uow.conn)
    commission_back, subsidy_back = refunds.shares_after_settlement_total()
    problems = [LedgerProblem("movement_posted", f"movement {source}", "recorded but no ledger entry", amount, 0)
                for source, amount in refunds.without_entry()]
    problems += check_part_refunds(payments.escrow_refunded_by_order(), refunds.escrow_refunded_by_order())
    problems += check_part_refunded(payments.refunded_by_order(), refunds.refunded_by_order())
    problems += check_subsidy(ledger.balance(SUBSIDY), payments.settled_subsidy() - subsidy_back)
    problems += check_account("commission_revenue", REVENUE, "commission revenue differs from the settled "
                              "commissions less the commission refunded",
                              payments.settled_commission(exclude_store=PLATFORM_STORE) - commission_back,
                              -ledger.balance(REVENUE))
    problems += check_debts(ledger.debts_by_store(), refunds.debt_by_store(), DebtRepo(uow.conn).all())
    problems += check_account("advances_outstanding", ADVANCES, "the advances account differs from the advances "
                              "outstanding", refunds.outstanding(), ledger.balance(ADVANCES))
    return problems + [LedgerProblem("advance_closed", f"advance {source}", "repaid and clawed back differ from "
                                     "the movements", moved_repaid + moved_clawed, repaid + clawed)
                       for source, repaid, moved_repaid, clawed, moved_clawed in refunds.advance_mismatches()]


def _require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise AccessDenied("Only platform operators may do this")


def verify_ledger(rt: Runtime, principal: Principal) -> list[LedgerProblem]:
    _require_operator(principal)
    with rt.uow(read_only=True) as uow:
        return verify_in(uow)


def ledger_accounts(rt: Runtime, principal: Principal) -> list[AccountBalance]:
    """Every account's balance (debit positive), by account name."""
    _require_operator(principal)
    with rt.uow(read_only=True) as uow:
        return LedgerRepo(uow.conn).balances()


def ledger_entries(rt: Runtime, principal: Principal, cursor: str | None = None, limit: int | None = None,
                   account: str | None = None) -> Page[PostedEntry]:
    """The journal, newest first, optionally only the entries touching `account`."""
    _require_operator(principal)
    size = clamp_limit(limit, default=50)
    account = account.strip() if account and account.strip() else None
    if account is not None and len(account) > 64:
        raise InputInvalid("An account name has at most 64 characters", field="account")
    with rt.uow(read_only=True) as uow:
        rows = LedgerRepo(uow.conn).entries(before=decode_id_cursor(cursor), limit=size + 1, account=account)
    return page_by_id(rows, size)


def check_payment_status(status: str | None) -> str | None:
    if status is None or not status.strip():
        return None
    if status not in {s.value for s in PaymentStatus}:
        raise InputInvalid("A payment status is open, captured or closed", field="status")
    return status


def all_payments(rt: Runtime, principal: Principal, cursor: str | None = None, limit: int | None = None,
                 status: str | None = None) -> Page[PaymentView]:
    """Every payment newest first, with its parts; the operator's view."""
    _require_operator(principal)
    size = clamp_limit(limit, default=50)
    wanted = check_payment_status(status)
    with rt.uow(read_only=True) as uow:
        rows = PaymentRepo(uow.conn).page(status=wanted, consumer_id=None, before=decode_id_cursor(cursor),
                                          limit=size + 1)
    return page_by_id(rows, size)


def escrow_total(rt: Runtime, principal: Principal) -> int:
    """What escrow holds now (a positive number)."""
    _require_operator(principal)
    with rt.uow(read_only=True) as uow:
        return -LedgerRepo(uow.conn).balance(ESCROW)

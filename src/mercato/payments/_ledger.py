"""The ledger's checks and the operator's reads: payments, account balances, the journal, and `verify`."""

from __future__ import annotations

from mercato.kernel.errors import AccessDenied, InputInvalid
from mercato.kernel.pagination import Page, clamp_limit, decode_id_cursor, page_by_id
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.payments._platform_sales import check_platform_sales
from mercato.payments.model import (
    ESCROW,
    SUBSIDY,
    AccountBalance,
    LedgerProblem,
    PaymentStatus,
    PaymentView,
    PostedEntry,
    check_escrow,
    check_journal,
    check_merchants,
    check_subsidy,
)
from mercato.payments.repo import BalanceRepo, LedgerRepo, PaymentRepo, PayoutRepo


def verify_in(uow: UnitOfWork) -> list[LedgerProblem]:
    """Every problem the ledger has, each saying where: an entry whose lines do not sum to zero (conservation),
    lines without an entry, a captured payment without its capture entry, escrow that differs from the parts it
    holds, a merchant account or merchant_balances row that differs from settlements (less commission, plus the
    platform subsidy) less payouts, and a promotion subsidy account that differs from the settled subsidies."""
    ledger, payments = LedgerRepo(uow.conn), PaymentRepo(uow.conn)
    problems = check_journal(ledger.entry_sums())
    orphans = ledger.orphan_line_total()
    if orphans:
        problems.append(LedgerProblem("entry_balanced", "ledger_lines", "lines without an entry", 0, orphans))
    problems += [LedgerProblem("capture_posted", f"payment {payment_id}", "captured but no capture entry",
                               amount, 0) for payment_id, amount in payments.captured_without_entry()]
    problems += check_escrow(ledger.escrow_balance(), payments.held_total()) + check_platform_sales(uow)
    problems += check_subsidy(ledger.balance(SUBSIDY), payments.settled_subsidy())
    return problems + check_merchants(ledger.merchant_credits(), payments.settled_by_store(),
                                      PayoutRepo(uow.conn).totals(), BalanceRepo(uow.conn).all())


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

"""After-sales' part of `mercato ledger verify`: every request's state against the money payments moved under its
sources, so a request marked refunded whose money never moved (or money moved for no request) is found."""

from __future__ import annotations

from mercato.aftersales.model import expected_movements, money_mismatches
from mercato.aftersales.repo import RequestRepo
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork
from mercato.payments import service as payments
from mercato.payments.model import LedgerProblem


def verify_in(uow: UnitOfWork) -> list[LedgerProblem]:
    """One `aftersales_money` problem per source whose movement differs from what the requests say it moved."""
    expected = expected_movements(RequestRepo(uow.conn).with_money())
    return [LedgerProblem("aftersales_money", f"movement {source}", "the refund requests and the money moved under "
                          "this source differ", want, moved)
            for source, want, moved in money_mismatches(expected, payments.movements_in(uow))]


def verify_aftersales(rt: Runtime) -> list[LedgerProblem]:
    with rt.uow(read_only=True) as uow:
        return verify_in(uow)

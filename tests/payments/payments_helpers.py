"""Helpers for payments tests: people and stores as rows, payments created through the in-transaction API trade
uses (trade's orders are stood in for by fresh ids), paying through the sandbox, running the delivery jobs, and a
snapshot of every payments table so a refusal can be shown to have changed nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from mercato.kernel.clock import FixedClock
from mercato.kernel.idempotency import idempotency_keys
from mercato.kernel.idgen import new_id
from mercato.kernel.jobs import jobs, run_due
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.payments import service
from mercato.payments.model import PaymentPart, PaymentRef
from mercato.payments.tables import (
    ledger_entries,
    ledger_lines,
    merchant_balances,
    payment_callbacks,
    payment_parts,
    payments,
    payouts,
    sandbox_sessions,
    sandbox_transfers,
)
from mercato.stores.tables import store_staff, stores
from support import PASSWORD as PASSWORD
from support import bearer as bearer
from support import csrf_from as csrf_from
from support import log_in as log_in
from support import person as person

TABLES = (payments, payment_parts, ledger_entries, ledger_lines, merchant_balances, payouts, payment_callbacks,
          sandbox_sessions, sandbox_transfers, jobs, idempotency_keys)


def open_store(rt: Runtime, owner: Principal, slug: str) -> str:
    store_id = new_id()
    now = rt.clock.now()
    with rt.uow() as uow:
        uow.conn.execute(stores.insert().values(
            id=store_id, slug=slug, kind="independent", status="active", name_en=slug.title(), name_zh=slug,
            description_en="", description_zh="", brand_id=None, owner_id=owner.user_id, created_at=now))
        uow.conn.execute(store_staff.insert().values(store_id=store_id, user_id=owner.user_id, role="owner",
                                                     permissions="", added_at=now))
        uow.commit()
    return store_id


def add_staff(rt: Runtime, store_id: str, member: Principal, permissions: str) -> None:
    with rt.uow() as uow:
        uow.conn.execute(store_staff.insert().values(store_id=store_id, user_id=member.user_id, role="staff",
                                                     permissions=permissions, added_at=rt.clock.now()))
        uow.commit()


def new_payment(rt: Runtime, consumer: Principal, *amounts: tuple[str, int],
                minutes: int = 15) -> tuple[PaymentRef, list[str]]:
    """A payment of one part per (store_id, amount), as trade's place-order makes it; the ref and the order ids."""
    order_ids = [new_id() for _ in amounts]
    parts = [PaymentPart(order_id, store_id, amount) for order_id, (store_id, amount) in zip(order_ids, amounts,
                                                                                            strict=True)]
    now = rt.clock.now()
    with rt.uow() as uow:
        ref = service.create_payment_in(uow, consumer_id=consumer.user_id, parts=parts, now=now,
                                        expires_at=now + timedelta(minutes=minutes))
        uow.commit()
    return ref, order_ids


def approve(rt: Runtime, consumer: Principal, payment_id: str, *, approve: bool = True) -> str:
    """Start paying and decide on the gateway's page; the session id."""
    start = service.start_payment(rt, consumer, payment_id)
    session_id = start.redirect_url.rsplit("/", 1)[1]
    service.gateway_decide(rt, consumer, session_id, approve)
    return session_id


def deliver(rt: Runtime, clock: FixedClock, seconds: int = 5) -> int:
    """Let the gateway's delayed notices come due and run them (twice over: both copies); how many ran."""
    clock.advance(timedelta(seconds=seconds))
    return run_due(rt, service.JOB_HANDLERS, "test-worker")


def pay(rt: Runtime, clock: FixedClock, consumer: Principal, payment_id: str) -> None:
    approve(rt, consumer, payment_id)
    deliver(rt, clock)


def settle(rt: Runtime, order_id: str, commission: int) -> bool:
    with rt.uow() as uow:
        done = service.settle_order_in(uow, order_id=order_id, commission=commission, now=rt.clock.now())
        uow.commit()
    return done


def refund(rt: Runtime, order_id: str) -> bool:
    with rt.uow() as uow:
        done = service.refund_order_in(uow, order_id=order_id, now=rt.clock.now())
        uow.commit()
    return done


def snapshot(rt: Runtime) -> dict[str, Any]:
    """Every row of every payments table (and the job and idempotency tables)."""
    with rt.uow(read_only=True) as uow:
        return {t.name: sorted(tuple(str(v) for v in r) for r in uow.conn.execute(sa.select(t))) for t in TABLES}


def balances(rt: Runtime) -> dict[str, int]:
    """Account -> balance (debit positive), accounts with lines only."""
    query = sa.select(ledger_lines.c.account, sa.func.sum(ledger_lines.c.amount)).group_by(ledger_lines.c.account)
    with rt.uow(read_only=True) as uow:
        return {account: int(total) for account, total in uow.conn.execute(query)}


def entry_sources(rt: Runtime) -> list[str]:
    with rt.uow(read_only=True) as uow:
        return sorted(uow.conn.execute(sa.select(ledger_entries.c.source)).scalars())


def verify(rt: Runtime) -> list[Any]:
    with rt.uow(read_only=True) as uow:
        return service.verify_in(uow)


def payment(rt: Runtime, payment_id: str) -> Any:
    with rt.uow(read_only=True) as uow:
        return service.payment_status_in(uow, payment_id)

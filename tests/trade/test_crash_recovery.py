"""A load run killed with SIGKILL in the middle recovers on both engines: after a restart and the jobs, no
reservation is stuck, every captured payment has its escrow entry and `mercato ledger verify` passes.

The test commits for real on a private database (`private_engine`) that a real `mercato serve` (two uvicorn worker
processes, each with its embedded job worker, the sandbox gateway calling back at once) serves over HTTP.
"""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from crash_helpers import (
    MERCATO,
    SECRET,
    Load,
    Lost,
    Mix,
    build_market,
    kill_in_the_middle,
    mercato_env,
    observe,
    quantities,
    serving,
    wait_until_disconnected,
    with_application_name,
)
from sqlalchemy.engine import Engine

from mercato.inventory.model import StockInsufficient
from mercato.inventory.tables import stock, stock_movements
from mercato.kernel.clock import FixedClock, SystemClock
from mercato.kernel.db import make_engine
from mercato.kernel.idempotency import idempotency_keys
from mercato.kernel.jobs import jobs
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.kernel.worker import Worker, worker_name
from mercato.payments import service as payments
from mercato.payments.model import ESCROW, GATEWAY
from mercato.payments.tables import ledger_entries, ledger_lines, payment_parts, sandbox_sessions
from mercato.payments.tables import payments as payment_rows
from mercato.settings import Settings
from mercato.trade import service as trade
from mercato.trade.tables import order_lines, orders
from mercato.wiring import event_bus, job_handlers

SHOPPERS = 8
ROUNDS = 60
CAPTURED_BEFORE_KILL = 4
SERVER_WORKERS = 2
SERVER_APP = "mercato-crash-test-server"
SOLD = ("paid", "shipped", "completed")


def _runtime(engine: Engine, tmp_path: Path, clock: Any) -> Runtime:
    settings = Settings(var_dir=tmp_path, secret_key=SECRET, sandbox_callback_delay_seconds=0)
    return Runtime(settings=settings, engine=engine, uow=UnitOfWorkFactory(engine), clock=clock, events=event_bus())


def _ready(mix: Mix, on_the_wire: Counter[str]) -> bool:
    """Orders in every state (captured, approved with the callback pending, reserved and unpaid) and requests on
    the wire, with room for what may still commit at the kill: each server worker capturing one more payment, each
    approval on the wire approving one more."""
    return (mix.captured >= CAPTURED_BEFORE_KILL and mix.awaiting_callback > SERVER_WORKERS
            and mix.unpaid > on_the_wire["approve"] and sum(on_the_wire.values()) >= 2)


@pytest.mark.slow
def test_a_load_run_killed_with_sigkill_recovers_after_a_restart_and_the_jobs(private_engine: Engine,
                                                                                tmp_path: Path) -> None:
    """Shoppers check out over HTTP against `mercato serve`; once some payments are captured, some approved with
    the gateway's callback still pending and some orders reserved but unpaid, with requests in flight, the server's
    process group is frozen (SIGSTOP: the state checked is the state killed, give or take what was already
    committing in PostgreSQL, which `_ready` leaves room for) and SIGKILLed. Then, as a restarted process
    would: requests cut off are retried with their Idempotency-Key, the clock moves an hour on (past the payment
    timeout and the leases of jobs the dead workers held) and the job queue is drained. Afterwards every job is
    done, no unit is reserved, stock on hand + reserved + sold is what there was, every captured payment has its
    capture entry and paid orders, every approval was captured, and the ledger verifies (in-process and through
    `mercato ledger verify`)."""
    began = time.monotonic()
    url = private_engine.url.render_as_string(hide_password=False)
    market = build_market(_runtime(private_engine, tmp_path, SystemClock()), SHOPPERS)
    initial = _stock(private_engine)
    with serving(with_application_name(url, SERVER_APP), tmp_path, workers=SERVER_WORKERS, embedded_worker="true",
                 sandbox_callback_delay_seconds="0") as server:
        load = Load(server.url, market.shoppers, ROUNDS).start()
        try:
            kill_in_the_middle(server, load, private_engine, _ready, prefer_running_job_for=3.0, seconds=45.0)
        finally:
            server.kill()
            load.join()
    wait_until_disconnected(private_engine, SERVER_APP)
    at_kill = observe(private_engine)  # what the killed server left behind
    assert load.unexpected == []
    assert set(load.refused) <= {"stock_insufficient"}, load.refused
    assert load.lost, "the kill cut off no request"
    assert at_kill.captured >= CAPTURED_BEFORE_KILL, at_kill
    assert at_kill.awaiting_callback >= 1, at_kill
    assert at_kill.unpaid >= 1, at_kill
    killed = time.monotonic()

    engine = make_engine(url)  # the restarted process
    try:
        clock = FixedClock(datetime.now(UTC))
        rt = _runtime(engine, tmp_path, clock)
        retried = _retry_cut_off_requests(rt, load.lost)
        clock.advance(timedelta(hours=1))
        ran = Worker(rt, job_handlers(), worker_name("recovery"), batch=10).drain()
        assert _job_problems(rt, at_kill) == []
        assert _stock_problems(rt, initial) == []
        assert _payment_problems(rt, load) == []
        assert trade.verify_ledger(rt) == []
        held = _one(rt, sa.select(sa.func.coalesce(sa.func.sum(orders.c.total), 0)).where(orders.c.status.in_(SOLD)))
        assert _one(rt, sa.select(sa.func.coalesce(sa.func.sum(ledger_lines.c.amount), 0))
                    .where(ledger_lines.c.account == ESCROW)) == -held
    finally:
        engine.dispose()
    cli = subprocess.run([str(MERCATO), "ledger", "verify", "--database-url", url], cwd=tmp_path,
                         env=mercato_env(tmp_path), capture_output=True, text=True, timeout=120, check=False)
    assert (cli.returncode, cli.stdout) == (0, "ledger ok\n"), cli.stdout + cli.stderr
    print(f"\n{private_engine.dialect.name}: killed with {at_kill} and {len(load.lost)} request(s) cut off "
          f"({sorted(lost.kind for lost in load.lost)}); {len(load.placed)} placed, {len(load.approved)} approved, "
          f"{len(load.refused)} refused over HTTP; retried {dict(retried)}; {ran} job(s) run after the restart; "
          f"load {killed - began:.1f} s, total {time.monotonic() - began:.1f} s")


# --- the restart ---------------------------------------------------------------------------------------------------

def _retry_cut_off_requests(rt: Runtime, lost: list[Lost]) -> Counter[str]:
    """A client whose placement or payment start got no answer sends it again with the same Idempotency-Key: if
    the first committed, the retry answers what it did and changes nothing; if not, the retry does the work.
    How many retries of each kind found their first attempt committed (`replayed`) or not (`redone`)."""
    outcomes: Counter[str] = Counter()
    for request in lost:
        principal = request.shopper.principal
        stored = _stored_answer(rt, principal.user_id, request)
        if request.kind == "place":
            assert request.fingerprint is not None
            before = _one(rt, sa.select(sa.func.count()).select_from(payment_rows))
            try:
                placed = trade.place_order(rt, principal, address_id=request.shopper.address_id,
                                           fingerprint=request.fingerprint, idempotency_key=request.key)
            except StockInsufficient:
                assert stored is None
                outcomes["place refused"] += 1
                continue
            after = _one(rt, sa.select(sa.func.count()).select_from(payment_rows))
            if stored is not None:
                assert (placed.payment_id, after) == (stored["payment_id"], before)
            else:
                assert after == before + 1
        elif request.kind == "pay":
            assert request.payment_id is not None
            start = payments.start_payment(rt, principal, request.payment_id, request.key)
            if stored is not None:
                assert start.redirect_url == stored["redirect_url"]
        else:
            continue
        outcomes[f"{request.kind} {'replayed' if stored is not None else 'redone'}"] += 1
    return outcomes


def _stored_answer(rt: Runtime, owner: str, request: Lost) -> dict[str, Any] | None:
    if request.key is None:
        return None
    query = sa.select(idempotency_keys.c.response).where(idempotency_keys.c.owner == owner,
                                                         idempotency_keys.c.key == request.key)
    with rt.uow(read_only=True) as uow:
        response = uow.conn.execute(query).scalar_one_or_none()
    return dict(response) if response is not None else None


# --- what must hold afterwards -------------------------------------------------------------------------------------

def _one(rt: Runtime, query: Any) -> int:
    with rt.uow(read_only=True) as uow:
        return int(uow.conn.execute(query).scalar_one())


def _rows(rt: Runtime, query: Any) -> list[Any]:
    with rt.uow(read_only=True) as uow:
        return list(uow.conn.execute(query))


def _stock(engine: Engine) -> dict[str, int]:
    """Units per SKU before the load: on hand plus reserved."""
    with engine.connect() as conn:
        return {r.sku_id: int(r.available) + int(r.reserved)
                for r in conn.execute(sa.select(stock.c.sku_id, stock.c.available, stock.c.reserved))}


def _job_problems(rt: Runtime, at_kill: Mix) -> list[str]:
    """Every job due ran to done (the drain itself may book follow-ups, such as search's shop refresh a few
    seconds ahead); those a killed worker held were claimed again once their lease ran out."""
    due = sa.select(jobs).where(jobs.c.run_at <= rt.clock.now())
    problems = [f"job {r.kind} {r.id} is {r.status} after {r.attempts} attempt(s): {r.last_error}"
                for r in _rows(rt, due) if r.status != "done"]
    reclaimed = _rows(rt, sa.select(jobs).where(jobs.c.id.in_(at_kill.running_jobs)))
    problems += [f"job {r.kind} {r.id} held at the kill: {r.status} after {r.attempts} attempt(s)"
                 for r in reclaimed if r.status != "done" or r.attempts < 2 or r.locked_by is not None]
    return problems


def _stock_problems(rt: Runtime, initial: Mapping[str, int]) -> list[str]:
    """Nothing reserved (no order awaits payment any more); on hand + reserved + sold == the units there were; the
    movement log adds up to what is on hand."""
    lines = sa.select(order_lines.c.sku_id, order_lines.c.quantity).join(orders, orders.c.id == order_lines.c.order_id)
    awaiting = quantities(_rows(rt, lines.where(orders.c.status == "pending_payment")))
    sold = quantities(_rows(rt, lines.where(orders.c.status.in_(SOLD))))
    logged = quantities(_rows(rt, sa.select(stock_movements.c.sku_id, stock_movements.c.delta)))
    problems = [f"{n} order line(s) still await payment for {sku}" for sku, n in awaiting.items()]
    for row in _rows(rt, sa.select(stock)):
        counted = (row.available + row.reserved + sold.get(row.sku_id, 0), row.reserved, logged.get(row.sku_id))
        if counted != (initial[row.sku_id], 0, row.available):
            problems.append(f"SKU {row.sku_id}: (on hand + reserved + sold, reserved, logged) {counted}, "
                            f"expected {(initial[row.sku_id], 0, row.available)}")
    return problems


def _payment_problems(rt: Runtime, load: Load) -> list[str]:
    """Each payment captured (its capture entry posted, its parts held, its orders paid) or closed (its orders
    cancelled, nothing held); every approval captured; every answer the shoppers got is in the database."""
    pays = {r.id: r for r in _rows(rt, sa.select(payment_rows))}
    order_rows = _rows(rt, sa.select(orders.c.id, orders.c.payment_id, orders.c.status, orders.c.total))
    parts = {r.order_id: r for r in _rows(rt, sa.select(payment_parts))}
    entries = _capture_lines(rt)
    sessions = _rows(rt, sa.select(sandbox_sessions.c.payment_id, sandbox_sessions.c.status))
    approved = {r.payment_id for r in sessions if r.status == "succeeded"}
    still_open = _rows(rt, sa.select(sandbox_sessions.c.id).where(sandbox_sessions.c.status == "open"))
    problems = [f"payment {p.id} is still {p.status}" for p in pays.values() if p.status not in {"captured", "closed"}]
    problems += [f"checkout {r.id} still open at the gateway" for r in still_open]
    for p in pays.values():
        if p.status == "captured" and entries.get(p.id) != {GATEWAY: p.amount, ESCROW: -p.amount}:
            problems.append(f"captured payment {p.id} of {p.amount}: capture entry {entries.get(p.id)}")
    problems += [f"payment {pid} approved at the gateway but {pays[pid].status}" for pid in approved
                 if pays[pid].status != "captured"]
    wanted = {"captured": ("paid", "held"), "closed": ("cancelled", "pending")}
    for o in order_rows:
        part = parts.get(o.id)
        expected = wanted.get(pays[o.payment_id].status) if o.payment_id in pays else None
        found = (o.status, part.status if part else None, part.amount if part else None)
        if expected is None or found != (*expected, o.total):
            problems.append(f"order {o.id} of payment {o.payment_id}: (status, part, amount) {found}")
    if len(parts) != len(order_rows):
        problems.append(f"{len(parts)} payment parts for {len(order_rows)} orders")
    by_payment = {(o.payment_id, o.id) for o in order_rows}
    for payment_id, (_, order_ids) in load.placed.items():
        if payment_id not in pays or any((payment_id, oid) not in by_payment for oid in order_ids):
            problems.append(f"placement answered with payment {payment_id} is not in the database")
    problems += [f"approval of {pid} answered, payment {pays[pid].status}" for pid in load.approved
                 if pays[pid].status != "captured"]
    problems += [f"checkout of {pid} answered, no session at the gateway" for pid in load.started - {
        r.payment_id for r in sessions}]
    problems += [f"a replayed placement answered {again}, the first {first}" for first, again in load.replays
                 if first != again]
    return problems


def _capture_lines(rt: Runtime) -> dict[str, dict[str, int]]:
    """payment id -> {account: amount} of its capture entry."""
    query = sa.select(ledger_entries.c.source, ledger_lines.c.account, ledger_lines.c.amount).join(
        ledger_lines, ledger_lines.c.entry_id == ledger_entries.c.id).where(ledger_entries.c.source.like("capture:%"))
    found: dict[str, dict[str, int]] = {}
    for source, account, amount in _rows(rt, query):
        found.setdefault(source.removeprefix("capture:"), {})[account] = int(amount)
    return found

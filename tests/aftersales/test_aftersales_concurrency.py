"""After-sales under real concurrency on both engines (each test commits for real on a private database): two
requests racing for one line, a merchant racing the platform's auto-agree, two approvals at once, and a job that
dies after the money step and is retried: every refund is paid exactly once and the ledger verifies."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aftersales_helpers import ask, buy, refunded_to
from sqlalchemy.engine import Engine

from mercato.aftersales import service as aftersales
from mercato.aftersales.model import RefundRequest, Status
from mercato.credit import service as credit
from mercato.kernel import jobs
from mercato.kernel.clock import FixedClock
from mercato.kernel.errors import DomainError
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.settings import Settings
from mercato.trade import service as trade
from mercato.wiring import event_bus, job_handlers
from trade.trade_helpers import World, build_world

TEA = 9900


@pytest.fixture
def real_rt(private_engine: Engine, tmp_path: Path) -> Runtime:
    return Runtime(settings=Settings(var_dir=tmp_path, secret_key="k" * 32), engine=private_engine,
                   uow=UnitOfWorkFactory(private_engine), clock=FixedClock(datetime(2026, 6, 18, tzinfo=UTC)),
                   events=event_bus())


def at_once(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions in threads released together; each one's result or the DomainError it raised."""
    start = threading.Barrier(len(actions))

    def run(action: Callable[[], Any]) -> Any:
        start.wait()
        try:
            return action()
        except DomainError as refused:
            return refused

    with ThreadPoolExecutor(len(actions)) as pool:
        return list(pool.map(run, actions))


def count(rt: Runtime, table: str) -> int:
    with rt.uow(read_only=True) as uow:
        return int(uow.conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


@pytest.mark.slow
def test_two_requests_racing_for_one_line_open_one(real_rt: Runtime) -> None:
    world: World = build_world(real_rt)
    bought = buy(real_rt, world, units=((0, 3),))
    results = at_once(*(lambda: ask(real_rt, world, bought, units=1) for _ in range(4)))
    opened = [r for r in results if isinstance(r, RefundRequest)]
    assert len(opened) == 1
    assert sorted(r.code for r in results if isinstance(r, DomainError)) == ["refund_request_open"] * 3
    assert count(real_rt, "refund_requests") == 1


@pytest.mark.slow
def test_a_merchant_racing_the_auto_agree_job_pays_once(real_rt: Runtime) -> None:
    world: World = build_world(real_rt)
    bought = buy(real_rt, world, units=((0, 2),))
    request = ask(real_rt, world, bought, units=1)
    real_rt.clock.advance(timedelta(hours=49))  # type: ignore[attr-defined]
    at_once(lambda: aftersales.agree(real_rt, bought.owner, bought.store_id, request.request_no),
            lambda: aftersales.answer_due_job(real_rt, {"request_id": request.id}))
    assert aftersales.my_request(real_rt, world.buyer, request.request_no).request.status is Status.REFUNDED
    assert refunded_to(real_rt) == [(f"refund:{request.id}", TEA)]
    assert trade.verify_ledger(real_rt) == []


@pytest.mark.slow
def test_two_approvals_at_once_pay_once(real_rt: Runtime) -> None:
    world: World = build_world(real_rt)
    bought = buy(real_rt, world, units=((0, 2),))
    request = ask(real_rt, world, bought, units=2)
    results = at_once(*(lambda: aftersales.agree(real_rt, bought.owner, bought.store_id, request.request_no)
                        for _ in range(3)))
    assert len([r for r in results if isinstance(r, RefundRequest)]) == 1
    assert sorted(r.code for r in results if isinstance(r, DomainError)) == ["refund_transition_forbidden"] * 2
    assert refunded_to(real_rt) == [(f"refund:{request.id}", 2 * TEA)]
    assert trade.verify_ledger(real_rt) == []


@pytest.mark.slow
def test_a_job_killed_after_the_money_step_is_retried_without_paying_twice(
        real_rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    world: World = build_world(real_rt)
    bought = buy(real_rt, world, units=((0, 1),), ship=True)
    request = ask(real_rt, world, bought, kind="return_refund")
    aftersales.agree(real_rt, bought.owner, bought.store_id, request.request_no)
    aftersales.ship_back(real_rt, world.buyer, request.request_no, "SF", "SF4444")
    rescore = credit.request_rescore_in
    deaths: list[str] = []

    def die_once(uow: Any, consumer_id: str, now: datetime, reason: str) -> None:
        if not deaths:  # the refund already went through payments in this transaction
            deaths.append(reason)
            raise RuntimeError("worker killed")
        rescore(uow, consumer_id, now, reason)

    monkeypatch.setattr(credit, "request_rescore_in", die_once)
    real_rt.clock.advance(timedelta(days=7))  # type: ignore[attr-defined]
    assert jobs.run_due(real_rt, job_handlers(), "w1") >= 1
    assert deaths == ["refund"]
    assert aftersales.my_request(real_rt, world.buyer, request.request_no).request.status is Status.SHIPPED_BACK
    assert refunded_to(real_rt) == []  # rolled back with the rest
    real_rt.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    while jobs.run_due(real_rt, job_handlers(), "w2"):
        pass
    assert aftersales.my_request(real_rt, world.buyer, request.request_no).request.status is Status.REFUNDED
    assert refunded_to(real_rt) == [(f"refund:{request.id}", TEA)]
    assert trade.verify_ledger(real_rt) == []


@pytest.mark.slow
def test_the_last_two_lines_refunded_at_once_return_the_shipping_fee_once(real_rt: Runtime) -> None:
    world: World = build_world(real_rt)
    shop = world.shops["farm"]
    trade.set_shipping_settings(real_rt, shop.owner, shop.store_id, 800, None)
    bought = buy(real_rt, world, "farm", units=((0, 1), (1, 1)))
    first = ask(real_rt, world, bought, line=0)
    second = ask(real_rt, world, bought, line=1)
    results = at_once(lambda: aftersales.agree(real_rt, bought.owner, bought.store_id, first.request_no),
                      lambda: aftersales.agree(real_rt, bought.owner, bought.store_id, second.request_no))
    assert all(isinstance(r, RefundRequest) for r in results)
    assert sorted(refunded_to(real_rt)) == sorted([(f"refund:{first.id}", 1250), (f"refund:{second.id}", 700),
                                                   (f"refund-shipping:{bought.order_id}", 800)])
    assert trade.my_order(real_rt, world.buyer, bought.order_no).order.status.value == "cancelled"
    assert trade.verify_ledger(real_rt) == []

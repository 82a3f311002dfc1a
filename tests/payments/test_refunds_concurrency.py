"""After-sales money under real concurrency on both engines: two refunds of the same remaining amount never refund
more than was paid, before or after settlement; the same source from two threads moves once; two advances on one
order never advance more than is refundable.

These tests commit for real, each on a private database (`private_engine`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from payments_helpers import new_payment, open_store, pay, person, verify
from sqlalchemy.engine import Engine

from mercato.kernel.clock import FixedClock
from mercato.kernel.errors import DomainError
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.payments import service
from mercato.payments.model import RefundExceedsRefundable, RefundMoved
from mercato.payments.tables import ledger_entries, payment_parts
from mercato.settings import Settings
from mercato.wiring import event_bus

ROUNDS = 4


@pytest.fixture
def real_rt(private_engine: Engine, tmp_path: Path) -> Runtime:
    return Runtime(settings=Settings(var_dir=tmp_path, secret_key="k" * 32), engine=private_engine,
                   uow=UnitOfWorkFactory(private_engine), clock=FixedClock(datetime(2026, 6, 18, tzinfo=UTC)),
                   events=event_bus())


def _paid(rt: Runtime, consumer: Principal, store_id: str, amount: int) -> str:
    ref, orders = new_payment(rt, consumer, (store_id, amount))
    assert isinstance(rt.clock, FixedClock)
    pay(rt, rt.clock, consumer, ref.id)
    return orders[0]


def _refund(rt: Runtime, source: str, order_id: str, amount: int) -> RefundMoved | str:
    try:
        with rt.uow() as uow:
            moved = service.refund_in(uow, source=source, order_id=order_id, amount=amount, commission_share=0,
                                      platform_share=0, now=rt.clock.now())
            uow.commit()
        return moved
    except DomainError as refused:
        return refused.code


def _race(calls: list[Callable[[], RefundMoved | str]]) -> list[RefundMoved | str]:
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], RefundMoved | str]) -> RefundMoved | str:
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _refunded(rt: Runtime, order_id: str) -> int:
    with rt.uow(read_only=True) as uow:
        query = sa.select(payment_parts.c.refunded).where(payment_parts.c.order_id == order_id)
        return int(uow.conn.execute(query).scalar_one())


def _world(rt: Runtime) -> tuple[Principal, Principal, str]:
    consumer, merchant = person(rt, "buyer@example.com"), person(rt, "li@example.com")
    return consumer, merchant, open_store(rt, merchant, "tea-house")


@pytest.mark.slow
@pytest.mark.parametrize("settled", [False, True], ids=["held", "settled"])
def test_two_refunds_of_the_same_remaining_amount_never_refund_more_than_paid(real_rt: Runtime,
                                                                             settled: bool) -> None:
    rt = real_rt
    consumer, _, store_id = _world(rt)
    for round_no in range(ROUNDS):
        order = _paid(rt, consumer, store_id, 5_000)
        _refund(rt, f"refund:first-{round_no}", order, 2_000)
        if settled:
            with rt.uow() as uow:
                service.settle_order_in(uow, order_id=order, commission=100, now=rt.clock.now())
                uow.commit()
        outcomes = _race([lambda o=order, r=round_no, s=side: _refund(rt, f"refund:{s}-{r}", o, 3_000)
                          for side in ("a", "b")])
        moved = [o for o in outcomes if isinstance(o, RefundMoved)]
        assert len(moved) == 1 and moved[0].amount == 3_000
        assert [o for o in outcomes if isinstance(o, str)] == [RefundExceedsRefundable.code]
        assert _refunded(rt, order) == 5_000
    assert verify(rt) == []


@pytest.mark.slow
def test_the_same_source_from_two_threads_moves_once(real_rt: Runtime) -> None:
    rt = real_rt
    consumer, _, store_id = _world(rt)
    for round_no in range(ROUNDS):
        order = _paid(rt, consumer, store_id, 5_000)
        source = f"refund:same-{round_no}"
        outcomes = _race([lambda o=order, s=source: _refund(rt, s, o, 1_500) for _ in range(2)])
        assert sorted(o.repeated for o in outcomes if isinstance(o, RefundMoved)) == [False, True]
        assert {(o.source, o.amount, o.from_escrow) for o in outcomes if isinstance(o, RefundMoved)} == {
            (source, 1_500, 1_500)}
        assert _refunded(rt, order) == 1_500
        with rt.uow(read_only=True) as uow:
            count = sa.select(sa.func.count()).select_from(ledger_entries).where(ledger_entries.c.source == source)
            assert uow.conn.execute(count).scalar_one() == 1
    assert verify(rt) == []


@pytest.mark.slow
def test_two_advances_on_one_order_never_advance_more_than_is_refundable(real_rt: Runtime) -> None:
    rt = real_rt
    consumer, _, store_id = _world(rt)
    order = _paid(rt, consumer, store_id, 5_000)

    def advance(source: str) -> RefundMoved | str:
        try:
            with rt.uow() as uow:
                moved = service.advance_refund_in(uow, source=source, order_id=order, consumer_id=consumer.user_id,
                                                  amount=3_000, now=rt.clock.now())
                uow.commit()
            return moved
        except DomainError as refused:
            return refused.code

    outcomes = _race([lambda: advance("advance:a"), lambda: advance("advance:b")])
    assert sum(isinstance(o, RefundMoved) for o in outcomes) == 1
    with rt.uow(read_only=True) as uow:
        assert service.outstanding_advances_in(uow, consumer_id=consumer.user_id) == 3_000
    assert verify(rt) == []


@pytest.mark.slow
def test_a_refund_making_debt_racing_a_settlement_of_the_same_store_ends_the_same_either_way(
        real_rt: Runtime) -> None:
    rt = real_rt
    consumer, merchant, store_id = _world(rt)
    for round_no in range(ROUNDS):
        settled, held = _paid(rt, consumer, store_id, 3_000), _paid(rt, consumer, store_id, 5_000)
        with rt.uow() as uow:
            service.settle_order_in(uow, order_id=settled, commission=0, now=rt.clock.now())
            uow.commit()
        with rt.uow(read_only=True) as uow:
            available = service.balance_in(uow, store_id).available
        service.request_payout(rt, merchant, store_id, available)  # nothing left: the refund must make debt

        def settle(order_id: str = held) -> str:
            with rt.uow() as uow:
                service.settle_order_in(uow, order_id=order_id, commission=0, now=rt.clock.now())
                uow.commit()
            return "settled"

        outcomes = _race([lambda o=settled, r=round_no: _refund(rt, f"refund:debt-{r}", o, 3_000), settle])
        assert outcomes[1] == "settled" and isinstance(outcomes[0], RefundMoved)
        with rt.uow(read_only=True) as uow:
            assert service.merchant_debt_in(uow, store_id=store_id) == 0
            assert service.balance_in(uow, store_id).available == 2_000
        assert verify(rt) == []


@pytest.mark.slow
def test_a_refund_racing_the_settlement_of_its_order_leaves_the_merchant_the_same_either_way(
        real_rt: Runtime) -> None:
    rt = real_rt
    consumer, _, store_id = _world(rt)
    for round_no in range(ROUNDS):
        order = _paid(rt, consumer, store_id, 5_000)

        def refund(o: str = order, r: int = round_no) -> RefundMoved | str:
            with rt.uow() as uow:
                moved = service.refund_in(uow, source=f"refund:race-{r}", order_id=o, amount=2_000,
                                          commission_share=40, platform_share=0, now=rt.clock.now())
                uow.commit()
            return moved

        def settle(o: str = order) -> str:
            with rt.uow() as uow:
                service.settle_order_in(uow, order_id=o, commission=100, now=rt.clock.now())
                uow.commit()
            return "settled"

        outcomes = _race([refund, settle])
        assert isinstance(outcomes[0], RefundMoved) and outcomes[1] == "settled"
        with rt.uow(read_only=True) as uow:  # refund first: 3_000 - 60 settles; settle first: 4_900 - 1_960 back
            assert service.balance_in(uow, store_id).available == 2_940 * (round_no + 1)
        assert verify(rt) == []

"""Callbacks under real concurrency on both engines: copies of one notice racing each other capture once, and a
capture racing the payment's timeout ends either captured or closed-and-refunded, never both, never neither.

These tests commit for real, each on a private database (`private_engine`).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from payments_helpers import balances, new_payment, open_store, payment, person, verify
from sqlalchemy.engine import Engine

from mercato.kernel.clock import FixedClock
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.payments import service
from mercato.payments._gateway import sandbox
from mercato.payments.model import PaymentCaptured, PaymentStatus
from mercato.settings import Settings
from mercato.wiring import event_bus

THREADS = 8


@pytest.fixture
def real_rt(private_engine: Engine, tmp_path: Path) -> Runtime:
    return Runtime(settings=Settings(var_dir=tmp_path, secret_key="k" * 32), engine=private_engine,
                   uow=UnitOfWorkFactory(private_engine), clock=FixedClock(datetime(2026, 6, 18, tzinfo=UTC)),
                   events=event_bus())


def _recorder(rt: Runtime) -> list[PaymentCaptured]:
    seen: list[PaymentCaptured] = []

    def record(_rt: Any, _uow: Any, event: PaymentCaptured) -> None:
        seen.append(event)

    rt.events.subscribe(PaymentCaptured, record)
    return seen


def _event(payment_id: str, amount: int) -> dict[str, Any]:
    return {"id": f"evt_{payment_id}", "type": "charge.succeeded", "payment_id": payment_id, "session_id": "S",
            "amount": amount, "currency": "CNY"}


@pytest.mark.slow
def test_copies_of_one_notice_racing_each_other_capture_once(real_rt: Runtime) -> None:
    rt = real_rt
    captured = _recorder(rt)
    consumer, merchant = person(rt, "buyer@example.com"), person(rt, "li@example.com")
    ref, _ = new_payment(rt, consumer, (open_store(rt, merchant, "tea-house"), 6_600))
    body, signature = sandbox(rt).signed(_event(ref.id, 6_600), rt.clock.now())
    start = threading.Barrier(THREADS)

    def deliver(_: int) -> str:
        start.wait()
        return service.receive_callback(rt, body, signature).outcome

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = sorted(pool.map(deliver, range(THREADS)))
    assert outcomes == ["captured"] + ["duplicate"] * (THREADS - 1)
    assert [event.payment_id for event in captured] == [ref.id]
    assert balances(rt) == {"gateway": 6_600, "escrow": -6_600}
    assert verify(rt) == []


@pytest.mark.slow
def test_a_capture_racing_the_timeout_ends_captured_or_refunded(real_rt: Runtime) -> None:
    rt = real_rt
    captured = _recorder(rt)
    consumer, merchant = person(rt, "buyer@example.com"), person(rt, "li@example.com")
    store_id = open_store(rt, merchant, "tea-house")
    refs = [new_payment(rt, consumer, (store_id, 1_000 + i))[0] for i in range(6)]
    signed = {ref.id: sandbox(rt).signed(_event(ref.id, ref.amount), rt.clock.now()) for ref in refs}
    start = threading.Barrier(2 * len(refs))

    def capture(payment_id: str) -> None:
        start.wait()
        service.receive_callback(rt, *signed[payment_id])

    def close(payment_id: str) -> None:
        start.wait()
        with rt.uow() as uow:
            service.close_payment_in(uow, payment_id, rt.clock.now() + timedelta(minutes=15))
            uow.commit()

    with ThreadPoolExecutor(2 * len(refs)) as pool:
        for future in [pool.submit(fn, ref.id) for ref in refs for fn in (capture, close)]:
            future.result()
    statuses = {ref.id: payment(rt, ref.id).status for ref in refs}
    assert set(statuses.values()) <= {PaymentStatus.CAPTURED, PaymentStatus.CLOSED}
    won = sorted(pid for pid, status in statuses.items() if status is PaymentStatus.CAPTURED)
    assert sorted(event.payment_id for event in captured) == won
    held = sum(ref.amount for ref in refs if ref.id in won)
    assert balances(rt) == {"gateway": held, "escrow": -held}
    assert verify(rt) == []

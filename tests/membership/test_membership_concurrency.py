"""Membership payments under real concurrency on both engines: a capture racing the purchase's timeout ends with the
membership active and the payment captured, or cancelled and closed (a late charge refunded), never a mix; the ledger
verifies clean. Commits for real on a private database (`private_engine`)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from membership_helpers import capture, rows
from sqlalchemy.engine import Engine

from mercato.kernel.clock import FixedClock
from mercato.kernel.jobs import run_due
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.membership import service as membership
from mercato.membership.tables import memberships
from mercato.payments import service as payments
from mercato.settings import Settings
from mercato.trade import service as trade
from mercato.wiring import event_bus, job_handlers
from support import person

START = datetime(2026, 6, 18, tzinfo=UTC)


@pytest.fixture
def real_rt(private_engine: Engine, tmp_path: Path) -> Runtime:
    return Runtime(settings=Settings(var_dir=tmp_path, secret_key="k" * 32), engine=private_engine,
                   uow=UnitOfWorkFactory(private_engine), clock=FixedClock(START), events=event_bus())


@pytest.mark.slow
@pytest.mark.parametrize("attempt", range(3))
def test_a_capture_racing_the_timeout_ends_active_or_cancelled_never_both(real_rt: Runtime, attempt: int) -> None:
    rt = real_rt
    consumer = person(rt, f"member-{attempt}@example.com")
    purchase = membership.buy_membership(rt, consumer)
    rt.clock.advance(timedelta(minutes=rt.settings.payment_timeout_minutes))  # type: ignore[attr-defined]
    start = threading.Barrier(2)

    def race(step: str) -> None:
        start.wait()
        if step == "capture":
            capture(rt, str(purchase.payment_id))
        else:
            run_due(rt, job_handlers(), "racer")

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(race, ["capture", "timeout"]))
    run_due(rt, job_handlers(), "after")
    status = rows(rt, memberships)[0][2]
    payment = payments.get_payment(rt, consumer, str(purchase.payment_id)).status.value
    assert (status, payment) in {("active", "captured"), ("cancelled", "closed")}
    assert (membership.membership_overview(rt, consumer).member_until is not None) == (status == "active")
    assert trade.verify_ledger(rt) == []

"""The merchant's balance and payouts: pending, available and paid out add up; a payout over the available
balance is refused with nothing changed; an Idempotency-Key retry returns the first payout; concurrent payouts on a
real database never overdraw."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from payments_helpers import add_staff, balances, new_payment, open_store, pay, person, settle, snapshot, verify
from sqlalchemy.engine import Engine

from mercato.kernel.clock import FixedClock
from mercato.kernel.errors import EntityNotFound, IdempotencyKeyReused
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.payments import service
from mercato.payments.model import MerchantBalance, PayoutAmountInvalid, PayoutExceedsAvailable, merchant_account
from mercato.payments.tables import merchant_balances, payouts
from mercato.settings import Settings
from mercato.stores.errors import PermissionMissing
from mercato.wiring import event_bus


def _earn(rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str, amount: int, commission: int) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, amount))
    pay(rt, clock, consumer, ref.id)
    settle(rt, orders[0], commission)


def test_the_balance_shows_pending_available_and_paid_out(rt: Runtime, clock: FixedClock, consumer: Principal,
                                                          merchant: Principal, store_id: str) -> None:
    _earn(rt, clock, consumer, store_id, 10_000, 500)
    held, _ = new_payment(rt, consumer, (store_id, 3_000))
    pay(rt, clock, consumer, held.id)
    service.request_payout(rt, merchant, store_id, 4_000)
    assert service.merchant_balance(rt, merchant, store_id) == MerchantBalance(store_id, 3_000, 5_500, 4_000)
    assert balances(rt)[merchant_account(store_id)] == -5_500
    page = service.store_payouts(rt, merchant, store_id)
    assert [(p.amount, p.status, p.requested_by) for p in page.items] == [(4_000, "paid", merchant.user_id)]
    assert verify(rt) == []


def test_a_payout_over_the_available_balance_is_refused_with_nothing_changed(
        rt: Runtime, clock: FixedClock, consumer: Principal, merchant: Principal, store_id: str) -> None:
    _earn(rt, clock, consumer, store_id, 1_000, 0)
    empty_store = open_store(rt, merchant, "empty-shop")
    before = snapshot(rt)
    with pytest.raises(PayoutExceedsAvailable):
        service.request_payout(rt, merchant, store_id, 1_001, "key-1")
    with pytest.raises(PayoutExceedsAvailable):
        service.request_payout(rt, merchant, empty_store, 1)  # a store that never earned has no balance row
    assert snapshot(rt) == before
    service.request_payout(rt, merchant, store_id, 1_000, "key-1")  # the refused key was not used up
    assert service.merchant_balance(rt, merchant, store_id).available == 0


def test_a_payout_amount_must_be_positive(rt: Runtime, merchant: Principal, store_id: str) -> None:
    for amount in (0, -5):
        with pytest.raises(PayoutAmountInvalid):
            service.request_payout(rt, merchant, store_id, amount)


def test_a_retry_with_the_same_key_returns_the_first_payout_and_another_amount_is_refused(
        rt: Runtime, clock: FixedClock, consumer: Principal, merchant: Principal, store_id: str) -> None:
    _earn(rt, clock, consumer, store_id, 5_000, 0)
    first = service.request_payout(rt, merchant, store_id, 2_000, "withdraw-1")
    assert service.request_payout(rt, merchant, store_id, 2_000, "withdraw-1") == first
    before = snapshot(rt)
    with pytest.raises(IdempotencyKeyReused):
        service.request_payout(rt, merchant, store_id, 2_500, "withdraw-1")
    assert snapshot(rt) == before
    assert service.merchant_balance(rt, merchant, store_id) == MerchantBalance(store_id, 0, 3_000, 2_000)


def test_only_staff_with_the_orders_permission_see_or_move_the_money(
        rt: Runtime, clock: FixedClock, consumer: Principal, merchant: Principal, other_merchant: Principal,
        store_id: str) -> None:
    _earn(rt, clock, consumer, store_id, 5_000, 0)
    clerk = person(rt, "clerk@example.com")
    add_staff(rt, store_id, clerk, "products,stock")
    before = snapshot(rt)
    with pytest.raises(EntityNotFound):
        service.request_payout(rt, other_merchant, store_id, 100)
    with pytest.raises(EntityNotFound):
        service.merchant_balance(rt, other_merchant, store_id)
    with pytest.raises(PermissionMissing):
        service.request_payout(rt, clerk, store_id, 100)
    with pytest.raises(PermissionMissing):
        service.merchant_balance(rt, clerk, store_id)
    assert snapshot(rt) == before
    cashier = person(rt, "cashier@example.com")
    add_staff(rt, store_id, cashier, "orders")
    assert service.request_payout(rt, cashier, store_id, 100).amount == 100


# --- concurrency on a real database -----------------------------------------------------------------------------

THREADS = 12


@pytest.fixture
def real_rt(private_engine: Engine, tmp_path: Path) -> Runtime:
    return Runtime(settings=Settings(var_dir=tmp_path, secret_key="k" * 32), engine=private_engine,
                   uow=UnitOfWorkFactory(private_engine), clock=FixedClock(datetime(2026, 6, 18, tzinfo=UTC)),
                   events=event_bus())


def _withdraw(rt: Runtime, merchant: Principal, store_id: str, start: threading.Barrier) -> bool:
    start.wait()
    try:
        service.request_payout(rt, merchant, store_id, 1_000)
    except PayoutExceedsAvailable:
        return False
    return True


@pytest.mark.slow
def test_concurrent_payouts_never_overdraw(real_rt: Runtime) -> None:
    rt, clock = real_rt, real_rt.clock
    assert isinstance(clock, FixedClock)
    consumer, merchant = person(rt, "buyer@example.com"), person(rt, "li@example.com")
    store_id = open_store(rt, merchant, "tea-house")
    _earn(rt, clock, consumer, store_id, 5_500, 0)  # room for five payouts of 1,000
    start = threading.Barrier(THREADS)
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda _: _withdraw(rt, merchant, store_id, start), range(THREADS)))
    assert results.count(True) == 5
    with rt.engine.connect() as conn:
        assert conn.execute(sa.select(merchant_balances.c.available)).scalar_one() == 500
        assert conn.execute(sa.select(sa.func.sum(payouts.c.amount))).scalar_one() == 5_000
    assert verify(rt) == []

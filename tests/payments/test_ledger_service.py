"""The ledger and escrow through the in-transaction API trade uses: posting refuses unbalanced entries and is
idempotent on its source; settle, refund and void move exactly the money they should, once; verify finds a
tampered ledger and says where."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from payments_helpers import (
    balances,
    entry_sources,
    new_payment,
    pay,
    payment,
    refund,
    settle,
    snapshot,
    verify,
)

from mercato.kernel.clock import FixedClock
from mercato.kernel.errors import InputInvalid
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.payments import service
from mercato.payments.model import (
    EntryKind,
    LedgerEntry,
    LedgerEntryUnbalanced,
    LedgerLine,
    LedgerProblem,
    PartNotHeld,
    PartStatus,
    PaymentPart,
    PaymentPartsInvalid,
    PaymentStatus,
    merchant_account,
)
from mercato.payments.tables import ledger_lines, merchant_balances


def _post(rt: Runtime, entry: LedgerEntry) -> bool:
    with rt.uow() as uow:
        posted = service.post_entry_in(uow, entry, rt.clock.now())
        uow.commit()
    return posted


def test_posting_is_idempotent_on_the_source(rt: Runtime) -> None:
    entry = LedgerEntry("test:1", EntryKind.CAPTURE, "memo", (LedgerLine("gateway", 10), LedgerLine("escrow", -10)))
    assert _post(rt, entry) is True
    assert _post(rt, entry) is False
    assert balances(rt) == {"gateway": 10, "escrow": -10}


def test_posting_an_entry_whose_lines_do_not_sum_to_zero_is_refused_and_writes_nothing(rt: Runtime) -> None:
    before = snapshot(rt)
    entry = LedgerEntry("test:2", EntryKind.CAPTURE, "memo", (LedgerLine("gateway", 10), LedgerLine("escrow", -9)))
    with pytest.raises(LedgerEntryUnbalanced):
        _post(rt, entry)
    assert snapshot(rt) == before


def test_a_payment_needs_parts_with_positive_amounts_each_order_once(rt: Runtime, consumer: Principal,
                                                                    store_id: str) -> None:
    before = snapshot(rt)
    twice = [PaymentPart("o1", store_id, 5), PaymentPart("o1", store_id, 5)]
    for parts in ([], [PaymentPart("o1", store_id, 0)], twice):
        with pytest.raises(PaymentPartsInvalid), rt.uow() as uow:
            service.create_payment_in(uow, consumer_id=consumer.user_id, parts=parts, now=rt.clock.now(),
                                      expires_at=rt.clock.now())
    assert snapshot(rt) == before


def test_create_payment_records_its_parts_pending(rt: Runtime, consumer: Principal, store_id: str,
                                                 other_store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 100), (other_store_id, 250), minutes=15)
    view = payment(rt, ref.id)
    assert (ref.amount, view.amount, view.status, view.currency, view.provider) == (350, 350, PaymentStatus.OPEN,
                                                                                    "CNY", "sandbox")
    assert ref.expires_at == view.expires_at
    assert sorted((p.order_id, p.store_id, p.amount, p.status) for p in view.parts) == sorted(
        [(orders[0], store_id, 100, PartStatus.PENDING), (orders[1], other_store_id, 250, PartStatus.PENDING)])


def test_settling_pays_the_merchant_less_commission_once(rt: Runtime, clock: FixedClock, consumer: Principal,
                                                        store_id: str, other_store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 10_000), (other_store_id, 4_000))
    pay(rt, clock, consumer, ref.id)
    assert settle(rt, orders[0], 600) is True
    after_first = snapshot(rt)
    assert settle(rt, orders[0], 600) is False
    assert snapshot(rt) == after_first
    assert balances(rt) == {"gateway": 14_000, "escrow": -4_000, merchant_account(store_id): -9_400,
                            "revenue:commission": -600}
    with rt.uow(read_only=True) as uow:
        assert service.held_by_order_in(uow) == {orders[1]: 4_000}
        assert service.balance_in(uow, store_id).available == 9_400
    assert f"settle:{orders[0]}" in entry_sources(rt)
    assert verify(rt) == []


def test_a_commission_outside_zero_to_the_amount_is_refused_with_nothing_changed(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 1_000))
    pay(rt, clock, consumer, ref.id)
    before = snapshot(rt)
    for commission in (-1, 1_001):
        with pytest.raises(InputInvalid):
            settle(rt, orders[0], commission)
    assert snapshot(rt) == before


def test_refunding_returns_the_money_from_escrow_once(rt: Runtime, clock: FixedClock, consumer: Principal,
                                                     store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 2_500))
    pay(rt, clock, consumer, ref.id)
    assert refund(rt, orders[0]) is True
    after_first = snapshot(rt)
    assert refund(rt, orders[0]) is False
    assert snapshot(rt) == after_first
    assert balances(rt) == {"gateway": 0, "escrow": 0}
    assert entry_sources(rt) == [f"capture:{ref.id}", f"refund:{orders[0]}"]
    assert payment(rt, ref.id).parts[0].status is PartStatus.REFUNDED
    assert verify(rt) == []


def test_settling_or_refunding_money_not_held_is_refused(rt: Runtime, clock: FixedClock, consumer: Principal,
                                                        store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 2_500))
    before = snapshot(rt)
    with pytest.raises(PartNotHeld):
        settle(rt, orders[0], 0)  # not paid yet
    with pytest.raises(PartNotHeld):
        refund(rt, "0" * 26)  # no such order
    assert snapshot(rt) == before
    pay(rt, clock, consumer, ref.id)
    settle(rt, orders[0], 100)
    with pytest.raises(PartNotHeld):
        refund(rt, orders[0])  # settled money is the merchant's now


def test_voiding_a_part_lowers_the_payment_and_the_last_one_closes_it(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str, other_store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 1_000), (other_store_id, 300))
    with rt.uow() as uow:
        assert service.void_part_in(uow, orders[0], clock.now()) is True
        assert service.void_part_in(uow, orders[0], clock.now()) is False  # already void
        uow.commit()
    assert (payment(rt, ref.id).amount, payment(rt, ref.id).status) == (300, PaymentStatus.OPEN)
    with rt.uow() as uow:
        assert service.void_part_in(uow, orders[1], clock.now()) is True
        uow.commit()
    view = payment(rt, ref.id)
    assert (view.amount, view.status, view.closed_at) == (0, PaymentStatus.CLOSED, clock.now())
    assert [p.status for p in view.parts] == [PartStatus.VOID, PartStatus.VOID]


def test_a_part_of_a_captured_payment_cannot_be_voided(rt: Runtime, clock: FixedClock, consumer: Principal,
                                                      store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 1_000))
    pay(rt, clock, consumer, ref.id)
    before = snapshot(rt)
    with rt.uow() as uow:
        assert service.void_part_in(uow, orders[0], clock.now()) is False
        assert service.void_part_in(uow, "0" * 26, clock.now()) is False
        uow.commit()
    assert snapshot(rt) == before


def test_paying_after_a_void_charges_the_lower_amount(rt: Runtime, clock: FixedClock, consumer: Principal,
                                                     store_id: str, other_store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 1_000), (other_store_id, 300))
    with rt.uow() as uow:
        service.void_part_in(uow, orders[1], clock.now())
        uow.commit()
    pay(rt, clock, consumer, ref.id)
    assert balances(rt) == {"gateway": 1_000, "escrow": -1_000}
    with rt.uow(read_only=True) as uow:
        assert service.held_by_order_in(uow) == {orders[0]: 1_000}


# --- verify ---------------------------------------------------------------------------------------------------------

def _settled_books(rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> list[str]:
    ref, orders = new_payment(rt, consumer, (store_id, 10_000), (store_id, 2_000))
    pay(rt, clock, consumer, ref.id)
    settle(rt, orders[0], 500)
    return orders


def test_verify_finds_a_tampered_ledger_line_and_names_its_entry(rt: Runtime, clock: FixedClock,
                                                                 consumer: Principal, store_id: str) -> None:
    orders = _settled_books(rt, clock, consumer, store_id)
    assert verify(rt) == []
    with rt.uow() as uow:
        uow.conn.execute(ledger_lines.update().where(ledger_lines.c.account == "revenue:commission")
                         .values(amount=-400))
        uow.commit()
    assert verify(rt) == [LedgerProblem("entry_balanced", f"entry settle:{orders[0]}",
                                        "the lines of the entry do not sum to zero", 0, 100),
                          LedgerProblem("commission_revenue", "account revenue:commission", "commission revenue "
                                        "differs from the settled commissions less the commission refunded", 500,
                                        400)]


def test_verify_finds_a_merchant_balance_row_that_differs_from_the_ledger(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    _settled_books(rt, clock, consumer, store_id)
    with rt.uow() as uow:
        uow.conn.execute(merchant_balances.update().values(available=9_999))
        uow.commit()
    assert verify(rt) == [LedgerProblem("merchant_balance_row", f"merchant_balances {store_id}",
                                        "the stored balance differs from settlements less payouts", 9_500, 9_999)]


def test_verify_finds_escrow_that_differs_from_the_parts_held(rt: Runtime, clock: FixedClock,
                                                              consumer: Principal, store_id: str) -> None:
    orders = _settled_books(rt, clock, consumer, store_id)
    with rt.uow() as uow:  # the escrow line of the settlement says 9,000 instead of 10,000; its gateway twin too
        uow.conn.execute(ledger_lines.update().where(ledger_lines.c.account == "escrow", ledger_lines.c.amount > 0)
                         .values(amount=9_000))
        uow.conn.execute(ledger_lines.update().where(ledger_lines.c.account == merchant_account(store_id))
                         .values(amount=-8_500))
        uow.commit()
    problems = verify(rt)
    assert LedgerProblem("escrow_held", "account escrow", "escrow differs from the parts held", 2_000,
                         3_000) in problems
    assert LedgerProblem("merchant_ledger", f"account {merchant_account(store_id)}",
                         "the ledger differs from settlements less payouts", 9_500, 8_500) in problems
    assert orders


def test_verify_finds_a_captured_payment_without_its_capture_entry(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 700))
    pay(rt, clock, consumer, ref.id)
    with rt.uow() as uow:
        uow.conn.execute(ledger_lines.delete())
        uow.conn.execute(sa.text("DELETE FROM ledger_entries"))
        uow.commit()
    assert LedgerProblem("capture_posted", f"payment {ref.id}", "captured but no capture entry", 700, 0) in verify(rt)

"""After-sales money on both databases, through the helpers after-sales calls inside its unit of work: partial
refunds from escrow and settlement of the remainder; refunds after settlement from the balance, then as merchant
debt, recovered first from the next settlement and never paid out; the shares back to their accounts; quick-refund
advances repaid or clawed back; every refusal changing nothing; the same source moving once; and ledger verify
after every path, finding a tampered line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from payments_helpers import balances, new_payment, pay, verify
from payments_helpers import snapshot as payments_snapshot

from mercato.kernel.clock import FixedClock
from mercato.kernel.errors import DomainError
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.payments import service
from mercato.payments.model import (
    ADVANCES,
    MERCHANT_DEBT,
    REVENUE,
    SUBSIDY,
    AdvanceNotFound,
    ClawbackExceedsOutstanding,
    LedgerProblem,
    MerchantBalance,
    PartNotHeld,
    PartStatus,
    PayoutExceedsAvailable,
    RefundExceedsRefundable,
    RefundInvalid,
    RefundMoved,
    RefundPartNotPaid,
    RefundShareExceedsSettled,
    merchant_account,
)
from mercato.payments.tables import (
    ledger_lines,
    merchant_debts,
    payment_parts,
    quick_refund_advances,
    refund_movements,
    sandbox_transfers,
)

# --- helpers --------------------------------------------------------------------------------------------------------


def paid_order(rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str, amount: int) -> str:
    ref, orders = new_payment(rt, consumer, (store_id, amount))
    pay(rt, clock, consumer, ref.id)
    return orders[0]


def settle(rt: Runtime, order_id: str, commission: int, platform_funded: int = 0) -> bool:
    with rt.uow() as uow:
        done = service.settle_order_in(uow, order_id=order_id, commission=commission, now=rt.clock.now(),
                                       platform_funded=platform_funded)
        uow.commit()
    return done


def refund(rt: Runtime, source: str, order_id: str, amount: int, commission_share: int = 0, platform_share: int = 0,
           repay_advance: str | None = None) -> RefundMoved:
    with rt.uow() as uow:
        moved = service.refund_in(uow, source=source, order_id=order_id, amount=amount,
                                  commission_share=commission_share, platform_share=platform_share,
                                  now=rt.clock.now(), repay_advance=repay_advance)
        uow.commit()
    return moved


def advance(rt: Runtime, source: str, order_id: str, consumer: Principal, amount: int) -> RefundMoved:
    with rt.uow() as uow:
        moved = service.advance_refund_in(uow, source=source, order_id=order_id, consumer_id=consumer.user_id,
                                          amount=amount, now=rt.clock.now())
        uow.commit()
    return moved


def claw_back(rt: Runtime, source: str, advance_source: str, consumer: Principal, amount: int) -> RefundMoved:
    with rt.uow() as uow:
        moved = service.claw_back_in(uow, source=source, advance_source=advance_source,
                                     consumer_id=consumer.user_id, amount=amount, now=rt.clock.now())
        uow.commit()
    return moved


def read(rt: Runtime, fn: Any, **kwargs: Any) -> Any:
    with rt.uow(read_only=True) as uow:
        return fn(uow, **kwargs)


def part(rt: Runtime, order_id: str) -> tuple[str, int, int, int | None, int | None]:
    """(status, refunded, escrow_refunded, commission, subsidy) of the order's part."""
    c = payment_parts.c
    with rt.uow(read_only=True) as uow:
        row = uow.conn.execute(sa.select(c.status, c.refunded, c.escrow_refunded, c.commission, c.subsidy)
                               .where(c.order_id == order_id)).one()
    return row.status, int(row.refunded), int(row.escrow_refunded), row.commission, row.subsidy


def transfers(rt: Runtime) -> list[tuple[str, str, int]]:
    with rt.uow(read_only=True) as uow:
        rows = uow.conn.execute(sa.select(sandbox_transfers.c.kind, sandbox_transfers.c.reference,
                                          sandbox_transfers.c.amount).order_by(sandbox_transfers.c.reference))
        return [(r.kind, r.reference, int(r.amount)) for r in rows]


def snapshot(rt: Runtime) -> dict[str, Any]:
    """Every payments row, the after-sales tables included."""
    found = payments_snapshot(rt)
    with rt.uow(read_only=True) as uow:
        for table in (refund_movements, quick_refund_advances, merchant_debts):
            found[table.name] = sorted(tuple(str(v) for v in r) for r in uow.conn.execute(sa.select(table)))
    return found


def balance(rt: Runtime, store_id: str) -> MerchantBalance:
    with rt.uow(read_only=True) as uow:
        return service.balance_in(uow, store_id)


def payout(rt: Runtime, merchant: Principal, store_id: str, amount: int) -> None:
    service.request_payout(rt, merchant, store_id, amount)


# --- before settlement: out of escrow -------------------------------------------------------------------------------

def test_partial_refunds_come_out_of_escrow_and_settlement_pays_only_the_remainder(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 10_000)
    assert read(rt, service.refundable_in, order_id=order) == 10_000
    assert refund(rt, "refund:R1", order, 3_000, 150, 0) == RefundMoved("refund:R1", 3_000, 3_000, 0, 0)
    assert refund(rt, "refund:R2", order, 2_000, 100, 200) == RefundMoved("refund:R2", 2_000, 2_000, 0, 0)
    assert read(rt, service.refundable_in, order_id=order) == 5_000
    assert part(rt, order) == ("held", 5_000, 5_000, None, None)
    assert balances(rt) == {"gateway": 5_000, "escrow": -5_000}
    assert read(rt, service.held_by_order_in) == {order: 5_000}
    assert verify(rt) == []
    assert settle(rt, order, commission=500, platform_funded=400) is True
    assert part(rt, order) == ("settled", 5_000, 5_000, 250, 200)  # 500 - 150 - 100; 400 - 200
    assert balances(rt) == {"gateway": 5_000, "escrow": 0, SUBSIDY: 200, merchant_account(store_id): -4_950,
                            REVENUE: -250}
    assert balance(rt, store_id) == MerchantBalance(store_id, 0, 4_950, 0, 0)
    assert read(rt, service.refundable_in, order_id=order) == 5_000
    assert transfers(rt) == [("refund", "refund:R1", 3_000), ("refund", "refund:R2", 2_000)]
    assert verify(rt) == []


def test_a_part_refunded_in_full_before_settlement_ends_refunded_and_is_not_settled(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 6_000)
    refund(rt, "refund:R1", order, 2_000)
    refund(rt, "refund:R2", order, 4_000)
    assert part(rt, order) == ("refunded", 6_000, 6_000, None, None)
    assert read(rt, service.refundable_in, order_id=order) == 0
    assert settle(rt, order, commission=300) is False
    assert balances(rt) == {"gateway": 0, "escrow": 0}
    assert balance(rt, store_id) == MerchantBalance(store_id, 0, 0, 0, 0)
    assert verify(rt) == []


def test_cancelling_a_paid_order_after_a_partial_refund_returns_only_what_escrow_still_holds(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 6_000)
    refund(rt, "refund:R1", order, 2_500)
    with rt.uow() as uow:
        assert service.refund_order_in(uow, order_id=order, now=rt.clock.now()) is True
        uow.commit()
    assert part(rt, order) == ("refunded", 6_000, 6_000, None, None)
    assert balances(rt) == {"gateway": 0, "escrow": 0}
    assert transfers(rt) == [("refund", f"refund:{order}", 3_500), ("refund", "refund:R1", 2_500)]
    assert verify(rt) == []


# --- after settlement: the merchant gives back, then owes -----------------------------------------------------------

def test_a_refund_after_settlement_comes_from_the_balance_and_the_shares_go_back_to_their_accounts(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 10_000)
    settle(rt, order, commission=500, platform_funded=300)
    assert balance(rt, store_id).available == 9_800
    assert refund(rt, "refund:R1", order, 4_000, 200, 100) == RefundMoved("refund:R1", 4_000, 0, 3_900, 0)
    assert balances(rt) == {"gateway": 6_000, "escrow": 0, SUBSIDY: 200, merchant_account(store_id): -5_900,
                            REVENUE: -300}
    assert balance(rt, store_id) == MerchantBalance(store_id, 0, 5_900, 0, 0)
    assert part(rt, order) == ("settled", 4_000, 0, 500, 300)
    assert read(rt, service.refundable_in, order_id=order) == 6_000
    assert transfers(rt) == [("refund", "refund:R1", 4_000)]
    assert verify(rt) == []


def test_a_refund_larger_than_the_balance_makes_debt_that_the_next_settlement_recovers_first(
        rt: Runtime, clock: FixedClock, consumer: Principal, merchant: Principal, store_id: str) -> None:
    first = paid_order(rt, clock, consumer, store_id, 10_000)
    settle(rt, first, commission=500, platform_funded=300)
    payout(rt, merchant, store_id, 9_000)
    assert refund(rt, "refund:R1", first, 4_000, 200, 100) == RefundMoved("refund:R1", 4_000, 0, 800, 3_100)
    assert read(rt, service.merchant_debt_in, store_id=store_id) == 3_100
    assert balance(rt, store_id) == MerchantBalance(store_id, 0, 0, 9_000, 3_100)
    assert balances(rt)[MERCHANT_DEBT] == 3_100
    assert verify(rt) == []
    second = paid_order(rt, clock, consumer, store_id, 2_000)
    settle(rt, second, commission=100)  # 1_900 credited: all of it pays the debt
    assert read(rt, service.merchant_debt_in, store_id=store_id) == 1_200
    assert balance(rt, store_id) == MerchantBalance(store_id, 0, 0, 9_000, 1_200)
    with pytest.raises(PayoutExceedsAvailable):
        payout(rt, merchant, store_id, 1)
    third = paid_order(rt, clock, consumer, store_id, 5_000)
    settle(rt, third, commission=250)  # 4_750 credited: 1_200 pays the rest of the debt
    assert read(rt, service.merchant_debt_in, store_id=store_id) == 0
    assert balance(rt, store_id) == MerchantBalance(store_id, 0, 3_550, 9_000, 0)
    assert balances(rt)[MERCHANT_DEBT] == 0
    assert balances(rt)[merchant_account(store_id)] == -3_550
    assert verify(rt) == []
    payout(rt, merchant, store_id, 3_550)
    assert verify(rt) == []


def test_a_payout_never_takes_money_the_store_owes(rt: Runtime, clock: FixedClock, consumer: Principal,
                                                   merchant: Principal, store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 10_000)
    settle(rt, order, commission=0)
    refund(rt, "refund:R1", order, 10_000)  # the whole balance goes back
    with rt.uow() as uow:  # a store with both a balance and a debt (never made by the use cases; the guard holds)
        uow.conn.execute(merchant_debts.insert().values(store_id=store_id, owed=700, updated_at=rt.clock.now()))
        uow.conn.execute(sa.text("UPDATE merchant_balances SET available = 1000"))
        uow.commit()
    with pytest.raises(PayoutExceedsAvailable) as refused:
        payout(rt, merchant, store_id, 301)
    assert refused.value.params == {"available": 300, "amount": 301}
    payout(rt, merchant, store_id, 300)
    assert balance(rt, store_id).available == 700


# --- quick-refund advances ------------------------------------------------------------------------------------------

def test_an_advance_is_repaid_by_the_refund_and_the_consumer_is_not_paid_twice(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 10_000)
    assert advance(rt, "advance:R1", order, consumer, 3_000) == RefundMoved("advance:R1", 3_000, 0, 0, 0)
    assert read(rt, service.outstanding_advances_in, consumer_id=consumer.user_id) == 3_000
    assert balances(rt) == {"gateway": 7_000, "escrow": -10_000, ADVANCES: 3_000}
    assert verify(rt) == []
    moved = refund(rt, "refund:R1", order, 3_000, repay_advance="advance:R1")
    assert moved == RefundMoved("refund:R1", 3_000, 3_000, 0, 0)
    assert read(rt, service.outstanding_advances_in, consumer_id=consumer.user_id) == 0
    assert balances(rt) == {"gateway": 7_000, "escrow": -7_000, ADVANCES: 0}
    assert transfers(rt) == [("refund", "advance:R1", 3_000)]
    assert verify(rt) == []


def test_a_refund_larger_than_the_advance_pays_the_consumer_the_rest_after_settlement_too(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 10_000)
    settle(rt, order, commission=1_000)
    advance(rt, "advance:R1", order, consumer, 3_000)
    assert refund(rt, "refund:R1", order, 5_000, 500, repay_advance="advance:R1") == RefundMoved(
        "refund:R1", 5_000, 0, 4_500, 0)
    assert balances(rt) == {"gateway": 5_000, "escrow": 0, ADVANCES: 0, merchant_account(store_id): -4_500,
                            REVENUE: -500}
    assert transfers(rt) == [("refund", "advance:R1", 3_000), ("refund", "refund:R1", 2_000)]
    assert verify(rt) == []


def test_an_advance_whose_return_never_arrived_is_clawed_back(rt: Runtime, clock: FixedClock,
                                                              consumer: Principal, store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 10_000)
    advance(rt, "advance:R1", order, consumer, 3_000)
    advance(rt, "advance:R2", order, consumer, 1_000)
    assert read(rt, service.outstanding_advances_in, consumer_id=consumer.user_id) == 4_000
    assert claw_back(rt, "clawback:R1", "advance:R1", consumer, 3_000) == RefundMoved("clawback:R1", 3_000, 0, 0, 0)
    assert read(rt, service.outstanding_advances_in, consumer_id=consumer.user_id) == 1_000
    assert balances(rt) == {"gateway": 9_000, "escrow": -10_000, ADVANCES: 1_000}
    assert transfers(rt) == [("refund", "advance:R1", 3_000), ("refund", "advance:R2", 1_000),
                             ("clawback", "clawback:R1", 3_000)]
    assert read(rt, service.refundable_in, order_id=order) == 10_000  # the order's money is untouched
    assert verify(rt) == []


def test_an_advance_partly_clawed_back_and_partly_repaid_closes(rt: Runtime, clock: FixedClock, consumer: Principal,
                                                                store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 10_000)
    advance(rt, "advance:R1", order, consumer, 3_000)
    claw_back(rt, "clawback:R1", "advance:R1", consumer, 1_000)
    refund(rt, "refund:R1", order, 2_000, repay_advance="advance:R1")
    assert read(rt, service.outstanding_advances_in, consumer_id=consumer.user_id) == 0
    assert balances(rt)[ADVANCES] == 0
    assert verify(rt) == []


# --- refusals change nothing ----------------------------------------------------------------------------------------

def _refused(rt: Runtime, error: type[DomainError], fn: Any, *args: Any, **kwargs: Any) -> None:
    before = snapshot(rt)
    with pytest.raises(error):
        fn(rt, *args, **kwargs)
    assert snapshot(rt) == before


def test_every_refund_refusal_changes_nothing(rt: Runtime, clock: FixedClock, consumer: Principal,
                                             store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 10_000)
    refund(rt, "refund:R0", order, 4_000)
    _refused(rt, RefundExceedsRefundable, refund, "refund:R1", order, 6_001)
    _refused(rt, RefundInvalid, refund, "refund:R1", order, 0)
    _refused(rt, RefundInvalid, refund, "refund:R1", order, -100)
    _refused(rt, RefundInvalid, refund, "refund:R1", order, 100, -1, 0)
    _refused(rt, RefundInvalid, refund, "refund:R1", order, 100, 0, -1)
    _refused(rt, RefundInvalid, refund, "refund:R1", order, 100, 101, 0)
    _refused(rt, RefundPartNotPaid, refund, "refund:R1", "no-such-order", 100)
    _refused(rt, AdvanceNotFound, refund, "refund:R1", order, 100, repay_advance="advance:none")
    unpaid = new_payment(rt, consumer, (store_id, 5_000))[1][0]
    _refused(rt, RefundPartNotPaid, refund, "refund:R1", unpaid, 100)
    assert read(rt, service.refundable_in, order_id=unpaid) == 0
    settle(rt, order, commission=300)
    _refused(rt, RefundShareExceedsSettled, refund, "refund:R1", order, 1_000, 301, 0)
    _refused(rt, RefundShareExceedsSettled, refund, "refund:R1", order, 1_000, 0, 1)
    _refused(rt, RefundExceedsRefundable, refund, "refund:R1", order, 6_001)
    with pytest.raises(PartNotHeld):
        settle(rt, unpaid, commission=0)
    assert verify(rt) == []


def test_every_advance_and_clawback_refusal_changes_nothing(rt: Runtime, clock: FixedClock, consumer: Principal,
                                                           other_consumer: Principal, store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 10_000)
    advance(rt, "advance:R1", order, consumer, 6_000)
    _refused(rt, RefundExceedsRefundable, advance, "advance:R2", order, consumer, 4_001)  # 10_000 - 6_000 out
    _refused(rt, RefundInvalid, advance, "advance:R2", order, consumer, 0)
    _refused(rt, RefundPartNotPaid, advance, "advance:R2", order, other_consumer, 100)
    _refused(rt, ClawbackExceedsOutstanding, claw_back, "clawback:R1", "advance:R1", consumer, 6_001)
    _refused(rt, RefundInvalid, claw_back, "clawback:R1", "advance:R1", consumer, 0)
    _refused(rt, AdvanceNotFound, claw_back, "clawback:R1", "advance:R1", other_consumer, 100)
    _refused(rt, AdvanceNotFound, claw_back, "clawback:R1", "advance:none", consumer, 100)
    claw_back(rt, "clawback:R1", "advance:R1", consumer, 6_000)
    _refused(rt, ClawbackExceedsOutstanding, claw_back, "clawback:R2", "advance:R1", consumer, 1)
    assert verify(rt) == []


# --- idempotency ----------------------------------------------------------------------------------------------------

def test_the_same_source_moves_once_and_returns_the_first_result(rt: Runtime, clock: FixedClock,
                                                                 consumer: Principal, merchant: Principal,
                                                                 store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 10_000)
    settle(rt, order, commission=500)
    payout(rt, merchant, store_id, 9_000)
    first = refund(rt, "refund:R1", order, 2_000, 100)
    assert first == RefundMoved("refund:R1", 2_000, 0, 500, 1_400)
    before = snapshot(rt)
    assert refund(rt, "refund:R1", order, 2_000, 100) == RefundMoved("refund:R1", 2_000, 0, 500, 1_400,
                                                                      repeated=True)
    assert refund(rt, "refund:R1", order, 999_999, 0) == RefundMoved("refund:R1", 2_000, 0, 500, 1_400,
                                                                      repeated=True)
    assert snapshot(rt) == before
    assert advance(rt, "advance:R2", order, consumer, 1_000) == RefundMoved("advance:R2", 1_000, 0, 0, 0)
    before = snapshot(rt)
    assert advance(rt, "advance:R2", order, consumer, 1_000) == RefundMoved("advance:R2", 1_000, 0, 0, 0, True)
    assert snapshot(rt) == before
    assert claw_back(rt, "clawback:R2", "advance:R2", consumer, 400).repeated is False
    before = snapshot(rt)
    assert claw_back(rt, "clawback:R2", "advance:R2", consumer, 400) == RefundMoved("clawback:R2", 400, 0, 0, 0,
                                                                                    True)
    assert snapshot(rt) == before
    assert read(rt, service.outstanding_advances_in, consumer_id=consumer.user_id) == 600
    assert verify(rt) == []


def test_a_source_already_naming_another_ledger_entry_is_refused(rt: Runtime, clock: FixedClock,
                                                                 consumer: Principal, store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 10_000)
    with rt.uow(read_only=True) as uow:
        capture_source = str(uow.conn.execute(sa.text("SELECT source FROM ledger_entries")).scalar_one())
    _refused(rt, service.RefundSourceTaken, refund, capture_source, order, 100)


# --- verify ---------------------------------------------------------------------------------------------------------

def _every_path(rt: Runtime, clock: FixedClock, consumer: Principal, merchant: Principal, store_id: str) -> str:
    held = paid_order(rt, clock, consumer, store_id, 8_000)
    refund(rt, "refund:H1", held, 1_000, 50, 20)
    settled = paid_order(rt, clock, consumer, store_id, 10_000)
    settle(rt, settled, commission=500, platform_funded=300)
    payout(rt, merchant, store_id, 9_000)
    refund(rt, "refund:S1", settled, 4_000, 200, 100)  # 800 from the balance, 3_100 owed
    advance(rt, "advance:A1", held, consumer, 2_000)
    refund(rt, "refund:H2", held, 1_500, repay_advance="advance:A1")
    claw_back(rt, "clawback:A1", "advance:A1", consumer, 500)
    settle(rt, held, commission=400, platform_funded=100)  # recovers the debt from the credit
    return held


def test_verify_is_clean_after_every_path_and_finds_a_tampered_line(rt: Runtime, clock: FixedClock,
                                                                   consumer: Principal, merchant: Principal,
                                                                   store_id: str) -> None:
    held = _every_path(rt, clock, consumer, merchant, store_id)
    assert part(rt, held) == ("settled", 2_500, 2_500, 350, 80)
    assert read(rt, service.merchant_debt_in, store_id=store_id) == 0
    assert balance(rt, store_id) == MerchantBalance(store_id, 0, 5_500 - 350 + 80 - 3_100, 9_000, 0)
    assert verify(rt) == []
    with rt.uow() as uow:
        uow.conn.execute(ledger_lines.update().where(ledger_lines.c.account == ADVANCES, ledger_lines.c.amount > 0)
                         .values(amount=2_500))
        uow.commit()
    assert verify(rt) == [
        LedgerProblem("entry_balanced", "entry advance:A1", "the lines of the entry do not sum to zero", 0, 500),
        LedgerProblem("advances_outstanding", f"account {ADVANCES}", "the advances account differs from the advances "
                      "outstanding", 0, 500)]


@pytest.mark.parametrize(("table", "column", "value", "check"), [
    (merchant_debts, "owed", 5, "merchant_debt_row"),
    (quick_refund_advances, "repaid", 0, "advance_closed"),
    (payment_parts, "escrow_refunded", 0, "part_refunds"),
])
def test_verify_finds_business_records_that_differ_from_the_ledger(
        rt: Runtime, clock: FixedClock, consumer: Principal, merchant: Principal, store_id: str, table: sa.Table,
        column: str, value: int, check: str) -> None:
    _every_path(rt, clock, consumer, merchant, store_id)
    with rt.uow() as uow:
        uow.conn.execute(table.update().values({column: value}))
        uow.commit()
    assert check in {problem.check for problem in verify(rt)}


def test_verify_finds_debt_moved_in_the_ledger_without_its_records(rt: Runtime, clock: FixedClock,
                                                                   consumer: Principal, merchant: Principal,
                                                                   store_id: str) -> None:
    _every_path(rt, clock, consumer, merchant, store_id)
    with rt.uow() as uow:
        uow.conn.execute(ledger_lines.update().where(ledger_lines.c.account == MERCHANT_DEBT,
                                                     ledger_lines.c.amount < 0).values(amount=-3_000))
        uow.commit()
    assert {p.check for p in verify(rt)} == {"entry_balanced", "merchant_debt_ledger"}


def test_a_movement_is_recorded_at_the_time_passed_in(rt: Runtime, clock: FixedClock, consumer: Principal,
                                                       store_id: str) -> None:
    order = paid_order(rt, clock, consumer, store_id, 1_000)
    refund(rt, "refund:R1", order, 100)
    with rt.uow(read_only=True) as uow:
        created = uow.conn.execute(sa.select(refund_movements.c.created_at)).scalar_one()
    assert created == rt.clock.now() and isinstance(created, datetime)
    assert PartStatus(part(rt, order)[0]) is PartStatus.HELD


def test_a_consumers_spend_counts_only_what_partial_refunds_left(rt: Runtime, clock: FixedClock,
                                                                 consumer: Principal, store_id: str) -> None:
    since = rt.clock.now()
    order = paid_order(rt, clock, consumer, store_id, 10_000)
    refund(rt, "refund:R1", order, 3_000)
    with rt.uow(read_only=True) as uow:
        assert service.consumer_spend_in(uow, consumer.user_id, since) == 7_000

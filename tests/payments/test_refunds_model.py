"""After-sales money as plain values: the split of a refund before and after settlement, the refusals, the remainder
that settles after partial refunds, debt recovery, repaying an advance, the entries' lines; and properties: any
sequence of partial refunds never refunds more than paid and keeps the ledger balanced, account by account."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.payments.model import (
    ADVANCES,
    ESCROW,
    GATEWAY,
    MERCHANT_DEBT,
    REVENUE,
    SUBSIDY,
    ClawbackExceedsOutstanding,
    LedgerEntry,
    LedgerLine,
    LedgerProblem,
    PartMoney,
    PartStatus,
    RefundExceedsRefundable,
    RefundInvalid,
    RefundPartNotPaid,
    RefundPlan,
    RefundShareExceedsSettled,
    Remainder,
    advance_entry,
    after_refund,
    capture_entry,
    check_advance,
    check_clawback,
    check_debts,
    check_part_refunds,
    clawback_entry,
    plan_refund,
    recovery,
    recovery_entry,
    refund_movement_entry,
    refundable,
    repay_split,
    settle_entry,
    settlement_remainder,
)

HELD = PartMoney(PartStatus.HELD, 10_000)
SETTLED = PartMoney(PartStatus.SETTLED, 10_000, 0, commission_left=500, subsidy_left=300)


# --- plan_refund ----------------------------------------------------------------------------------------------------

def test_a_refund_of_a_held_part_comes_out_of_escrow_whatever_the_shares() -> None:
    plan = plan_refund(HELD, amount=3_000, commission_share=150, platform_share=90, available=0)
    assert plan == RefundPlan(3_000, 150, 90, False, 3_000, 0, 0)


def test_a_refund_after_settlement_takes_back_the_goods_less_commission_plus_subsidy_from_the_balance() -> None:
    plan = plan_refund(SETTLED, amount=4_000, commission_share=200, platform_share=100, available=9_800)
    assert plan == RefundPlan(4_000, 200, 100, True, 0, 3_900, 0)
    assert plan.merchant_back == 3_900


def test_what_the_balance_cannot_cover_becomes_merchant_debt() -> None:
    plan = plan_refund(SETTLED, amount=4_000, commission_share=200, platform_share=100, available=800)
    assert (plan.from_merchant, plan.merchant_debt) == (800, 3_100)
    assert plan_refund(SETTLED, amount=4_000, commission_share=0, platform_share=0, available=-5).merchant_debt == 4_000


@pytest.mark.parametrize(("amount", "commission", "platform"), [(0, 0, 0), (-1, 0, 0), (100, -1, 0), (100, 0, -1),
                                                                (100, 101, 0)])
def test_a_bad_amount_or_share_is_refused(amount: int, commission: int, platform: int) -> None:
    with pytest.raises(RefundInvalid):
        plan_refund(HELD, amount=amount, commission_share=commission, platform_share=platform, available=0)


@pytest.mark.parametrize("status", [PartStatus.PENDING, PartStatus.VOID])
def test_an_unpaid_part_is_refused(status: PartStatus) -> None:
    with pytest.raises(RefundPartNotPaid):
        plan_refund(PartMoney(status, 10_000), amount=1, commission_share=0, platform_share=0, available=0)
    with pytest.raises(RefundPartNotPaid):
        plan_refund(None, amount=1, commission_share=0, platform_share=0, available=0)


def test_a_part_refunded_in_full_has_nothing_refundable_left() -> None:
    with pytest.raises(RefundExceedsRefundable):
        plan_refund(PartMoney(PartStatus.REFUNDED, 10_000, 10_000), amount=1, commission_share=0, platform_share=0,
                    available=0)


def test_more_than_refundable_is_refused_and_exactly_refundable_is_not() -> None:
    part = PartMoney(PartStatus.HELD, 10_000, refunded=6_000)
    assert refundable(part) == 4_000
    with pytest.raises(RefundExceedsRefundable) as refused:
        plan_refund(part, amount=4_001, commission_share=0, platform_share=0, available=0)
    assert refused.value.params == {"refundable": 4_000, "amount": 4_001}
    assert plan_refund(part, amount=4_000, commission_share=0, platform_share=0, available=0).from_escrow == 4_000


def test_after_settlement_shares_beyond_what_was_settled_and_not_given_back_are_refused() -> None:
    with pytest.raises(RefundShareExceedsSettled):
        plan_refund(SETTLED, amount=4_000, commission_share=501, platform_share=0, available=0)
    with pytest.raises(RefundShareExceedsSettled):
        plan_refund(SETTLED, amount=4_000, commission_share=0, platform_share=301, available=0)


def test_a_held_part_refunded_in_full_ends_refunded_and_a_settled_one_stays_settled() -> None:
    plan = plan_refund(HELD, amount=10_000, commission_share=0, platform_share=0, available=0)
    assert after_refund(HELD, plan) == PartMoney(PartStatus.REFUNDED, 10_000, 10_000)
    plan = plan_refund(SETTLED, amount=10_000, commission_share=500, platform_share=300, available=0)
    assert after_refund(SETTLED, plan) == PartMoney(PartStatus.SETTLED, 10_000, 10_000, 0, 0)
    assert refundable(after_refund(SETTLED, plan)) == 0


# --- settlement, recovery, advances ---------------------------------------------------------------------------------

def test_settlement_takes_the_refunded_amount_and_shares_off_the_orders_figures() -> None:
    assert settlement_remainder(amount=10_000, refunded=5_000, commission=500, refunded_commission=250,
                                platform_funded=400, refunded_subsidy=200) == Remainder(5_000, 250, 200)


def test_settlement_never_goes_below_zero_nor_charges_more_commission_than_the_merchant_receives() -> None:
    assert settlement_remainder(amount=10_000, refunded=9_900, commission=500, refunded_commission=0,
                                platform_funded=0, refunded_subsidy=50) == Remainder(100, 100, 0)
    assert settlement_remainder(amount=1_000, refunded=0, commission=10, refunded_commission=30,
                                platform_funded=0, refunded_subsidy=0) == Remainder(1_000, 0, 0)


@pytest.mark.parametrize(("owed", "credited", "recovered"), [(0, 500, 0), (300, 500, 300), (800, 500, 500),
                                                             (800, 0, 0)])
def test_a_credit_pays_the_debt_first_up_to_the_credit(owed: int, credited: int, recovered: int) -> None:
    assert recovery(owed, credited) == recovered


def test_a_refund_repays_the_advance_first_and_the_consumer_gets_the_rest() -> None:
    assert repay_split(3_000, 3_000) == (3_000, 0)
    assert repay_split(5_000, 3_000) == (3_000, 2_000)
    assert repay_split(1_000, 3_000) == (1_000, 0)
    assert repay_split(1_000, 0) == (0, 1_000)


def test_advances_and_clawbacks_are_bounded() -> None:
    check_advance(4_000, 4_000)
    with pytest.raises(RefundExceedsRefundable):
        check_advance(4_001, 4_000)
    with pytest.raises(RefundInvalid):
        check_advance(0, 4_000)
    check_clawback(3_000, 3_000)
    with pytest.raises(ClawbackExceedsOutstanding):
        check_clawback(3_001, 3_000)
    with pytest.raises(RefundInvalid):
        check_clawback(-1, 3_000)


# --- entries --------------------------------------------------------------------------------------------------------

def test_a_refund_after_settlement_returns_the_shares_to_their_accounts() -> None:
    plan = plan_refund(SETTLED, amount=4_000, commission_share=200, platform_share=100, available=800)
    assert refund_movement_entry("refund:R", "O", "S", plan).lines == (
        LedgerLine("merchant:S", 800, "S"), LedgerLine(MERCHANT_DEBT, 3_100, "S"), LedgerLine(REVENUE, 200),
        LedgerLine(SUBSIDY, -100), LedgerLine(GATEWAY, -4_000))


def test_a_refund_that_repays_an_advance_pays_the_advance_account_and_the_consumer_the_rest() -> None:
    plan = plan_refund(HELD, amount=5_000, commission_share=0, platform_share=0, available=0)
    assert refund_movement_entry("refund:R", "O", "S", plan, repaid=3_000).lines == (
        LedgerLine(ESCROW, 5_000), LedgerLine(ADVANCES, -3_000), LedgerLine(GATEWAY, -2_000))


def test_advance_clawback_and_recovery_entries() -> None:
    assert advance_entry("advance:R", "C", 3_000).lines == (LedgerLine(ADVANCES, 3_000), LedgerLine(GATEWAY, -3_000))
    assert clawback_entry("clawback:R", "advance:R", 3_000).lines == (LedgerLine(GATEWAY, 3_000),
                                                                      LedgerLine(ADVANCES, -3_000))
    assert recovery_entry("recover:O", "S", 700).lines == (LedgerLine("merchant:S", 700, "S"),
                                                           LedgerLine(MERCHANT_DEBT, -700, "S"))


def test_the_debt_and_part_checks_name_the_store_and_the_order() -> None:
    assert check_debts({"S": 100}, {"S": 100}, {"S": 100}) == []
    assert check_debts({"S": 90}, {"S": 100}, {}) == [
        LedgerProblem("merchant_debt_ledger", f"account {MERCHANT_DEBT} store S",
                      "the ledger differs from debts created less recovered", 100, 90),
        LedgerProblem("merchant_debt_row", "merchant_debts S",
                      "the stored debt differs from debts created less recovered", 100, 0)]
    assert check_part_refunds({"O": 5}, {"O": 5}) == []
    assert check_part_refunds({"O": 6}, {"O": 5}) == [
        LedgerProblem("part_refunds", "order O", "the part's escrow refunds differ from its movements", 5, 6)]


# --- properties -----------------------------------------------------------------------------------------------------

class Books:
    """One order's money through the pure rules: capture, refunds, one settlement, with a running ledger."""

    def __init__(self, paid: int, available: int) -> None:
        self.part = PartMoney(PartStatus.HELD, paid)
        self.available, self.owed, self.escrow_refunded = available, 0, 0
        self.accounts: Counter[str] = Counter()
        self.post(capture_entry("P", paid))

    def post(self, entry: LedgerEntry) -> None:
        assert sum(line.amount for line in entry.lines) == 0
        for line in entry.lines:
            self.accounts[line.account] += line.amount

    def refund(self, amount: int, commission: int, platform: int) -> None:
        try:
            plan = plan_refund(self.part, amount=amount, commission_share=commission, platform_share=platform,
                               available=self.available)
        except (RefundInvalid, RefundExceedsRefundable, RefundShareExceedsSettled):
            return
        self.post(refund_movement_entry(f"refund:{amount}", "O", "S", plan))
        self.part = after_refund(self.part, plan)
        self.available -= plan.from_merchant
        self.owed += plan.merchant_debt
        self.escrow_refunded += plan.from_escrow

    def settle(self, commission: int, subsidy: int) -> None:
        if self.part.status is not PartStatus.HELD:
            return
        rest = settlement_remainder(amount=self.part.amount, refunded=self.escrow_refunded, commission=commission,
                                    refunded_commission=0, platform_funded=subsidy, refunded_subsidy=0)
        self.post(settle_entry("O", "S", rest.amount, rest.commission, rest.subsidy))
        self.part = PartMoney(PartStatus.SETTLED, self.part.amount, self.part.refunded, rest.commission, rest.subsidy)
        net = rest.amount - rest.commission + rest.subsidy
        recovered = recovery(self.owed, net)
        if recovered:
            self.post(recovery_entry("recover:O", "S", recovered))
        self.available += net - recovered
        self.owed -= recovered


STEPS = st.lists(st.one_of(
    st.tuples(st.just("refund"), st.integers(-5, 12_000), st.integers(-5, 800), st.integers(-5, 400)),
    st.tuples(st.just("settle"), st.integers(0, 600), st.integers(0, 400))), max_size=12)


@given(st.integers(1, 10_000), st.integers(0, 5_000), STEPS)
def test_any_sequence_of_partial_refunds_never_refunds_more_than_paid_and_keeps_the_ledger_balanced(
        paid: int, available: int, steps: list[tuple[object, ...]]) -> None:
    books = Books(paid, available)
    for kind, *args in steps:
        if kind == "refund":
            books.refund(*(int(str(a)) for a in args))
        else:
            books.settle(*(int(str(a)) for a in args))
        assert 0 <= books.part.refunded <= paid
        assert sum(books.accounts.values()) == 0
        held = paid - books.escrow_refunded if books.part.status is PartStatus.HELD else 0
        assert -books.accounts[ESCROW] == held
        assert books.accounts[GATEWAY] == paid - books.part.refunded
        assert books.accounts[MERCHANT_DEBT] == books.owed >= 0
        assert books.owed == 0 or books.available == 0  # a store owing money has no balance left to pay out
        assert books.available >= 0


@given(st.integers(1, 10_000), st.data())
def test_refunds_after_settlement_move_the_merchant_back_exactly_what_it_received_for_those_goods(
        paid: int, data: st.DataObject) -> None:
    commission = data.draw(st.integers(0, paid))
    subsidy = data.draw(st.integers(0, 1_000))
    books = Books(paid, 0)
    books.settle(commission, subsidy)
    books.refund(paid, commission, subsidy)  # everything back, with every share
    assert books.part.refunded == paid
    assert books.accounts[REVENUE] == 0 and books.accounts[SUBSIDY] == 0
    assert -books.accounts["merchant:S"] - books.accounts[MERCHANT_DEBT] == 0
    assert books.accounts[GATEWAY] == 0

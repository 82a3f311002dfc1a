"""The platform's promotion subsidy in the ledger as plain values: the settle entry with a subsidy line, its bounds,
and the verify check of the subsidy account."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.kernel.errors import InputInvalid
from mercato.payments.model import SUBSIDY, LedgerLine, LedgerProblem, check_subsidy, settle_entry


def test_settling_with_a_subsidy_pays_the_merchant_from_escrow_and_the_subsidy_account() -> None:
    assert settle_entry("O", "S", 500, 60, 100).lines == (
        LedgerLine("escrow", 500), LedgerLine(SUBSIDY, 100), LedgerLine("merchant:S", -540, "S"),
        LedgerLine("revenue:commission", -60))


def test_settling_without_a_subsidy_has_no_subsidy_line() -> None:
    assert [line.account for line in settle_entry("O", "S", 500, 40, 0).lines] == [
        "escrow", "merchant:S", "revenue:commission"]


def test_a_negative_subsidy_is_refused() -> None:
    with pytest.raises(InputInvalid) as refused:
        settle_entry("O", "S", 500, 40, -1)
    assert refused.value.params == {"field": "subsidy"}


def test_the_commission_may_reach_the_amount_plus_the_subsidy_and_no_further() -> None:
    assert settle_entry("O", "S", 500, 600, 100).lines[-1] == LedgerLine("revenue:commission", -600)
    with pytest.raises(InputInvalid):
        settle_entry("O", "S", 500, 601, 100)


@given(st.integers(1, 10**9), st.integers(0, 10**9), st.data())
def test_a_settle_entry_always_balances(amount: int, subsidy: int, data: st.DataObject) -> None:
    commission = data.draw(st.integers(0, amount + subsidy))
    lines = settle_entry("O", "S", amount, commission, subsidy).lines
    assert sum(line.amount for line in lines) == 0
    merchant = sum(line.amount for line in lines if line.account == "merchant:S")  # no line when it gets nothing
    assert -merchant == amount + subsidy - commission


def test_the_subsidy_check_names_the_account_when_it_differs_from_the_settled_subsidies() -> None:
    assert check_subsidy(3499, 3499) == []
    assert check_subsidy(3000, 3499) == [LedgerProblem(
        "subsidy_paid", f"account {SUBSIDY}", "the subsidy account differs from the settled subsidies", 3499, 3000)]

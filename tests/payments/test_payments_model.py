"""The pure payments rules: ledger entries balance, the checks of verify, the callback signature, the capture
decision, payment parts and payout amounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mercato.kernel.errors import InputInvalid
from mercato.payments.model import (
    CallbackMalformed,
    CallbackReplayed,
    CallbackSignatureInvalid,
    CaptureOutcome,
    LedgerEntryUnbalanced,
    LedgerLine,
    LedgerProblem,
    PaymentNotFound,
    PaymentNotOpen,
    PaymentPart,
    PaymentPartsInvalid,
    PaymentStatus,
    PaymentView,
    PayoutAmountInvalid,
    callback_key,
    capture_entry,
    capture_outcome,
    check_balanced,
    check_escrow,
    check_journal,
    check_merchants,
    check_parts,
    check_payable,
    late_refund_entry,
    parse_event,
    parse_payout_amount,
    payout_entry,
    refund_entry,
    settle_entry,
    sign,
    verify_signature,
)

NOW = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)
KEY = callback_key("secret")
EVENT = {"id": "evt_1", "type": "charge.succeeded", "payment_id": "P1", "session_id": "S1", "amount": 100,
         "currency": "CNY"}


# --- entries ------------------------------------------------------------------------------------------------------

def test_the_movements_post_the_lines_of_the_design() -> None:
    assert capture_entry("P", 500).lines == (LedgerLine("gateway", 500), LedgerLine("escrow", -500))
    assert settle_entry("O", "S", 500, 40).lines == (LedgerLine("escrow", 500), LedgerLine("merchant:S", -460, "S"),
                                                     LedgerLine("revenue:commission", -40))
    assert refund_entry("O", 500).lines == (LedgerLine("escrow", 500), LedgerLine("gateway", -500))
    assert late_refund_entry("P", 500).source == "refund:P:late"
    assert payout_entry("X", "S", 300).lines == (LedgerLine("merchant:S", 300, "S"), LedgerLine("gateway", -300))
    assert [e.source for e in (capture_entry("P", 1), settle_entry("O", "S", 1, 0), refund_entry("O", 1),
                               payout_entry("X", "S", 1))] == ["capture:P", "settle:O", "refund:O", "payout:X"]


def test_a_settlement_without_commission_has_no_zero_revenue_line() -> None:
    assert [line.account for line in settle_entry("O", "S", 500, 0).lines] == ["escrow", "merchant:S"]


@pytest.mark.parametrize("lines", [
    [LedgerLine("a", 5), LedgerLine("b", -4)],
    [LedgerLine("a", 5)],
    [],
    [LedgerLine("a", 0), LedgerLine("b", 0)],
])
def test_an_entry_must_have_two_non_zero_lines_summing_to_zero(lines: list[LedgerLine]) -> None:
    with pytest.raises(LedgerEntryUnbalanced):
        check_balanced(lines)


@pytest.mark.parametrize("commission", [-1, 501])
def test_a_commission_outside_zero_to_the_amount_is_refused(commission: int) -> None:
    with pytest.raises(InputInvalid):
        settle_entry("O", "S", 500, commission)


@given(amount=st.integers(1, 10**12), share=st.integers(0, 10_000))
def test_every_settlement_balances_and_pays_the_merchant_the_rest(amount: int, share: int) -> None:
    commission = amount * share // 10_000
    lines = settle_entry("O", "S", amount, commission).lines
    assert sum(line.amount for line in lines) == 0
    assert -sum(line.amount for line in lines if line.account == "merchant:S") == amount - commission


# --- verify's checks ----------------------------------------------------------------------------------------------

def test_check_journal_names_each_unbalanced_entry() -> None:
    assert check_journal([("capture:P", 0), ("settle:O", 7)]) == [
        LedgerProblem("entry_balanced", "entry settle:O", "the lines of the entry do not sum to zero", 0, 7)]


def test_check_escrow_compares_the_credit_with_the_parts_held() -> None:
    assert check_escrow(-500, 500) == []
    assert check_escrow(-400, 500) == [LedgerProblem("escrow_held", "account escrow",
                                                     "escrow differs from the parts held", 500, 400)]


def test_check_merchants_reports_the_ledger_and_the_row_separately() -> None:
    assert check_merchants({"S": 60}, {"S": 100}, {"S": 40}, {"S": 60}) == []
    assert check_merchants({"S": 70}, {"S": 100}, {"S": 40}, {"S": 50}) == [
        LedgerProblem("merchant_ledger", "account merchant:S", "the ledger differs from settlements less payouts",
                      60, 70),
        LedgerProblem("merchant_balance_row", "merchant_balances S",
                      "the stored balance differs from settlements less payouts", 60, 50)]
    assert check_merchants({}, {}, {}, {"T": 5})[0].where == "merchant_balances T"


# --- the callback signature -----------------------------------------------------------------------------------------

def test_a_signature_over_timestamp_and_body_verifies_within_five_minutes() -> None:
    body = b'{"a":1}'
    t = int(NOW.timestamp())
    header = sign(KEY, t, body)
    assert header.startswith(f"t={t},v1=") and len(header.split("v1=")[1]) == 64
    assert verify_signature(KEY, header, body, t + 300) == t
    assert verify_signature(KEY, header, body, t - 300) == t
    with pytest.raises(CallbackReplayed):
        verify_signature(KEY, header, body, t + 301)
    with pytest.raises(CallbackReplayed):
        verify_signature(KEY, header, body, t - 301)


def test_a_rotated_key_may_send_several_digests() -> None:
    body, t = b"{}", int(NOW.timestamp())
    good = sign(KEY, t, body).split("v1=")[1]
    assert verify_signature(KEY, f"t={t},v1={'0' * 64},v1={good}", body, t) == t


@pytest.mark.parametrize("header", [None, "", "t=abc,v1=00", "t=\u00b2,v1=00", "v1=00", "t=1", "t=1,v1=", "garbage"])
def test_a_missing_or_malformed_signature_is_invalid(header: str | None) -> None:
    with pytest.raises(CallbackSignatureInvalid):
        verify_signature(KEY, header, b"{}", int(NOW.timestamp()))


def test_a_signature_of_another_body_timestamp_or_key_is_invalid() -> None:
    t = int(NOW.timestamp())
    header = sign(KEY, t, b"{}")
    for wrong in (sign(KEY, t, b"{ }"), sign(callback_key("other"), t, b"{}"),
                  f"t={t - 1},v1={header.split('v1=')[1]}"):
        with pytest.raises(CallbackSignatureInvalid):
            verify_signature(KEY, wrong, b"{}", t)


def test_the_signing_key_is_derived_not_the_secret_itself() -> None:
    assert callback_key("secret") != b"secret" and callback_key("secret") == KEY and len(KEY) == 32


def test_parse_event_accepts_the_gateways_event_only() -> None:
    assert parse_event(EVENT).amount == 100
    for bad in ([], {**EVENT, "type": "refund.created"}, {**EVENT, "amount": "100"}, {**EVENT, "amount": True},
                {k: v for k, v in EVENT.items() if k != "payment_id"}, {**EVENT, "id": ""}):
        with pytest.raises(CallbackMalformed):
            parse_event(bad)


# --- decisions ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "due", "paid", "outcome"), [
    (PaymentStatus.OPEN, 100, 100, CaptureOutcome.CAPTURED),
    (PaymentStatus.OPEN, 100, 99, CaptureOutcome.LATE),
    (PaymentStatus.CLOSED, 100, 100, CaptureOutcome.LATE),
    (PaymentStatus.CAPTURED, 100, 100, CaptureOutcome.IGNORED),
])
def test_capture_outcome(status: PaymentStatus, due: int, paid: int, outcome: CaptureOutcome) -> None:
    assert capture_outcome(status, due, paid) is outcome


def test_check_parts_sums_positive_parts_each_order_once() -> None:
    assert check_parts([PaymentPart("o1", "s", 100), PaymentPart("o2", "s", 1)]) == 101
    for parts in ([], [PaymentPart("o1", "s", 0)], [PaymentPart("o1", "s", 1), PaymentPart("o1", "t", 2)]):
        with pytest.raises(PaymentPartsInvalid):
            check_parts(parts)


def _view(status: PaymentStatus = PaymentStatus.OPEN, consumer: str = "C") -> PaymentView:
    return PaymentView("P", consumer, 100, "CNY", status, "sandbox", NOW, NOW + timedelta(minutes=15), None, None)


def test_check_payable() -> None:
    assert check_payable(_view(), "C", NOW).id == "P"
    with pytest.raises(PaymentNotFound):
        check_payable(_view(consumer="D"), "C", NOW)
    with pytest.raises(PaymentNotFound):
        check_payable(None, "C", NOW)
    with pytest.raises(PaymentNotOpen):
        check_payable(_view(PaymentStatus.CAPTURED), "C", NOW)
    with pytest.raises(PaymentNotOpen):
        check_payable(_view(), "C", NOW + timedelta(minutes=15))


def test_parse_payout_amount_reads_yuan_as_fen() -> None:
    assert parse_payout_amount("30.5") == 3_050
    assert parse_payout_amount(" 12 ") == 1_200
    for bad in ("", "abc", "0", "-1", "1.234", "0.00"):
        with pytest.raises(PayoutAmountInvalid):
            parse_payout_amount(bad)

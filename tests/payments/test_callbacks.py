"""Paying through the sandbox gateway: the signed asynchronous callback captures a payment exactly once, however
often and however late it arrives; forged and replayed callbacks are refused and change nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from payments_helpers import (
    approve,
    balances,
    deliver,
    entry_sources,
    new_payment,
    payment,
    snapshot,
    verify,
)

from mercato.kernel.clock import FixedClock
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.payments import service
from mercato.payments._gateway import sandbox
from mercato.payments.model import (
    CallbackMalformed,
    CallbackReplayed,
    CallbackSignatureInvalid,
    PartStatus,
    PaymentCaptured,
    PaymentNotFound,
    PaymentNotOpen,
    PaymentStatus,
    SessionDecided,
    sign,
)


def _body(payment_id: str, amount: int, event_id: str = "evt_test_1", kind: str = "charge.succeeded") -> dict:
    return {"id": event_id, "type": kind, "payment_id": payment_id, "session_id": "S1", "amount": amount,
            "currency": "CNY"}


def test_an_approved_payment_is_captured_once_though_the_notice_arrives_twice(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str, other_store_id: str,
        captured: list[PaymentCaptured]) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 12_000), (other_store_id, 3_050))
    approve(rt, consumer, ref.id)
    assert payment(rt, ref.id).status is PaymentStatus.OPEN  # nothing before the notice arrives
    assert deliver(rt, clock, seconds=1) == 1  # the first copy after the delay
    assert deliver(rt, clock, seconds=1) == 1  # the duplicate a second later
    view = payment(rt, ref.id)
    assert view.status is PaymentStatus.CAPTURED
    assert view.captured_at == clock.now() - timedelta(seconds=1)
    assert {(p.order_id, p.status) for p in view.parts} == {(orders[0], PartStatus.HELD), (orders[1], PartStatus.HELD)}
    assert [(e.payment_id, e.consumer_id, sorted(e.order_ids)) for e in captured] == [
        (ref.id, consumer.user_id, sorted(orders))]
    assert entry_sources(rt) == [f"capture:{ref.id}"]
    assert balances(rt) == {"gateway": 15_050, "escrow": -15_050}
    assert verify(rt) == []


def test_the_same_event_delivered_again_answers_duplicate_and_changes_nothing(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 500))
    gateway = sandbox(rt)
    body, signature = gateway.signed(_body(ref.id, 500), clock.now())
    first = service.receive_callback(rt, body, signature)
    before = snapshot(rt)
    again = service.receive_callback(rt, body, signature)
    assert (first.outcome, again.outcome) == ("captured", "duplicate")
    assert snapshot(rt) == before


def test_a_capture_after_the_payment_closed_is_captured_and_refunded_at_once(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str, captured: list[PaymentCaptured]) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 8_800))
    approve(rt, consumer, ref.id)
    with rt.uow() as uow:  # the timeout closes the payment before the gateway's notice arrives
        assert service.close_payment_in(uow, ref.id, clock.now()) is True
        uow.commit()
    deliver(rt, clock)
    deliver(rt, clock)
    view = payment(rt, ref.id)
    assert view.status is PaymentStatus.CLOSED
    assert [p.status for p in view.parts] == [PartStatus.PENDING]
    assert captured == []
    assert entry_sources(rt) == [f"capture:{ref.id}", f"refund:{ref.id}:late"]
    assert balances(rt) == {"gateway": 0, "escrow": 0}
    with rt.uow(read_only=True) as uow:
        assert service.held_by_order_in(uow) == {}
    assert verify(rt) == []
    assert orders  # the orders stay trade's to cancel


def test_a_charge_of_the_wrong_amount_is_refunded_and_closes_the_payment(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str, captured: list[PaymentCaptured]) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 1_000))
    body, signature = sandbox(rt).signed(_body(ref.id, 999), clock.now())
    assert service.receive_callback(rt, body, signature).outcome == "late"
    assert payment(rt, ref.id).status is PaymentStatus.CLOSED
    assert balances(rt) == {"gateway": 0, "escrow": 0}
    assert captured == []


def test_closing_a_captured_payment_is_refused_and_leaves_it_captured(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 700))
    approve(rt, consumer, ref.id)
    deliver(rt, clock)
    with rt.uow() as uow:
        assert service.close_payment_in(uow, ref.id, clock.now()) is False
        uow.commit()
    assert payment(rt, ref.id).status is PaymentStatus.CAPTURED


def test_a_forged_signature_is_refused_and_changes_nothing(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 500))
    body = json.dumps(_body(ref.id, 500)).encode()
    before = snapshot(rt)
    now = int(clock.now().timestamp())
    for signature in (None, "", f"t={now}", f"t={now},v1=00", sign(b"not-the-key", now, body),
                      sandbox(rt).signed(_body(ref.id, 50), clock.now())[1]):  # signed for another body
        with pytest.raises(CallbackSignatureInvalid):
            service.receive_callback(rt, body, signature)
    assert snapshot(rt) == before


@pytest.mark.parametrize("skew", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_a_replayed_or_future_timestamp_is_refused_and_changes_nothing(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str, skew: timedelta) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 500))
    body, signature = sandbox(rt).signed(_body(ref.id, 500), clock.now() + skew)
    before = snapshot(rt)
    with pytest.raises(CallbackReplayed):
        service.receive_callback(rt, body, signature)
    assert snapshot(rt) == before


def test_a_signed_timestamp_within_five_minutes_is_accepted(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 500))
    body, signature = sandbox(rt).signed(_body(ref.id, 500), clock.now() - timedelta(minutes=5))
    assert service.receive_callback(rt, body, signature).outcome == "captured"


def test_a_signed_body_that_is_not_an_event_is_refused(rt: Runtime, clock: FixedClock) -> None:
    gateway = sandbox(rt)
    for raw in (b"not json", b"[1, 2]", b'{"id": "x"}'):
        with pytest.raises(CallbackMalformed):
            service.receive_callback(rt, raw, sign(gateway.key, int(clock.now().timestamp()), raw))


def test_a_declined_charge_moves_no_money_and_the_consumer_may_pay_again(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str, captured: list[PaymentCaptured]) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 2_000))
    approve(rt, consumer, ref.id, approve=False)
    deliver(rt, clock)
    assert payment(rt, ref.id).status is PaymentStatus.OPEN
    assert balances(rt) == {}
    approve(rt, consumer, ref.id)
    deliver(rt, clock)
    assert payment(rt, ref.id).status is PaymentStatus.CAPTURED
    assert len(captured) == 1


def test_a_payment_is_charged_at_most_once_at_the_gateway(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 2_000))
    first = service.start_payment(rt, consumer, ref.id).redirect_url.rsplit("/", 1)[1]
    second = service.start_payment(rt, consumer, ref.id).redirect_url.rsplit("/", 1)[1]
    service.gateway_decide(rt, consumer, first, True)
    before = snapshot(rt)
    with pytest.raises(SessionDecided):
        service.gateway_decide(rt, consumer, second, True)
    with pytest.raises(SessionDecided):
        service.gateway_decide(rt, consumer, first, False)
    assert snapshot(rt) == before


def test_paying_someone_elses_payment_is_not_found_and_a_closed_one_is_not_open(
        rt: Runtime, clock: FixedClock, consumer: Principal, other_consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 2_000))
    before = snapshot(rt)
    with pytest.raises(PaymentNotFound):
        service.start_payment(rt, other_consumer, ref.id)
    with pytest.raises(PaymentNotFound):
        service.start_payment(rt, consumer, "0" * 26)
    clock.advance(timedelta(minutes=15))
    with pytest.raises(PaymentNotOpen):
        service.start_payment(rt, consumer, ref.id)  # expired, though the timeout job has not closed it yet
    assert snapshot(rt) == before


def test_paying_a_captured_payment_is_refused(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 2_000))
    approve(rt, consumer, ref.id)
    deliver(rt, clock)
    with pytest.raises(PaymentNotOpen):
        service.start_payment(rt, consumer, ref.id)


def test_start_with_the_same_idempotency_key_returns_the_same_checkout(
        rt: Runtime, consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 2_000))
    first = service.start_payment(rt, consumer, ref.id, "pay-1")
    assert service.start_payment(rt, consumer, ref.id, "pay-1") == first
    assert service.start_payment(rt, consumer, ref.id, "pay-2") != first


def test_a_closed_payment_cancels_its_open_checkouts_at_the_gateway(
        rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 2_000))
    session_id = service.start_payment(rt, consumer, ref.id).redirect_url.rsplit("/", 1)[1]
    with rt.uow() as uow:
        service.close_payment_in(uow, ref.id, clock.now())
        uow.commit()
    with pytest.raises(SessionDecided):
        service.gateway_decide(rt, consumer, session_id, True)

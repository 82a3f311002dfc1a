"""The payments HTTP API: paying, the signed callback endpoint, the merchant's balance and payouts with
Idempotency-Key, and the operator's payments and ledger."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from payments_helpers import approve, bearer, deliver, new_payment, pay, settle, snapshot

from mercato.kernel.clock import FixedClock
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.payments._gateway import sandbox
from mercato.payments.model import merchant_account

CALLBACK = "/api/v1/payments/callbacks/sandbox"


def _event(payment_id: str, amount: int) -> dict:
    return {"id": "evt_api_1", "type": "charge.succeeded", "payment_id": payment_id, "session_id": "S1",
            "amount": amount, "currency": "CNY"}


def test_pay_returns_the_gateway_page_and_a_retry_with_the_key_the_same_one(
        client: TestClient, rt: Runtime, consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 4_200))
    headers = {**bearer(rt, consumer), "Idempotency-Key": "pay-abc"}
    first = client.post(f"/api/v1/payments/{ref.id}/pay", headers=headers)
    assert first.status_code == 200
    assert first.json()["payment_id"] == ref.id
    assert first.json()["redirect_url"].startswith("/sandbox/pay/")
    assert client.post(f"/api/v1/payments/{ref.id}/pay", headers=headers).json() == first.json()


def test_paying_someone_elses_payment_is_404_and_a_captured_one_409(
        client: TestClient, rt: Runtime, clock: FixedClock, consumer: Principal, other_consumer: Principal,
        store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 4_200))
    before = snapshot(rt)
    stranger = client.post(f"/api/v1/payments/{ref.id}/pay", headers=bearer(rt, other_consumer))
    assert (stranger.status_code, stranger.json()["code"]) == (404, "payment_not_found")
    assert client.get(f"/api/v1/payments/{ref.id}", headers=bearer(rt, other_consumer)).status_code == 404
    assert snapshot(rt) == before
    pay(rt, clock, consumer, ref.id)
    again = client.post(f"/api/v1/payments/{ref.id}/pay", headers=bearer(rt, consumer))
    assert (again.status_code, again.json()["code"]) == (409, "payment_not_open")


def test_reading_a_payment_shows_its_parts(client: TestClient, rt: Runtime, clock: FixedClock,
                                           consumer: Principal, store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 4_200))
    pay(rt, clock, consumer, ref.id)
    body = client.get(f"/api/v1/payments/{ref.id}", headers=bearer(rt, consumer)).json()
    assert (body["amount"], body["status"], body["currency"]) == (4_200, "captured", "CNY")
    assert body["parts"] == [{"order_id": orders[0], "store_id": store_id, "amount": 4_200, "commission": None,
                              "status": "held"}]


def test_the_callback_endpoint_captures_once_and_answers_a_duplicate_with_200(
        client: TestClient, rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 900))
    body, signature = sandbox(rt).signed(_event(ref.id, 900), clock.now())
    first = client.post(CALLBACK, content=body, headers={"Mercato-Signature": signature})
    assert (first.status_code, first.json()) == (200, {"event_id": "evt_api_1", "outcome": "captured"})
    after = snapshot(rt)
    second = client.post(CALLBACK, content=body, headers={"Mercato-Signature": signature})
    assert (second.status_code, second.json()) == (200, {"event_id": "evt_api_1", "outcome": "duplicate"})
    assert snapshot(rt) == after


def test_an_unsigned_forged_or_replayed_callback_is_400_and_changes_nothing(
        client: TestClient, rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 900))
    body = json.dumps(_event(ref.id, 900)).encode()
    now = int(clock.now().timestamp())
    old_body, old_signature = sandbox(rt).signed(_event(ref.id, 900), clock.now().replace(year=2025))
    before = snapshot(rt)
    unsigned = client.post(CALLBACK, content=body)
    forged = client.post(CALLBACK, content=body, headers={"Mercato-Signature": f"t={now},v1={'ab' * 32}"})
    replayed = client.post(CALLBACK, content=old_body, headers={"Mercato-Signature": old_signature})
    assert [(r.status_code, r.json()["code"]) for r in (unsigned, forged, replayed)] == [
        (400, "callback_signature_invalid"), (400, "callback_signature_invalid"), (400, "callback_replayed")]
    assert snapshot(rt) == before


def test_the_merchant_sees_the_balance_and_withdraws_with_an_idempotency_key(
        client: TestClient, rt: Runtime, clock: FixedClock, consumer: Principal, merchant: Principal,
        store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 10_000), (store_id, 2_000))
    pay(rt, clock, consumer, ref.id)
    settle(rt, orders[0], 1_000)
    auth = bearer(rt, merchant)
    assert client.get(f"/api/v1/stores/{store_id}/balance", headers=auth).json() == {
        "store_id": store_id, "pending": 2_000, "available": 9_000, "paid_out": 0, "owed": 0}
    headers = {**auth, "Idempotency-Key": "w-1"}
    first = client.post(f"/api/v1/stores/{store_id}/payouts", json={"amount": 5_000}, headers=headers)
    assert first.status_code == 201
    retry = client.post(f"/api/v1/stores/{store_id}/payouts", json={"amount": 5_000}, headers=headers)
    assert retry.json() == first.json()
    before = snapshot(rt)
    changed = client.post(f"/api/v1/stores/{store_id}/payouts", json={"amount": 4_000}, headers=headers)
    assert (changed.status_code, changed.json()["code"]) == (409, "idempotency_key_reused")
    too_much = client.post(f"/api/v1/stores/{store_id}/payouts", json={"amount": 4_001}, headers=auth)
    assert (too_much.status_code, too_much.json()["code"]) == (409, "payout_exceeds_available")
    assert snapshot(rt) == before
    listed = client.get(f"/api/v1/stores/{store_id}/payouts", headers=auth).json()
    assert [(p["id"], p["amount"]) for p in listed["items"]] == [(first.json()["id"], 5_000)]
    assert client.get(f"/api/v1/stores/{store_id}/balance", headers=auth).json()["available"] == 4_000


def test_another_stores_merchant_and_a_consumer_get_404_for_the_money(
        client: TestClient, rt: Runtime, consumer: Principal, other_merchant: Principal, store_id: str) -> None:
    for who in (other_merchant, consumer):
        auth = bearer(rt, who)
        assert client.get(f"/api/v1/stores/{store_id}/balance", headers=auth).status_code == 404
        assert client.post(f"/api/v1/stores/{store_id}/payouts", json={"amount": 1}, headers=auth).status_code == 404


def test_a_malformed_payout_is_422(client: TestClient, rt: Runtime, merchant: Principal, store_id: str) -> None:
    auth = bearer(rt, merchant)
    for body in ({"amount": 0}, {"amount": "12"}, {"amount": 1.5}, {}):
        assert client.post(f"/api/v1/stores/{store_id}/payouts", json=body, headers=auth).status_code == 422


def test_the_operator_reads_payments_accounts_journal_and_verify(
        client: TestClient, rt: Runtime, clock: FixedClock, consumer: Principal, operator: Principal,
        store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 3_000))
    approve(rt, consumer, ref.id)
    deliver(rt, clock)
    settle(rt, orders[0], 300)
    auth = bearer(rt, operator)
    payments = client.get("/api/v1/ops/payments?status=captured", headers=auth).json()
    assert [(p["id"], p["status"], p["amount"]) for p in payments["items"]] == [(ref.id, "captured", 3_000)]
    assert client.get("/api/v1/ops/payments?status=open", headers=auth).json()["items"] == []
    accounts = client.get("/api/v1/ops/ledger/accounts", headers=auth).json()
    assert accounts == [{"account": "escrow", "balance": 0}, {"account": "gateway", "balance": 3_000},
                        {"account": merchant_account(store_id), "balance": -2_700},
                        {"account": "revenue:commission", "balance": -300}]
    entries = client.get("/api/v1/ops/ledger/entries?limit=1", headers=auth).json()
    assert [e["source"] for e in entries["items"]] == [f"settle:{orders[0]}"]
    older = client.get(f"/api/v1/ops/ledger/entries?cursor={entries['next_cursor']}", headers=auth).json()
    assert [e["source"] for e in older["items"]] == [f"capture:{ref.id}"]
    assert older["items"][0]["lines"] == [{"account": "gateway", "store_id": None, "amount": 3_000},
                                          {"account": "escrow", "store_id": None, "amount": -3_000}]
    assert client.get("/api/v1/ops/ledger/verify", headers=auth).json() == {"ok": True, "problems": []}


def test_the_operator_endpoints_refuse_others(client: TestClient, rt: Runtime, consumer: Principal) -> None:
    for path in ("/api/v1/ops/payments", "/api/v1/ops/ledger/accounts", "/api/v1/ops/ledger/entries",
                 "/api/v1/ops/ledger/verify"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=bearer(rt, consumer)).status_code == 403

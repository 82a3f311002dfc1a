"""The payments pages through the whole app: the consumer pays on the pay page and the sandbox gateway's page, the
merchant withdraws on the balance page, the operator reads payments and the ledger."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from payments_helpers import (
    add_staff,
    csrf_from,
    deliver,
    log_in,
    new_payment,
    pay,
    payment,
    person,
    settle,
    snapshot,
)

from mercato.kernel.clock import FixedClock
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.payments import service
from mercato.payments.model import PaymentStatus


def _field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, f"no {name} field"
    return match.group(1)


@pytest.mark.parametrize("path", ["/pay/01ABCDEFGHJKMNPQRSTVWXYZ00", "/sandbox/pay/01ABCDEFGHJKMNPQRSTVWXYZ00",
                                  "/merchant/balance", "/ops/payments", "/ops/ledger"])
def test_anonymous_visitors_are_sent_to_log_in(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, f"/login?next={path}")


@pytest.mark.parametrize("path", ["/ops/payments", "/ops/ledger"])
def test_operator_pages_refuse_other_people(client: TestClient, rt: Runtime, consumer: Principal, path: str) -> None:
    log_in(client, rt, consumer)
    assert client.get(path).status_code == 403


def test_the_consumer_pays_through_the_gateway_page(client: TestClient, rt: Runtime, clock: FixedClock,
                                                    consumer: Principal, store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 12_345))
    log_in(client, rt, consumer)
    page = client.get(f"/pay/{ref.id}")
    assert page.status_code == 200
    assert "¥123.45" in page.text and "Tea-House" in page.text
    assert 'data-status="open"' in page.text and f'hx-get="/pay/{ref.id}/status"' in page.text
    form = {"csrf_token": csrf_from(page.text), "idempotency_key": _field(page.text, "idempotency_key")}
    to_gateway = client.post(f"/pay/{ref.id}", data=form, follow_redirects=False)
    assert to_gateway.status_code == 303
    gateway_url = to_gateway.headers["location"]
    assert client.post(f"/pay/{ref.id}", data=form, follow_redirects=False).headers["location"] == gateway_url
    gateway = client.get(gateway_url)
    assert 'data-testid="gateway-page"' in gateway.text and "¥123.45" in gateway.text
    back = client.post(gateway_url, data={"csrf_token": csrf_from(gateway.text), "decision": "approve"},
                       follow_redirects=False)
    assert back.headers["location"] == f"/pay/{ref.id}?done=approved"
    assert 'data-status="open"' in client.get(f"/pay/{ref.id}/status").text  # the notice is not there yet
    deliver(rt, clock)
    status = client.get(f"/pay/{ref.id}/status").text
    assert 'data-status="captured"' in status and "hx-get" not in status
    assert payment(rt, ref.id).status is PaymentStatus.CAPTURED
    assert orders


def test_declining_at_the_gateway_leaves_the_payment_payable(client: TestClient, rt: Runtime, clock: FixedClock,
                                                             consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 500))
    log_in(client, rt, consumer)
    url = service.start_payment(rt, consumer, ref.id).redirect_url
    gateway = client.get(url)
    back = client.post(url, data={"csrf_token": csrf_from(gateway.text), "decision": "decline"},
                       follow_redirects=False)
    assert back.headers["location"] == f"/pay/{ref.id}?done=declined"
    deliver(rt, clock)
    assert 'data-testid="pay-button"' in client.get(f"/pay/{ref.id}").text


def test_someone_elses_pay_and_gateway_pages_are_not_found(client: TestClient, rt: Runtime, consumer: Principal,
                                                           other_consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 500))
    url = service.start_payment(rt, consumer, ref.id).redirect_url
    log_in(client, rt, other_consumer)
    assert client.get(f"/pay/{ref.id}").status_code == 404
    assert client.get(url).status_code == 404
    before = snapshot(rt)
    csrf = csrf_from(client.get("/merchant/balance").text)
    assert client.post(url, data={"csrf_token": csrf, "decision": "approve"}).status_code == 404
    assert client.post(f"/pay/{ref.id}", data={"csrf_token": csrf}).status_code == 404
    assert snapshot(rt) == before


def test_a_closed_payment_has_no_pay_button_and_paying_it_shows_the_refusal(
        client: TestClient, rt: Runtime, clock: FixedClock, consumer: Principal, store_id: str) -> None:
    ref, _ = new_payment(rt, consumer, (store_id, 500))
    log_in(client, rt, consumer)
    page = client.get(f"/pay/{ref.id}")
    with rt.uow() as uow:
        service.close_payment_in(uow, ref.id, clock.now())
        uow.commit()
    assert 'data-testid="pay-button"' not in client.get(f"/pay/{ref.id}").text
    refused = client.post(f"/pay/{ref.id}", data={"csrf_token": csrf_from(page.text)})
    assert refused.status_code == 409 and "no longer open" in refused.text


def test_the_merchant_withdraws_on_the_balance_page(client: TestClient, rt: Runtime, clock: FixedClock,
                                                    consumer: Principal, merchant: Principal, store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 10_000), (store_id, 500))
    pay(rt, clock, consumer, ref.id)
    settle(rt, orders[0], 1_000)
    log_in(client, rt, merchant)
    page = client.get("/merchant/balance")
    assert 'data-testid="balance-page"' in page.text
    assert re.search(r'balance-pending">¥5\.00<', page.text) and re.search(r'balance-available">¥90\.00<', page.text)
    form = {"csrf_token": csrf_from(page.text), "store_id": store_id, "amount": "30.50",
            "idempotency_key": _field(page.text, "idempotency_key")}
    done = client.post("/merchant/balance/payouts", data=form, follow_redirects=False)
    assert done.headers["location"] == f"/merchant/balance?store_id={store_id}&done=payout"
    client.post("/merchant/balance/payouts", data=form)  # a double submit is the same payout
    after = client.get(done.headers["location"]).text
    assert re.search(r'balance-available">¥59\.50<', after) and re.search(r'balance-paid-out">¥30\.50<', after)
    assert after.count('data-testid="payout-row"') == 1


def test_withdrawing_more_than_available_shows_the_refusal_and_changes_nothing(
        client: TestClient, rt: Runtime, clock: FixedClock, consumer: Principal, merchant: Principal,
        store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 1_000))
    pay(rt, clock, consumer, ref.id)
    settle(rt, orders[0], 0)
    log_in(client, rt, merchant)
    csrf = csrf_from(client.get("/merchant/balance").text)
    before = snapshot(rt)
    for amount, message in (("10.01", "more than the available"), ("abc", "more than zero")):
        refused = client.post("/merchant/balance/payouts", data={"csrf_token": csrf, "store_id": store_id,
                                                                  "amount": amount})
        assert refused.status_code in (400, 409) and message in refused.text
    assert snapshot(rt) == before


def test_staff_without_the_orders_permission_have_no_balance_page(client: TestClient, rt: Runtime,
                                                                  store_id: str) -> None:
    clerk = person(rt, "clerk@example.com")
    add_staff(rt, store_id, clerk, "products")
    log_in(client, rt, clerk)
    assert 'data-testid="balance-no-store"' in client.get("/merchant/balance").text


def test_the_operator_sees_payments_and_the_ledger(client: TestClient, rt: Runtime, clock: FixedClock,
                                                   consumer: Principal, operator: Principal, store_id: str) -> None:
    ref, orders = new_payment(rt, consumer, (store_id, 2_000))
    pay(rt, clock, consumer, ref.id)
    log_in(client, rt, operator)
    payments = client.get("/ops/payments?status=captured").text
    assert f'data-payment-id="{ref.id}"' in payments and orders[0] in payments
    ledger = client.get("/ops/ledger").text
    assert 'data-ok="true"' in ledger
    assert 'data-account="gateway" data-balance="2000"' in ledger
    assert f'data-source="capture:{ref.id}"' in ledger
    assert 'data-account="escrow"' in client.get("/ops/ledger?account=escrow").text

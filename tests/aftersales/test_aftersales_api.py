"""The after-sales JSON API over HTTP: the consumer's requests (with an Idempotency-Key), the merchant's queue and
answers, the operator's disputes; refusals as problem+json with their codes and nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from aftersales_helpers import Bought, buy, refunded_to, snapshot
from fastapi.testclient import TestClient

from mercato.kernel.runtime import Runtime
from support import bearer, person
from trade.trade_helpers import World

PROBLEM = "application/problem+json"
TEA = 9900


@pytest.fixture
def buyer(rt: Runtime, world: World) -> dict[str, str]:
    return bearer(rt, world.buyer)


def problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == code


def body(bought: Bought, **changes: Any) -> dict[str, Any]:
    return {"order_no": bought.order_no, "order_line_id": bought.line_ids[0], "units": 1, "kind": "return_refund",
            "reason": "damaged", "note": "Cracked lid", **changes}


def test_a_return_over_http_from_request_to_money_back(client: TestClient, rt: Runtime, world: World,
                                                       buyer: dict[str, str]) -> None:
    bought = buy(rt, world, units=((0, 2),), ship=True)
    merchant = bearer(rt, bought.owner)
    created = client.post("/api/v1/me/refunds", headers={**buyer, "Idempotency-Key": "r-1"}, json=body(bought))
    assert created.status_code == 201, created.text
    no = created.json()["request_no"]
    assert (created.json()["status"], created.json()["amount"], created.json()["note"]) == \
        ("requested", TEA, "Cracked lid")
    again = client.post("/api/v1/me/refunds", headers={**buyer, "Idempotency-Key": "r-1"}, json=body(bought))
    assert again.json()["request_no"] == no
    queue = client.get(f"/api/v1/merchant/stores/{bought.store_id}/refunds?status=requested", headers=merchant)
    assert [r["request_no"] for r in queue.json()["items"]] == [no]
    base = f"/api/v1/merchant/stores/{bought.store_id}/refunds/{no}"
    assert client.post(f"{base}/agree", headers=merchant).json()["status"] == "awaiting_return"
    shipped = client.post(f"/api/v1/me/refunds/{no}/ship", headers=buyer,
                          json={"carrier": "SF", "tracking_no": "SF5555"})
    assert shipped.json()["status"] == "shipped_back"
    received = client.post(f"{base}/receive", headers=merchant)
    assert (received.json()["status"], received.json()["refunded"]) == ("refunded", TEA)
    detail = client.get(f"/api/v1/me/refunds/{no}", headers=buyer).json()
    assert [e["note"] for e in detail["events"]] == ["requested", "agreed", "shipped back: SF SF5555", "received"]
    assert [r["request_no"] for r in client.get("/api/v1/me/refunds", headers=buyer).json()["items"]] == [no]
    assert len(refunded_to(rt)) == 1


def test_a_dispute_over_http(client: TestClient, rt: Runtime, world: World, buyer: dict[str, str]) -> None:
    bought = buy(rt, world, units=((0, 1),), ship=True)
    merchant, ops = bearer(rt, bought.owner), bearer(rt, world.operator)
    no = client.post("/api/v1/me/refunds", headers=buyer, json=body(bought, kind="refund_only")).json()["request_no"]
    refused = client.post(f"/api/v1/merchant/stores/{bought.store_id}/refunds/{no}/refuse", headers=merchant,
                          json={"reason": "Delivered"})
    assert refused.json()["status"] == "refused"
    assert client.post(f"/api/v1/me/refunds/{no}/escalate", headers=buyer,
                       json={"evidence": "Never came"}).json()["status"] == "escalated"
    assert [d["request_no"] for d in client.get("/api/v1/ops/disputes", headers=ops).json()["items"]] == [no]
    problem(client.get("/api/v1/ops/disputes", headers=buyer), 403, "access_denied")
    before = snapshot(rt)
    problem(client.post(f"/api/v1/ops/disputes/{no}/decide", headers=ops, json={"decision": "partial",
                                                                             "amount": TEA + 1}),
            400, "refund_amount_invalid")
    assert snapshot(rt) == before
    decided = client.post(f"/api/v1/ops/disputes/{no}/decide", headers=ops, json={"decision": "full"})
    assert (decided.json()["status"], decided.json()["decision"], decided.json()["refunded"]) == \
        ("refunded", "full", TEA)


def test_refusals_over_http_are_problems_that_change_nothing(client: TestClient, rt: Runtime, world: World,
                                                             buyer: dict[str, str]) -> None:
    bought = buy(rt, world, units=((0, 2),))
    stranger = bearer(rt, person(rt, "stranger@example.com"))
    before = snapshot(rt)
    problem(client.post("/api/v1/me/refunds", headers=buyer, json=body(bought, units=3, kind="refund_only")),
            400, "refund_units_invalid")
    problem(client.post("/api/v1/me/refunds", headers=buyer, json=body(bought)), 409, "refund_kind_not_allowed")
    problem(client.post("/api/v1/me/refunds", headers=stranger, json=body(bought, kind="refund_only")),
            404, "not_found")
    problem(client.post("/api/v1/me/refunds", headers=buyer, json=body(bought, kind="refund_only",
                                                                      reason="bored")), 400, "refund_reason_invalid")
    problem(client.get("/api/v1/me/refunds/123456789012345678", headers=buyer), 404, "refund_request_not_found")
    assert snapshot(rt) == before
    no = client.post("/api/v1/me/refunds", headers=buyer, json=body(bought, kind="refund_only")).json()["request_no"]
    middle = snapshot(rt)
    problem(client.post("/api/v1/me/refunds", headers=buyer, json=body(bought, kind="refund_only")),
            409, "refund_request_open")
    problem(client.get(f"/api/v1/me/refunds/{no}", headers=stranger), 404, "refund_request_not_found")
    other = world.shops["farm"]
    problem(client.post(f"/api/v1/merchant/stores/{bought.store_id}/refunds/{no}/agree",
                        headers=bearer(rt, other.owner)), 404, "not_found")
    assert snapshot(rt) == middle
    assert client.post(f"/api/v1/me/refunds/{no}/cancel", headers=buyer).json()["status"] == "cancelled"

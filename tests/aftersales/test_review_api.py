"""A reviewer's bad input over HTTP: unknown enum values, negative and huge numbers, strings that no database
stores (a lone surrogate, a NUL), oversized text: each one a 422 or a coded 4xx problem, never a 500, and nothing
changed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aftersales_helpers import Bought, buy, refunded_to, snapshot
from fastapi.testclient import TestClient

from mercato.kernel.runtime import Runtime
from support import bearer
from trade.trade_helpers import World

PROBLEM = "application/problem+json"


@pytest.fixture
def buyer(rt: Runtime, world: World) -> dict[str, str]:
    return bearer(rt, world.buyer)


def refused(response: Any, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    if code is not None:
        assert response.json()["code"] == code


def raw_post(client: TestClient, url: str, headers: dict[str, str], text: str) -> Any:
    return client.post(url, headers={**headers, "content-type": "application/json"}, content=text.encode())


def body(bought: Bought, **changes: Any) -> dict[str, Any]:
    return {"order_no": bought.order_no, "order_line_id": bought.line_ids[0], "units": 1, "kind": "refund_only",
            "reason": "damaged", "note": "", **changes}


def test_numbers_out_of_range_and_unknown_enum_values_are_refused_with_codes(
        client: TestClient, rt: Runtime, world: World, buyer: dict[str, str]) -> None:
    bought = buy(rt, world, units=((0, 2),))
    before = snapshot(rt)
    url = "/api/v1/me/refunds"
    refused(client.post(url, headers=buyer, json=body(bought, units=-1)), 400, "refund_units_invalid")
    refused(client.post(url, headers=buyer, json=body(bought, units=0)), 400, "refund_units_invalid")
    refused(client.post(url, headers=buyer, json=body(bought, units=10**30)), 422)
    refused(client.post(url, headers=buyer, json=body(bought, units="1")), 422)
    refused(client.post(url, headers=buyer, json=body(bought, kind="gift")), 400, "refund_kind_invalid")
    refused(client.post(url, headers=buyer, json=body(bought, note="x" * 600)), 400, "refund_note_invalid")
    refused(client.post(url, headers=buyer, json=body(bought, note="x" * 5000)), 422)
    refused(client.post(url, headers=buyer, json=body(bought, order_line_id="y" * 27)), 422)
    refused(client.post(url, headers=buyer, json=body(bought, extra=1)), 422)
    assert snapshot(rt) == before


def test_unknown_status_filters_are_refused_instead_of_listing_everything(
        client: TestClient, rt: Runtime, world: World) -> None:
    bought = buy(rt, world, units=((0, 2),))
    merchant = bearer(rt, bought.owner)
    refused(client.get(f"/api/v1/merchant/stores/{bought.store_id}/refunds?status=nonsense", headers=merchant),
            400, "refund_status_invalid")
    refused(client.get("/api/v1/ops/disputes?status=nonsense", headers=bearer(rt, world.operator)),
            400, "refund_status_invalid")


@pytest.mark.parametrize("bad", ["\ud800", "\x00"])
def test_text_no_database_can_store_is_refused_with_a_code(client: TestClient, rt: Runtime, world: World,
                                                           buyer: dict[str, str], bad: str) -> None:
    bought = buy(rt, world, units=((0, 2),), ship=True)
    before = snapshot(rt)
    url = "/api/v1/me/refunds"
    for field in ("note", "order_line_id", "order_no", "kind", "reason"):
        response = raw_post(client, url, buyer, json.dumps(body(bought, **{field: f"a{bad}b"})))
        assert response.status_code in (400, 404, 422), (field, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)
    assert snapshot(rt) == before
    created = client.post(url, headers=buyer, json=body(bought, kind="return_refund"))
    assert created.status_code == 201, created.text
    no = created.json()["request_no"]
    merchant = bearer(rt, bought.owner)
    base = f"/api/v1/merchant/stores/{bought.store_id}/refunds/{no}"
    middle = snapshot(rt)
    unstorable = 422 if bad == "\ud800" else 400  # pydantic refuses a lone surrogate before the domain sees it
    refused(raw_post(client, f"{base}/refuse", merchant, json.dumps({"reason": f"no{bad}pe"})), unstorable)
    assert client.post(f"{base}/agree", headers=merchant).status_code == 200
    middle = snapshot(rt)
    refused(raw_post(client, f"/api/v1/me/refunds/{no}/ship", buyer,
                     json.dumps({"carrier": f"S{bad}F", "tracking_no": "SF1234"})), unstorable)
    assert snapshot(rt) == middle
    for path in (f"/api/v1/me/refunds/{no}{bad}", f"/api/v1/merchant/stores/{bought.store_id}{bad}/refunds"):
        response = client.get(path.replace("\x00", "%00").replace("\ud800", "%ED%A0%80"), headers=buyer)
        assert response.status_code in (400, 403, 404, 422), (path, response.text)


def test_an_operator_decision_with_bad_input_is_refused_with_codes_and_changes_nothing(
        client: TestClient, rt: Runtime, world: World, buyer: dict[str, str]) -> None:
    bought = buy(rt, world, units=((0, 2),), ship=True)
    no = client.post("/api/v1/me/refunds", headers=buyer, json=body(bought)).json()["request_no"]
    merchant = bearer(rt, bought.owner)
    client.post(f"/api/v1/merchant/stores/{bought.store_id}/refunds/{no}/refuse", headers=merchant,
                json={"reason": "Delivered"})
    assert client.post(f"/api/v1/me/refunds/{no}/escalate", headers=buyer,
                       json={"evidence": "It never came"}).status_code == 200
    ops = bearer(rt, world.operator)
    url = f"/api/v1/ops/disputes/{no}/decide"
    before = snapshot(rt)
    refused(client.post(url, headers=ops, json={"decision": "maybe"}), 400)
    refused(client.post(url, headers=ops, json={"decision": "partial"}), 400, "refund_amount_invalid")
    refused(client.post(url, headers=ops, json={"decision": "partial", "amount": -5}), 400, "refund_amount_invalid")
    refused(client.post(url, headers=ops, json={"decision": "partial", "amount": 10**11}), 400,
            "refund_amount_invalid")
    refused(client.post(url, headers=ops, json={"decision": "full", "note": "n" * 1001}), 400, "refund_note_invalid")
    refused(raw_post(client, url, ops, json.dumps({"decision": "full", "note": "a\x00"})), 400,
            "refund_note_invalid")
    refused(raw_post(client, url, ops, json.dumps({"decision": "full", "note": "a\ud800"})), 422)
    assert snapshot(rt) == before


def test_money_posts_retried_with_their_idempotency_key_answer_again_and_pay_once(
        client: TestClient, rt: Runtime, world: World, buyer: dict[str, str]) -> None:
    bought = buy(rt, world, units=((0, 2),), ship=True)
    no = client.post("/api/v1/me/refunds", headers=buyer, json=body(bought, reason="not_arrived")).json()
    merchant = {**bearer(rt, bought.owner), "Idempotency-Key": "agree-1"}
    url = f"/api/v1/merchant/stores/{bought.store_id}/refunds/{no['request_no']}/agree"
    first, again = client.post(url, headers=merchant), client.post(url, headers=merchant)
    assert (first.status_code, again.status_code) == (200, 200), again.text
    assert first.json() == again.json()
    assert first.json()["status"] == "refunded"
    assert [amount for _, amount in refunded_to(rt)] == [9900]
    refused(client.post(url, headers={**merchant, "Idempotency-Key": "agree-2"}), 409,
            "refund_transition_forbidden")


def test_an_operator_decision_retried_with_its_key_pays_once_and_the_key_cannot_carry_another_decision(
        client: TestClient, rt: Runtime, world: World, buyer: dict[str, str]) -> None:
    bought = buy(rt, world, units=((0, 2),), ship=True)
    no = client.post("/api/v1/me/refunds", headers=buyer, json=body(bought)).json()["request_no"]
    client.post(f"/api/v1/merchant/stores/{bought.store_id}/refunds/{no}/refuse", headers=bearer(rt, bought.owner),
                json={"reason": "Delivered"})
    client.post(f"/api/v1/me/refunds/{no}/escalate", headers=buyer, json={"evidence": "It never came"})
    ops = {**bearer(rt, world.operator), "Idempotency-Key": "decide-1"}
    url = f"/api/v1/ops/disputes/{no}/decide"
    first = client.post(url, headers=ops, json={"decision": "partial", "amount": 5000})
    again = client.post(url, headers=ops, json={"decision": "partial", "amount": 5000})
    assert (first.status_code, again.status_code, again.json()["refunded"]) == (200, 200, 5000)
    before = snapshot(rt)
    refused(client.post(url, headers=ops, json={"decision": "full"}), 409, "idempotency_key_reused")
    assert snapshot(rt) == before
    assert [amount for _, amount in refunded_to(rt)] == [5000]

"""The membership API over HTTP, on both databases: buying a membership with an Idempotency-Key and reading it
active after the capture, the saving card and auto-renew, accepting an invitation, and the operator's settings."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from membership_helpers import capture, rows, voucher

from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.membership.tables import membership_price_tiers
from support import bearer


def test_a_consumer_buys_a_membership_and_reads_it_active_after_the_capture(
        client: TestClient, rt: Runtime, consumer: Principal) -> None:
    headers = {**bearer(rt, consumer), "Idempotency-Key": "member-1"}
    first = client.post("/api/v1/me/membership", headers=headers)
    assert first.status_code == 201
    body: dict[str, Any] = first.json()
    assert (body["status"], body["price"]) == ("pending", 8800)
    assert client.post("/api/v1/me/membership", headers=headers).json() == body
    capture(rt, body["payment_id"])
    read = client.get("/api/v1/me/membership", headers=headers).json()
    assert (read["member_until"], read["score"], read["price"], read["pending"]) == (
        "2027-11-11T10:00:00Z", 500, {"min_score": 0, "price": 8800}, None)


def test_the_saving_card_is_bought_and_auto_renew_switched(client: TestClient, rt: Runtime, consumer: Principal,
                                                           operator: Principal) -> None:
    five = voucher(rt)
    plan = {"price": 1000, "vouchers": [{"promotion_id": five, "quantity": 4}]}
    assert client.put("/api/v1/ops/membership/saving-card", json=plan, headers=bearer(rt, operator)).json() == plan
    me = bearer(rt, consumer)
    month = client.post("/api/v1/me/saving-card", headers=me).json()
    assert (month["status"], month["price"]) == ("pending", 1000)
    assert client.put("/api/v1/me/saving-card/auto-renew", json={"on": True}, headers=me).json() == {"on": True}
    card = client.get("/api/v1/me/saving-card", headers=me).json()
    assert (card["auto_renew"], card["pending"]["id"], card["current"]) == (True, month["id"], None)


def test_a_friend_accepts_an_invitation_by_code(client: TestClient, rt: Runtime, consumer: Principal,
                                                friend: Principal) -> None:
    mine = client.get("/api/v1/me/invitation", headers=bearer(rt, consumer)).json()
    assert (mine["link"], mine["invited"]) == (f"/invite/{mine['code']}", 0)
    accepted = client.post("/api/v1/me/invitation/accept", json={"code": mine["code"]}, headers=bearer(rt, friend))
    assert (accepted.status_code, accepted.json()["status"]) == (201, "accepted")
    again = client.post("/api/v1/me/invitation/accept", json={"code": mine["code"]}, headers=bearer(rt, friend))
    assert (again.status_code, again.json()["code"]) == (409, "invitation_exists")
    own = client.post("/api/v1/me/invitation/accept", json={"code": mine["code"]}, headers=bearer(rt, consumer))
    assert (own.status_code, own.json()["code"]) == (400, "invite_self")


def test_the_operator_edits_the_price_table_and_a_bad_one_is_refused(client: TestClient, rt: Runtime,
                                                                     operator: Principal,
                                                                     consumer: Principal) -> None:
    table = [{"min_score": 0, "price": 9900}, {"min_score": 500, "price": 0}]
    assert client.put("/api/v1/ops/membership/prices", json=table, headers=bearer(rt, operator)).json() == table
    bad = client.put("/api/v1/ops/membership/prices", json=[{"min_score": 5, "price": 1}],
                     headers=bearer(rt, operator))
    assert (bad.status_code, bad.json()["code"]) == (400, "price_table_invalid")
    denied = client.put("/api/v1/ops/membership/prices", json=table, headers=bearer(rt, consumer))
    assert denied.status_code == 403
    assert [(r[0], r[1]) for r in rows(rt, membership_price_tiers)] == [(0, 9900), (500, 0)]

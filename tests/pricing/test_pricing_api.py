"""The pricing JSON API over HTTP: merchants' store promotions and festivals, the operator's platform promotions
and campaigns, consumers' claims and vouchers; refusals as problem+json with their codes and nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from manage_helpers import pricing_snapshot

from mercato.kernel.runtime import Runtime
from support import bearer
from trade.trade_helpers import World, build_world, run_jobs

PROBLEM = "application/problem+json"
COUPON = {"kind": "store_coupon", "name_en": "20 off 200", "name_zh": "满200减20", "threshold": 20000,
          "amount": 2000, "total_quantity": 5, "per_person": 1}


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


def test_a_merchant_creates_lists_and_pauses_a_coupon(client: TestClient, rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    owner = bearer(rt, tea.owner)
    base = f"/api/v1/merchant/stores/{tea.store_id}/promotions"
    created = client.post(base, json=COUPON, headers=owner)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["kind"], body["store_id"], body["rule"], body["issued"], body["status"]) == \
        ("store_coupon", tea.store_id, {"threshold": 20000, "amount": 2000}, 0, "active")
    assert [p["id"] for p in client.get(base, headers=owner).json()] == [body["id"]]
    paused = client.post(f"{base}/{body['id']}/pause", headers=owner)
    assert paused.json()["status"] == "paused"


@pytest.mark.parametrize(("change", "field"), [
    ({"threshold": 0}, "threshold"), ({"threshold": -5}, "threshold"), ({"amount": 20000}, "amount"),
    ({"amount": 0, "percent": 100}, "percent"),
    ({"starts_at": "2026-11-12T00:00:00Z", "ends_at": "2026-11-11T00:00:00Z"}, "window"),
])
def test_bad_numbers_are_400_with_the_field(client: TestClient, rt: Runtime, world: World, change: dict[str, Any],
                                            field: str) -> None:
    tea = world.shops["tea"]
    before = pricing_snapshot(rt)
    response = client.post(f"/api/v1/merchant/stores/{tea.store_id}/promotions", json={**COUPON, **change},
                           headers=bearer(rt, tea.owner))
    assert problem(response, 400, "promotion_invalid")["params"]["field"] == field
    assert pricing_snapshot(rt) == before


def test_another_stores_promotion_is_404(client: TestClient, rt: Runtime, world: World) -> None:
    tea, nike = world.shops["tea"], world.shops["nike"]
    theirs = client.post(f"/api/v1/merchant/stores/{nike.store_id}/promotions", json=COUPON,
                         headers=bearer(rt, nike.owner)).json()
    before = pricing_snapshot(rt)
    mine = bearer(rt, tea.owner)
    response = client.put(f"/api/v1/merchant/stores/{tea.store_id}/promotions/{theirs['id']}",
                          json={**COUPON, "name_en": "Stolen"}, headers=mine)
    problem(response, 404, "promotion_not_found")
    problem(client.get(f"/api/v1/merchant/stores/{nike.store_id}/promotions", headers=mine), 404, "not_found")
    assert pricing_snapshot(rt) == before


def test_a_consumer_claims_and_lists_vouchers(client: TestClient, rt: Runtime, world: World) -> None:
    tea = world.shops["tea"]
    promo = client.post(f"/api/v1/merchant/stores/{tea.store_id}/promotions", json=COUPON,
                        headers=bearer(rt, tea.owner)).json()
    assert [c["id"] for c in client.get(f"/api/v1/stores/{tea.store_id}/coupons").json()] == [promo["id"]]
    buyer = bearer(rt, world.buyer)
    claimed = client.post(f"/api/v1/coupons/{promo['id']}/claim", headers=buyer)
    assert claimed.status_code == 201, claimed.text
    mine = client.get("/api/v1/me/vouchers", headers=buyer).json()
    assert [(v["id"], v["status"], v["threshold"], v["amount"], v["store_id"]) for v in mine] == \
        [(claimed.json()["id"], "available", 20000, 2000, tea.store_id)]
    problem(client.post(f"/api/v1/coupons/{promo['id']}/claim", headers=buyer), 409, "coupon_limit_reached")


def test_an_operator_runs_a_red_envelope_campaign(client: TestClient, rt: Runtime, world: World) -> None:
    ops = bearer(rt, world.operator)
    envelope = client.post("/api/v1/ops/promotions", headers=ops, json={
        "kind": "platform_voucher", "name_en": "Red envelope", "threshold": 9900, "amount": 1000,
        "claimable": False, "valid_days": 7}).json()
    buyer = bearer(rt, world.buyer)
    problem(client.post(f"/api/v1/coupons/{envelope['id']}/claim", headers=buyer), 409, "coupon_not_claimable")
    started = client.post(f"/api/v1/ops/promotions/{envelope['id']}/campaigns", headers=ops,
                          json={"segment": "everyone"})
    assert started.status_code == 202, started.text
    run_jobs(rt)
    mine = client.get("/api/v1/me/vouchers", headers=buyer).json()
    assert [(v["promotion_id"], v["store_id"], v["amount"]) for v in mine] == [(envelope["id"], None, 1000)]
    assert client.get(f"/api/v1/ops/promotions/{envelope['id']}", headers=ops).json()["issued"] == 4


def test_consumers_cannot_use_the_operator_routes(client: TestClient, rt: Runtime, world: World) -> None:
    buyer = bearer(rt, world.buyer)
    problem(client.post("/api/v1/ops/promotions", headers=buyer, json=COUPON), 403, "access_denied")
    problem(client.get("/api/v1/ops/promotions", headers=buyer), 403, "access_denied")


def test_stores_join_a_festival_through_the_api(client: TestClient, rt: Runtime, world: World) -> None:
    ops, tea = bearer(rt, world.operator), world.shops["tea"]
    fest = client.post("/api/v1/ops/promotions", headers=ops, json={
        "kind": "cross_store_reduction", "name_en": "Double 11", "every": 30000, "amount": 5000,
        "platform_share_bp": 5000, "starts_at": "2026-11-12T00:00:00Z"}).json()
    owner = bearer(rt, tea.owner)
    joined = client.post(f"/api/v1/merchant/stores/{tea.store_id}/festivals/{fest['id']}/join", headers=owner)
    assert joined.json()["promotion"]["opted_store_ids"] == [tea.store_id]
    listed = client.get(f"/api/v1/merchant/stores/{tea.store_id}/festivals", headers=owner).json()
    assert [(f["promotion"]["id"], f["opted_in"], f["may_opt_out"]) for f in listed] == [(fest["id"], True, True)]


def test_one_voucher_reads_back_for_its_holder_and_is_404_for_anyone_else(client: TestClient, rt: Runtime,
                                                                         world: World) -> None:
    tea = world.shops["tea"]
    promo = client.post(f"/api/v1/merchant/stores/{tea.store_id}/promotions", json=COUPON,
                        headers=bearer(rt, tea.owner)).json()
    held = client.post(f"/api/v1/coupons/{promo['id']}/claim", headers=bearer(rt, world.buyer)).json()
    mine = client.get(f"/api/v1/me/vouchers/{held['id']}", headers=bearer(rt, world.buyer))
    assert (mine.status_code, mine.json()["id"]) == (200, held["id"])
    theirs = client.get(f"/api/v1/me/vouchers/{held['id']}", headers=bearer(rt, world.shops["nike"].owner))
    problem(theirs, 404, "voucher_not_found")

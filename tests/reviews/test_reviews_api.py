"""The reviews JSON API over HTTP: submitting, listing, following up, voting, a product's reviews and a store's
ratings, the merchant's reply; refusals as problem+json with their codes and nothing changed."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from reviews_helpers import buy, jobs_run, snapshot

from mercato.kernel.runtime import Runtime
from support import bearer, person
from trade.trade_helpers import World

PROBLEM = "application/problem+json"
SCORES = {"description": 5, "service": 4, "logistics": 3}


def problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == code


def body(order_no: str, line_id: str, rating: Any = 4, **extra: Any) -> dict[str, Any]:
    return {"order_no": order_no, "order_line_id": line_id, "rating": rating, "text": "Lovely tea",
            "store_scores": SCORES, **extra}


def test_a_buyer_reviews_over_the_api_and_everyone_reads_it(client: TestClient, rt: Runtime, world: World) -> None:
    bought = buy(rt, world)
    me = bearer(rt, world.buyer)
    created = client.post("/api/v1/me/reviews", headers=me, json=body(bought.order_no, bought.line_ids[0]))
    assert created.status_code == 201, created.text
    made = created.json()
    assert {k: made[k] for k in ("rating", "text", "store_scores", "is_default", "folded", "helpful_count",
                                 "follow_up", "reply")} == \
        {"rating": 4, "text": "Lovely tea", "store_scores": SCORES, "is_default": False, "folded": False,
         "helpful_count": 0, "follow_up": None, "reply": None}
    followed = client.post(f"/api/v1/me/reviews/{made['id']}/follow-up", headers=me, json={"text": "Still great"})
    assert followed.status_code == 201 and followed.json()["follow_up"]["text"] == "Still great"
    mine = client.get("/api/v1/me/reviews", headers=me).json()
    assert [r["id"] for r in mine["items"]] == [made["id"]] and mine["next_cursor"] is None

    voter = bearer(rt, person(rt, "voter@example.com"))
    assert client.post(f"/api/v1/reviews/{made['id']}/helpful", headers=voter).json()["helpful_count"] == 1
    tea = world.shops["tea"]
    replied = client.post(f"/api/v1/merchant/stores/{tea.store_id}/reviews/{made['id']}/reply",
                          headers=bearer(rt, tea.owner), json={"text": "Thanks for buying"})
    assert replied.status_code == 201 and replied.json()["reply"]["text"] == "Thanks for buying"

    jobs_run(rt)
    listed = client.get(f"/api/v1/products/{bought.product_ids[0]}/reviews").json()
    assert (listed["rating"], listed["rating_count"]) == (400, 1)
    assert listed["store_ratings"] == {"description": 500, "service": 400, "logistics": 300, "overall": 400}
    assert [(r["reviewer"], r["helpful_count"]) for r in listed["reviews"]["items"]] == [("B***", 1)]
    assert client.get(f"/api/v1/stores/{tea.store_id}/ratings").json() == listed["store_ratings"]


def test_refusals_carry_their_codes_and_change_nothing(client: TestClient, rt: Runtime, world: World) -> None:
    bought = buy(rt, world)
    unshipped = buy(rt, world, "farm", ship=False)
    me = bearer(rt, world.buyer)
    stranger = bearer(rt, person(rt, "stranger@example.com"))
    before = snapshot(rt)
    problem(client.post("/api/v1/me/reviews", headers=me, json=body(bought.order_no, bought.line_ids[0], 9)),
            400, "review_rating_invalid")
    problem(client.post("/api/v1/me/reviews", headers=me, json=body(bought.order_no, bought.line_ids[0], 0)),
            400, "review_rating_invalid")
    problem(client.post("/api/v1/me/reviews", headers=stranger, json=body(bought.order_no, bought.line_ids[0])),
            403, "review_item_not_bought")
    problem(client.post("/api/v1/me/reviews", headers=me, json=body(unshipped.order_no, unshipped.line_ids[0])),
            409, "review_before_receipt")
    problem(client.post("/api/v1/me/reviews", headers=me,
                        json=body(bought.order_no, bought.line_ids[0], store_scores=None)),
            400, "review_store_scores_required")
    problem(client.get("/api/v1/stores/" + "0" * 26 + "/ratings"), 404, "not_found")
    assert snapshot(rt) == before
    assert client.post("/api/v1/me/reviews", headers=me,
                       json=body(bought.order_no, bought.line_ids[0])).status_code == 201
    after_one = snapshot(rt)
    problem(client.post("/api/v1/me/reviews", headers=me, json=body(bought.order_no, bought.line_ids[0])),
            409, "review_duplicate")
    assert snapshot(rt) == after_one
    assert client.post("/api/v1/me/reviews", json=body(bought.order_no, bought.line_ids[0])).status_code == 401

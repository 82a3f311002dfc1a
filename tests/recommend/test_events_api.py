"""POST /api/v1/events over HTTP (consumers by token or page session, visitors by the page cookie), the operators'
drop counts, and the Redis bot window shared by processes."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from mercato.catalog import service as catalog
from mercato.kernel.runtime import Runtime
from mercato.recommend.events import RedisWindow, visitor_key
from mercato.recommend.tables import recommend_events
from support import bearer, log_in
from trade.trade_helpers import World, build_world

REDIS_URL = os.environ.get("MERCATO_TEST_REDIS_URL")


@pytest.fixture
def world(rt: Runtime) -> World:
    return build_world(rt)


def tea(rt: Runtime, world: World) -> str:
    sku = world.shops["tea"].skus[0]
    with rt.uow(read_only=True) as uow:
        return catalog.skus_by_ids_in(uow, [sku])[sku].product_id


def actors(rt: Runtime) -> list[str]:
    with rt.uow(read_only=True) as uow:
        return list(uow.conn.execute(sa.select(recommend_events.c.actor_id).order_by(recommend_events.c.id)).scalars())


def test_a_consumer_with_a_token_records_one_event(client: TestClient, rt: Runtime, world: World) -> None:
    response = client.post("/api/v1/events", json={"product_id": tea(rt, world), "kind": "view"},
                           headers=bearer(rt, world.buyer))
    assert response.status_code == 200
    assert response.json() == {"accepted": 1, "dropped": {}}
    assert actors(rt) == [world.buyer.user_id]


def test_a_page_session_records_as_its_consumer(client: TestClient, rt: Runtime, world: World) -> None:
    log_in(client, rt, world.buyer)
    response = client.post("/api/v1/events", json={"events": [{"product_id": tea(rt, world), "kind": "cart"}]})
    assert response.json() == {"accepted": 1, "dropped": {}}
    assert actors(rt) == [world.buyer.user_id]


def test_an_anonymous_visitor_is_known_by_the_page_cookie(client: TestClient, rt: Runtime, world: World) -> None:
    refused = client.post("/api/v1/events", json={"product_id": tea(rt, world), "kind": "view"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "visitor_unknown"
    assert actors(rt) == []
    client.get("/")  # the page sets the visitor's signed cookie
    batch = [{"product_id": tea(rt, world), "kind": "view"}, {"product_id": "nope", "kind": "view"},
             {"product_id": tea(rt, world), "kind": "stare"}]
    response = client.post("/api/v1/events", json={"events": batch})
    assert response.json() == {"accepted": 1, "dropped": {"unknown_product": 1, "kind_invalid": 1}}
    (actor,) = actors(rt)
    assert actor.startswith("v_")
    assert len(actor) == 26
    client.cookies.set("mercato_csrf", "forged-and-unsigned")
    assert client.post("/api/v1/events", json={"product_id": tea(rt, world), "kind": "view"}).status_code == 400


def test_a_batch_over_fifty_is_a_problem_with_a_code(client: TestClient, rt: Runtime, world: World) -> None:
    events = [{"product_id": tea(rt, world), "kind": "view"}] * 51
    response = client.post("/api/v1/events", json={"events": events}, headers=bearer(rt, world.buyer))
    assert response.status_code == 400
    assert response.json()["code"] == "event_batch_too_large"
    assert actors(rt) == []
    malformed = client.post("/api/v1/events", json={"kind": "view"}, headers=bearer(rt, world.buyer))
    assert malformed.status_code == 422


def test_operators_see_drop_counts_and_others_do_not(client: TestClient, rt: Runtime, world: World) -> None:
    headers = bearer(rt, world.buyer)
    client.post("/api/v1/events", json={"events": [{"product_id": "nope", "kind": "view"}] * 3}, headers=headers)
    assert client.get("/api/v1/ops/recommend/drops", headers=headers).status_code == 403
    response = client.get("/api/v1/ops/recommend/drops", headers=bearer(rt, world.operator))
    assert response.json() == [{"day": rt.clock.now().date().isoformat(), "reason": "unknown_product", "count": 3}]
    assert client.get("/api/v1/ops/recommend/model", headers=bearer(rt, world.operator)).json() is None


def test_the_visitor_key_is_a_stable_digest_that_hides_the_token() -> None:
    assert visitor_key("token-a") == visitor_key("token-a")
    assert visitor_key("token-a") != visitor_key("token-b")
    assert "token" not in visitor_key("token-a")


@pytest.mark.skipif(not REDIS_URL, reason="set MERCATO_TEST_REDIS_URL to test the Redis bot window")
def test_the_redis_window_is_shared_by_two_processes_and_slides() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL or "")
    prefix = f"mercato:test:{secrets.token_hex(4)}:"
    first, second = RedisWindow(client, 5, prefix), RedisWindow(client, 5, prefix)  # two processes' windows
    start = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)
    try:
        assert first.admit(None, "v_bot", 3, start) == 3  # type: ignore[arg-type]
        assert second.admit(None, "v_bot", 4, start + timedelta(milliseconds=300)) == 2  # type: ignore[arg-type]
        assert first.admit(None, "v_other", 1, start) == 1  # type: ignore[arg-type]
        assert first.admit(None, "v_bot", 1, start + timedelta(milliseconds=900)) == 0  # type: ignore[arg-type]
        # at 1.1 s the first three left the window; the two admitted at 0.3 s are still in it
        assert second.admit(None, "v_bot", 9, start + timedelta(milliseconds=1100)) == 3  # type: ignore[arg-type]
    finally:
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)


def test_an_unreachable_redis_falls_back_to_the_event_log_window(rt: Runtime, world: World) -> None:
    import redis

    from mercato.recommend.events import EventIn, record_events_in

    window = RedisWindow(redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2), limit=2)
    with rt.uow() as uow:
        outcome = record_events_in(uow, [EventIn("v_x", tea(rt, world), "view")] * 3, rt.clock.now(), window)
    assert (outcome.accepted, outcome.dropped) == (2, {"bot": 1})


def test_the_window_is_redis_when_configured_and_the_log_otherwise() -> None:
    from mercato.recommend.events import LogWindow, rate_window_for

    assert isinstance(rate_window_for(None), LogWindow)
    configured = rate_window_for("redis://127.0.0.1:6379/0")
    assert isinstance(configured, RedisWindow)
    assert rate_window_for("redis://127.0.0.1:6379/0") is configured  # one client per process

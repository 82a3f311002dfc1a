"""Walks every mutating API endpoint as a consumer and as a merchant of another store.

Each call must be refused (403 or 404, problem+json) and leave every table exactly as it was. The endpoints come
from the OpenAPI document, so a new endpoint is walked without anyone remembering to add it here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from mercato.accounts import service as accounts
from mercato.kernel.idgen import new_id
from mercato.kernel.runtime import Runtime
from mercato.payments import service as payments
from mercato.payments.model import PaymentPart
from mercato.schema import load_all_tables

PASSWORD = "Walk-2026-pass"
SELF_SERVICE = {("post", "/api/v1/auth/register"), ("post", "/api/v1/auth/tokens"),
                ("post", "/api/v1/store-applications"), ("post", "/api/v1/addresses"),
                ("post", "/api/v1/coupons/{promotion_id}/claim"), ("post", "/api/v1/me/membership"),
                ("post", "/api/v1/me/saving-card"), ("put", "/api/v1/me/saving-card/auto-renew"),
                ("post", "/api/v1/me/invitation/accept"),
                ("post", "/api/v1/events")}  # behaviour events: any visitor records their own, anonymous too
# Public endpoints that authenticate the caller some other way than a login; each is walked in its own test below.
SIGNED_NOT_LOGGED_IN = {
    ("post", "/api/v1/payments/callbacks/sandbox"):
        "the payment gateway's callback: authenticated by its HMAC signature, not by a session or token",
}
SAMPLE_STRINGS = {"email": "someone@example.com", "slug": "walk-sample", "locale": "en", "url": "https://e.x/a.png",
                  "contact_phone": "13800000000", "reason": "walking", "word": "walkword", "code": "WALK-1",
                  "date": "2030-01-01"}


def _token(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD, "name": "walk"})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _register(client: TestClient, email: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "display_name": "W"})
    assert response.status_code == 201, response.text
    return _token(client, email)


def _store(client: TestClient, owner: dict[str, str], ops: dict[str, str], slug: str) -> str:
    application = client.post("/api/v1/store-applications", headers=owner, json={
        "kind": "independent", "slug": slug, "name_en": slug.title(), "name_zh": slug, "description": "",
        "contact_phone": "13800000000", "owner_legal_name": "Li Wei", "owner_id_number": "11010519491231002X"})
    assert application.status_code == 201, application.text
    approved = client.post(f"/api/v1/ops/store-applications/{application.json()['id']}/approve", headers=ops)
    assert approved.status_code == 200, approved.text
    return str(approved.json()["id"])


@pytest.fixture
def world(client: TestClient, rt: Runtime) -> dict[str, Any]:
    """A victim store with a product, SKU, staff member and token; an operator's objects; and the two intruders."""
    accounts.create_operator(rt, "ops@walk.example", PASSWORD, "Ops")
    ops = _token(client, "ops@walk.example")
    victim = _register(client, "victim@walk.example")
    intruder = _register(client, "intruder@walk.example")
    consumer = _register(client, "consumer@walk.example")
    _register(client, "staff@walk.example")
    victim_store = _store(client, victim, ops, "victim-shop")
    _store(client, intruder, ops, "intruder-shop")
    staff = client.post(f"/api/v1/merchant/stores/{victim_store}/staff", headers=victim,
                        json={"email": "staff@walk.example", "permissions": ["products"]})
    assert staff.status_code == 201, staff.text
    category = client.post("/api/v1/ops/categories", headers=ops, json={
        "parent_id": None, "slug": "walk-vertical", "name_en": "Walk", "name_zh": "走", "restricted": False,
        "position": 1}).json()
    product = client.post(f"/api/v1/merchant/stores/{victim_store}/products", headers=victim, json={
        "category_id": category["id"], "title_en": "Walking Stick", "title_zh": "手杖", "attributes": {},
        "image_urls": [], "skus": [{"code": "STICK-1", "options": {"size": "M"}, "price_minor": 9900, "stock": 5}]})
    assert product.status_code == 201, product.text
    pending = client.post("/api/v1/store-applications", headers=consumer, json={
        "kind": "independent", "slug": "pending-shop", "name_en": "Pending", "name_zh": "待审",
        "description": "", "contact_phone": "13800000000", "owner_legal_name": "Zhang San",
        "owner_id_number": "11010519491231002X"})
    brand = client.post("/api/v1/ops/brands", headers=ops, json={
        "slug": "walk-brand", "name_en": "Walk", "name_zh": "走牌", "protected": True})
    word = client.post("/api/v1/ops/prohibited-words", headers=ops, json={"word": "forbiddenwalk"})
    victim_tokens = client.get("/api/v1/auth/tokens", headers=victim).json()
    victim_payment = _payment(rt, "victim@walk.example", victim_store)
    coupon = client.post(f"/api/v1/merchant/stores/{victim_store}/promotions", headers=victim, json={
        "kind": "store_coupon", "name_en": "Walk coupon", "threshold": 9900, "amount": 1000})
    assert coupon.status_code == 201, coupon.text
    params = {
        "store_id": victim_store, "product_id": product.json()["id"], "sku_id": product.json()["skus"][0]["id"],
        "user_id": staff.json()["user_id"], "app_id": pending.json()["id"], "brand_id": brand.json()["id"],
        "category_id": category["id"], "word_id": word.json()["id"],
        "token_id": _first_token_id(victim_tokens), "payment_id": victim_payment,
        "address_id": "01HZZZZZZZZZZZZZZZZZZZZZZZ", "order_no": "12345678901234567890",
        "job_id": "01HZZZZZZZZZZZZZZZZZZZZZZZ",
        "request_no": "123456789012345678",  # a refund request (aftersales): nobody's, so 404 for every actor
        "promotion_id": coupon.json()["id"], "action": "end",
        "review_id": "01HZZZZZZZZZZZZZZZZZZZZZZZ",  # a review nobody wrote: 404 for every actor
    }
    return {"params": params, "actors": {"consumer": consumer, "other-store merchant": intruder}}


def _payment(rt: Runtime, email: str, store_id: str) -> str:
    """An open payment of the victim's (payments are made by trade's checkout; here directly)."""
    user = accounts.find_user_by_email(rt, email)
    assert user is not None
    now = rt.clock.now()
    with rt.uow() as uow:
        ref = payments.create_payment_in(uow, consumer_id=user.id, parts=[PaymentPart(new_id(), store_id, 9900)],
                                         now=now, expires_at=now + timedelta(minutes=15))
        uow.commit()
    return ref.id


def _first_token_id(listing: Any) -> str:
    items = listing["items"] if isinstance(listing, dict) else listing
    return str(items[0]["id"])


def _operations(client: TestClient) -> list[tuple[str, str, dict[str, Any] | None]]:
    spec = client.get("/api/v1/openapi.json").json()
    found = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            exempt = (method, path) in SELF_SERVICE or (method, path) in SIGNED_NOT_LOGGED_IN
            if method in {"post", "put", "patch", "delete"} and not exempt:
                schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
                found.append((method, path, _example(spec, schema, "") if schema else None))
    return found


def _example(spec: dict[str, Any], schema: dict[str, Any], name: str) -> Any:
    """A value valid for `schema`: the walk must be refused for who is asking, not for a malformed body."""
    if "$ref" in schema:
        return _example(spec, spec["components"]["schemas"][schema["$ref"].split("/")[-1]], name)
    if "anyOf" in schema:
        return _example(spec, next(s for s in schema["anyOf"] if s.get("type") != "null"), name)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {key: _example(spec, sub, key) for key, sub in props.items()}
    if kind == "array":
        item = _example(spec, schema.get("items", {"type": "string"}), name.rstrip("s"))
        return [item] * max(1, schema.get("minItems", 1)) if schema.get("items") else []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1) if schema.get("maximum", 2) >= 1 else schema["maximum"]
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return SAMPLE_STRINGS["date"]
    if schema.get("format") == "date-time":
        return SAMPLE_STRINGS["date"] + "T00:00:00Z"
    return next((value for key, value in SAMPLE_STRINGS.items() if key in name), "sample")


def _snapshot(rt: Runtime) -> dict[str, list[tuple[Any, ...]]]:
    tables = load_all_tables().sorted_tables
    with rt.uow() as uow:
        return {table.name: [tuple(row) for row in uow.conn.execute(
            sa.select(table).order_by(*table.primary_key.columns))] for table in tables}


def test_every_mutating_endpoint_refuses_outsiders_and_changes_nothing(
        client: TestClient, rt: Runtime, world: dict[str, Any]) -> None:
    operations = _operations(client)
    assert len(operations) >= 25
    before = _snapshot(rt)
    failures = []
    for actor, headers in world["actors"].items():
        for method, path, body in operations:
            url = path.format(**world["params"])
            response = client.request(method.upper(), url, headers=headers, json=body)
            refused = response.status_code in (403, 404) and response.headers["content-type"].startswith(
                "application/problem+json")
            if not refused:
                failures.append(f"{actor}: {method.upper()} {path} -> {response.status_code} {response.text[:160]}")
    assert failures == []
    assert _snapshot(rt) == before


def test_walk_also_refuses_anonymous_callers(client: TestClient, rt: Runtime, world: dict[str, Any]) -> None:
    before = _snapshot(rt)
    for method, path, body in _operations(client):
        response = client.request(method.upper(), path.format(**world["params"]), json=body)
        assert response.status_code == 401, f"{method} {path}: {response.status_code}"
        assert response.json()["code"] == "not_authenticated"
    assert _snapshot(rt) == before


def test_signed_public_endpoints_refuse_an_unsigned_call_and_change_nothing(
        client: TestClient, rt: Runtime, world: dict[str, Any]) -> None:
    before = _snapshot(rt)
    body = {"id": "evt_walk", "type": "charge.succeeded", "payment_id": world["params"]["payment_id"],
            "session_id": "S", "amount": 9900, "currency": "CNY"}
    for method, path in SIGNED_NOT_LOGGED_IN:
        for headers in ({}, world["actors"]["consumer"], {"Mercato-Signature": "t=1,v1=00"}):
            response = client.request(method.upper(), path, json=body, headers=headers)
            assert (response.status_code, response.json()["code"]) == (400, "callback_signature_invalid"), path
    assert _snapshot(rt) == before

"""The audit API: operators page through the log; everyone else is refused."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from mercato.accounts import service as accounts
from mercato.audit import service as audit
from mercato.kernel.runtime import Runtime

PASSWORD = "Tiger1234"


def _bearer(client: TestClient, rt: Runtime, email: str, *, operator: bool) -> dict[str, str]:
    make = accounts.create_operator if operator else accounts.register
    make(rt, email, PASSWORD, "Someone")
    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD, "name": "t"})
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _problem(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def test_an_operator_reads_the_log_newest_first_in_pages(client: TestClient, rt: Runtime) -> None:
    ops = _bearer(client, rt, "ops@example.com", operator=True)
    with rt.uow() as uow:
        for n in range(3):
            audit.record(uow, None, "brand.create", "brand", f"B{n}", {"n": n}, rt.clock.now())
        uow.commit()
    first = client.get("/api/v1/ops/audit", params={"action_prefix": "brand", "limit": 2}, headers=ops)
    assert first.status_code == 200
    body = first.json()
    assert len(body["items"]) == 2 and body["next_cursor"]
    assert set(body["items"][0]) == {"id", "at", "actor_id", "action", "target_type", "target_id", "detail"}
    rest = client.get("/api/v1/ops/audit", params={"action_prefix": "brand", "limit": 2,
                                                   "cursor": body["next_cursor"]}, headers=ops).json()
    ids = [e["target_id"] for e in body["items"] + rest["items"]]
    assert sorted(ids) == ["B0", "B1", "B2"] and rest["next_cursor"] is None


def test_a_consumer_gets_403_and_an_anonymous_caller_401(client: TestClient, rt: Runtime) -> None:
    consumer = _bearer(client, rt, "li@example.com", operator=False)
    _problem(client.get("/api/v1/ops/audit", headers=consumer), 403, "access_denied")
    _problem(client.get("/api/v1/ops/audit"), 401, "not_authenticated")


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"limit": 0}, 422, "request_malformed"),
    ({"limit": 101}, 422, "request_malformed"),
    ({"limit": "many"}, 422, "request_malformed"),
    ({"action_prefix": "x" * 65}, 422, "request_malformed"),
    ({"action_prefix": "store%"}, 400, "audit_filter_invalid"),
    ({"cursor": "garbage!"}, 400, "cursor_invalid"),
])
def test_bad_query_parameters_are_refused(client: TestClient, rt: Runtime, params: dict[str, Any], status: int,
                                          code: str) -> None:
    ops = _bearer(client, rt, "ops@example.com", operator=True)
    _problem(client.get("/api/v1/ops/audit", params=params, headers=ops), status, code)

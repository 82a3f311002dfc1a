"""The accounts API through the whole app: exact statuses, problem+json codes, and nothing changed on refusal."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from accounts_helpers import PASSWORD, MakeUser, api_token, page_login
from fastapi.testclient import TestClient

from mercato.accounts.tables import api_tokens, users
from mercato.kernel.runtime import Runtime

REGISTER = {"email": "Li@Example.com", "password": PASSWORD, "display_name": "Li Wei"}


def _count(rt: Runtime, table: sa.Table) -> int:
    with rt.uow(read_only=True) as uow:
        return int(uow.conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


def test_register_then_token_then_me_round_trip(client: TestClient) -> None:
    created = client.post("/api/v1/auth/register", json=REGISTER)
    assert created.status_code == 201
    user = created.json()
    assert {k: user[k] for k in ("email", "display_name", "is_operator", "locale", "status")} == {
        "email": "li@example.com", "display_name": "Li Wei", "is_operator": False, "locale": "en",
        "status": "active"}
    assert "password_hash" not in user and "password" not in user
    issued = client.post("/api/v1/auth/tokens", json={"email": "li@example.com", "password": PASSWORD,
                                                      "name": "cli", "expires_days": 30})
    assert issued.status_code == 201
    body = issued.json()
    assert body["token"].startswith("mct_") and body["prefix"] == body["token"][:8] and "token_hash" not in body
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.json() == user


def test_me_without_a_token_is_401_problem(client: TestClient) -> None:
    _problem(client.get("/api/v1/auth/me"), 401, "not_authenticated")
    _problem(client.get("/api/v1/auth/me", headers={"Authorization": "Bearer mct_forged"}), 401,
             "not_authenticated")
    _problem(client.get("/api/v1/auth/me", headers={"Authorization": "Basic bGk6cHc="}), 401, "not_authenticated")


def test_a_session_cookie_does_not_authenticate_the_api(client: TestClient, make_user: MakeUser) -> None:
    make_user()
    page_login(client, "li@example.com")
    _problem(client.get("/api/v1/auth/me"), 401, "not_authenticated")


def test_registering_a_taken_email_in_another_case_is_409_and_changes_nothing(client: TestClient,
                                                                               rt: Runtime) -> None:
    client.post("/api/v1/auth/register", json=REGISTER)
    _problem(client.post("/api/v1/auth/register", json={**REGISTER, "email": "LI@EXAMPLE.COM"}), 409,
             "email_taken")
    assert _count(rt, users) == 1


@pytest.mark.parametrize(("change", "code"), [
    ({"password": "short1"}, "password_weak"),
    ({"password": "li@example.com"}, "password_weak"),
    ({"email": "not-an-email"}, "email_invalid"),
    ({"display_name": "   "}, "display_name_invalid"),
    ({"locale": "fr"}, "locale_unsupported"),
])
def test_registration_breaking_a_rule_is_400_with_its_code(client: TestClient, rt: Runtime,
                                                           change: dict[str, str], code: str) -> None:
    _problem(client.post("/api/v1/auth/register", json={**REGISTER, **change}), 400, code)
    assert _count(rt, users) == 0


@pytest.mark.parametrize("body", [
    {}, {"email": "li@example.com"}, {**REGISTER, "password": "x" * 129}, {**REGISTER, "email": "a" * 255},
    {**REGISTER, "display_name": ""}, {**REGISTER, "display_name": 42}, {**REGISTER, "is_operator": True},
    [REGISTER],
])
def test_malformed_registration_bodies_are_422(client: TestClient, rt: Runtime, body: Any) -> None:
    _problem(client.post("/api/v1/auth/register", json=body), 422, "request_malformed")
    assert _count(rt, users) == 0


def test_wrong_credentials_are_401_and_the_sixth_attempt_is_429(client: TestClient, rt: Runtime,
                                                                make_user: MakeUser) -> None:
    make_user()
    wrong = {"email": "li@example.com", "password": "Wrong-password-1", "name": "cli"}
    unknown = _problem(client.post("/api/v1/auth/tokens", json={**wrong, "email": "x@example.com"}), 401,
                       "credentials_invalid")
    for _ in range(5):
        refused = _problem(client.post("/api/v1/auth/tokens", json=wrong), 401, "credentials_invalid")
        assert refused["detail"] == unknown["detail"]
    body = _problem(client.post("/api/v1/auth/tokens", json={**wrong, "password": PASSWORD}), 429,
                    "login_throttled")
    assert body["params"] == {"retry_after_seconds": 900}
    assert _count(rt, api_tokens) == 0


@pytest.mark.parametrize("change", [{"expires_days": 0}, {"expires_days": 366}, {"expires_days": "soon"},
                                    {"name": ""}, {"name": "x" * 65}, {"password": None}])
def test_malformed_token_requests_are_422(client: TestClient, rt: Runtime, make_user: MakeUser,
                                          change: dict[str, Any]) -> None:
    make_user()
    body = {"email": "li@example.com", "password": PASSWORD, "name": "cli", **change}
    _problem(client.post("/api/v1/auth/tokens", json=body), 422, "request_malformed")
    assert _count(rt, api_tokens) == 0


def test_tokens_are_listed_without_secrets_and_revoked(client: TestClient, make_user: MakeUser) -> None:
    make_user()
    auth = api_token(client, "li@example.com")
    second = client.post("/api/v1/auth/tokens", json={"email": "li@example.com", "password": PASSWORD,
                                                      "name": "second"}).json()
    listed = client.get("/api/v1/auth/tokens", headers=auth).json()["items"]
    assert [t["name"] for t in listed] == ["second", "tests"]
    assert all(set(t) == {"id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"}
               for t in listed)
    assert client.delete(f"/api/v1/auth/tokens/{second['id']}", headers=auth).status_code == 204
    revoked = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {second['token']}"})
    _problem(revoked, 401, "not_authenticated")
    [shown] = [t for t in client.get("/api/v1/auth/tokens", headers=auth).json()["items"] if t["name"] == "second"]
    assert shown["revoked_at"] is not None


def test_revoking_another_users_token_is_404_and_it_keeps_working(client: TestClient,
                                                                   make_user: MakeUser) -> None:
    make_user("li@example.com")
    make_user("wang@example.com")
    li = api_token(client, "li@example.com")
    wang = api_token(client, "wang@example.com")
    [wang_token] = client.get("/api/v1/auth/tokens", headers=wang).json()["items"]
    _problem(client.delete(f"/api/v1/auth/tokens/{wang_token['id']}", headers=li), 404, "not_found")
    _problem(client.delete("/api/v1/auth/tokens/" + "x" * 65, headers=li), 422, "request_malformed")
    assert client.get("/api/v1/auth/me", headers=wang).status_code == 200


def test_token_endpoints_require_a_token(client: TestClient) -> None:
    _problem(client.get("/api/v1/auth/tokens"), 401, "not_authenticated")
    _problem(client.delete("/api/v1/auth/tokens/01ABC"), 401, "not_authenticated")

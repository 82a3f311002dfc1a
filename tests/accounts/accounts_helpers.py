"""Helpers for accounts tests: a Principal for a user, CSRF tokens scraped from forms, page and API logins."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from mercato.accounts.model import UserView
from mercato.kernel.principal import Principal
from support import PASSWORD as PASSWORD
from support import csrf_from as csrf_from

MakeUser = Callable[..., UserView]


def principal_of(user: UserView, via: str = "session") -> Principal:
    return Principal(user_id=user.id, email=user.email, display_name=user.display_name,
                     is_operator=user.is_operator, locale=user.locale, via=via, credential_id="test")




def page_login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    csrf = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


def api_token(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": password, "name": "tests"})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}

"""The accounts pages over HTTP: log in, register, log out, the account page and the login redirect."""

from __future__ import annotations

import sqlalchemy as sa
from accounts_helpers import PASSWORD, MakeUser, csrf_from, page_login
from fastapi.testclient import TestClient

from mercato.accounts import service as accounts
from mercato.accounts.tables import api_tokens, sessions, users
from mercato.app import create_app
from mercato.kernel.runtime import Runtime


def _count(rt: Runtime, table: sa.Table) -> int:
    with rt.uow(read_only=True) as uow:
        return int(uow.conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _post_form(client: TestClient, path: str, form: dict[str, str], page: str | None = None):  # type: ignore[no-untyped-def]
    csrf = csrf_from(client.get(page or path).text)
    return client.post(path, data={**form, "csrf_token": csrf}, follow_redirects=False)


def test_the_login_form_sets_a_hardened_session_cookie_and_follows_next(client: TestClient, rt: Runtime,
                                                                        make_user: MakeUser) -> None:
    make_user()
    response = _post_form(client, "/login", {"email": "li@example.com", "password": PASSWORD,
                                             "next": "/account"}, page="/login?next=/account")
    assert response.status_code == 303 and response.headers["location"] == "/account"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("mercato_session="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "samesite", "max-age"} <= attributes and "secure" not in attributes
    assert "SameSite=lax" in cookie and f"Max-Age={rt.settings.session_days * 86400}" in cookie
    secret = cookie.split(";")[0].split("=", 1)[1]
    assert accounts.principal_for_session(rt, secret) is not None
    assert "li@example.com" in client.get("/account").text


def test_the_cookie_is_secure_when_the_settings_say_so(rt: Runtime, make_user: MakeUser) -> None:
    make_user()
    rt.settings.secure_cookies = True
    with TestClient(create_app(rt), base_url="https://testserver") as client:  # Secure cookies need https
        response = _post_form(client, "/login", {"email": "li@example.com", "password": PASSWORD})
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("mercato_session="))
    assert "Secure" in cookie


def test_an_outside_next_target_is_replaced_by_the_home_page(client: TestClient, make_user: MakeUser) -> None:
    make_user()
    response = _post_form(client, "/login", {"email": "li@example.com", "password": PASSWORD,
                                             "next": "https://evil.example/"})
    assert response.headers["location"] == "/"


def test_a_wrong_password_shows_the_form_again_with_the_error(client: TestClient, rt: Runtime,
                                                              make_user: MakeUser) -> None:
    make_user()
    response = _post_form(client, "/login", {"email": "li@example.com", "password": "Wrong-password-1"})
    assert response.status_code == 401
    assert "The email address or password is not correct" in response.text
    assert 'data-testid="login-form"' in response.text and 'value="li@example.com"' in response.text
    assert "mercato_session" not in response.headers.get("set-cookie", "")
    assert _count(rt, sessions) == 0


def test_login_without_the_csrf_token_is_refused(client: TestClient, rt: Runtime, make_user: MakeUser) -> None:
    make_user()
    client.get("/login")
    response = client.post("/login", data={"email": "li@example.com", "password": PASSWORD},
                           follow_redirects=False)
    assert response.status_code == 403
    assert _count(rt, sessions) == 0


def test_registering_logs_the_new_user_in(client: TestClient, rt: Runtime) -> None:
    response = _post_form(client, "/register", {"email": "Wang@Example.com", "password": PASSWORD,
                                                "display_name": "Wang Fang"})
    assert response.status_code == 303
    account = client.get("/account")
    assert account.status_code == 200 and "wang@example.com" in account.text
    assert _count(rt, users) == 1


def test_registering_a_taken_email_shows_the_form_with_409(client: TestClient, rt: Runtime,
                                                           make_user: MakeUser) -> None:
    make_user()
    response = _post_form(client, "/register", {"email": "LI@example.com", "password": PASSWORD,
                                                "display_name": "Li Two"})
    assert response.status_code == 409
    assert 'data-testid="register-form"' in response.text and "already exists" in response.text
    assert _count(rt, users) == 1


def test_logout_without_csrf_is_refused_and_the_session_survives(client: TestClient, make_user: MakeUser) -> None:
    make_user()
    page_login(client, "li@example.com")
    response = client.post("/logout", follow_redirects=False)
    assert response.status_code == 403
    assert client.get("/account", follow_redirects=False).status_code == 200


def test_logout_revokes_the_session_and_clears_the_cookie(client: TestClient, rt: Runtime,
                                                          make_user: MakeUser) -> None:
    make_user()
    page_login(client, "li@example.com")
    secret = client.cookies.get("mercato_session")
    response = _post_form(client, "/logout", {}, page="/account")
    assert response.status_code == 303
    assert 'mercato_session=""' in response.headers["set-cookie"]
    assert accounts.principal_for_session(rt, secret) is None


def test_anonymous_visitors_are_sent_to_login_with_the_way_back(client: TestClient) -> None:
    response = client.get("/account?tab=tokens", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account%3Ftab%3Dtokens"
    assert client.get("/ops", follow_redirects=False).headers["location"] == "/login?next=/ops"


def test_the_account_page_creates_shows_once_and_revokes_a_token(client: TestClient, rt: Runtime,
                                                                 make_user: MakeUser) -> None:
    make_user()
    page_login(client, "li@example.com")
    created = _post_form(client, "/account/tokens", {"name": "stock sync", "expires_days": "30"}, page="/account")
    assert created.status_code == 200
    assert 'data-testid="new-token-value">mct_' in created.text
    page = client.get("/account").text
    assert "stock sync" in page and "new-token-value" not in page
    with rt.uow(read_only=True) as uow:
        token_id = uow.conn.execute(sa.select(api_tokens.c.id)).scalar_one()
    revoked = _post_form(client, f"/account/tokens/{token_id}/revoke", {}, page="/account")
    assert revoked.status_code == 303
    assert "Revoked" in client.get("/account").text


def test_a_bad_token_expiry_re_renders_the_account_page_with_the_error(client: TestClient, rt: Runtime,
                                                                       make_user: MakeUser) -> None:
    make_user()
    page_login(client, "li@example.com")
    response = _post_form(client, "/account/tokens", {"name": "x", "expires_days": "999"}, page="/account")
    assert response.status_code == 400 and 'data-testid="token-form"' in response.text
    assert _count(rt, api_tokens) == 0


def test_saving_the_profile_switches_the_language(client: TestClient, rt: Runtime, make_user: MakeUser) -> None:
    user = make_user()
    page_login(client, "li@example.com")
    response = _post_form(client, "/account/profile", {"display_name": "Li Wei", "locale": "zh-CN"},
                          page="/account")
    assert response.status_code == 303
    assert client.cookies.get("mercato_lang") == "zh-CN"
    assert accounts.get_user(rt, user.id).locale == "zh-CN"
    bad = _post_form(client, "/account/profile", {"display_name": "", "locale": "en"}, page="/account")
    assert bad.status_code == 400 and accounts.get_user(rt, user.id).display_name == "Li Wei"


def test_the_operator_console_is_403_for_a_consumer(client: TestClient, make_user: MakeUser) -> None:
    make_user()
    page_login(client, "li@example.com")
    for path in ("/ops", "/ops/audit"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 403 and "text/html" in response.headers["content-type"]


def test_logging_in_rotates_the_csrf_token(client: TestClient, make_user: MakeUser) -> None:
    make_user()
    before = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"email": "li@example.com", "password": PASSWORD, "csrf_token": before},
                           follow_redirects=False)
    assert response.status_code == 303
    assert any(c.startswith("mercato_csrf=") for c in response.headers.get_list("set-cookie"))
    after = csrf_from(client.get("/account").text)
    assert after != before
    stale = client.post("/logout", data={"csrf_token": before}, follow_redirects=False)
    assert stale.status_code == 403
    assert "li@example.com" in client.get("/account").text

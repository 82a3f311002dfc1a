"""The composition root: errors as problem+json, the language switch, the CSRF cookie, the OpenAPI document."""

from fastapi.testclient import TestClient

from mercato.kernel.runtime import Runtime


def test_unknown_api_route_is_problem_json(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_unknown_page_renders_an_html_error(client: TestClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert 'data-code="http_404"' in response.text


def test_pages_set_a_signed_httponly_csrf_cookie_once(client: TestClient) -> None:
    first = client.get("/no-such-page")
    cookie = first.headers["set-cookie"]
    assert cookie.startswith("mercato_csrf=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    again = client.get("/no-such-page")
    assert "set-cookie" not in again.headers


def test_api_requests_get_no_csrf_cookie(client: TestClient) -> None:
    assert "set-cookie" not in client.get("/api/v1/health").headers


def test_language_switch_sets_a_cookie_and_returns_to_a_local_page(client: TestClient) -> None:
    response = client.get("/lang/zh-CN?next=/products", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/products"
    assert "mercato_lang=zh-CN" in response.headers["set-cookie"]


def test_language_switch_refuses_to_redirect_off_site(client: TestClient) -> None:
    response = client.get("/lang/en?next=//evil.example/x", follow_redirects=False)
    assert response.headers["location"] == "/"
    response = client.get("/lang/xx?next=/", follow_redirects=False)
    assert "set-cookie" not in response.headers


def test_openapi_document_is_served(client: TestClient, rt: Runtime) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "Mercato"
    assert "/api/v1/health" in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_a_value_the_database_cannot_store_is_bad_input_not_a_server_error(client: TestClient) -> None:
    from sqlalchemy.exc import DataError

    app = client.app

    @app.get("/api/v1/_test_unstorable")  # type: ignore[attr-defined, untyped-decorator]
    def unstorable() -> None:
        raise DataError("INSERT ...", {}, ValueError("text fields cannot contain NUL (0x00) bytes"))

    response = client.get("/api/v1/_test_unstorable")
    assert response.status_code == 400
    assert response.json()["code"] == "input_invalid"


def test_a_constraint_settling_a_race_is_a_conflict_not_a_server_error(client: TestClient) -> None:
    from sqlalchemy.exc import IntegrityError

    app = client.app

    @app.get("/api/v1/_test_race")  # type: ignore[attr-defined, untyped-decorator]
    def race() -> None:
        raise IntegrityError("INSERT ...", {}, ValueError("duplicate key value violates unique constraint"))

    response = client.get("/api/v1/_test_race")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"

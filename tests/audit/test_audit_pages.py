"""The operator console pages: the index, the audit log with its filter and pages, and who may see them."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from mercato.accounts import service as accounts
from mercato.audit import service as audit
from mercato.kernel.clock import FixedClock
from mercato.kernel.runtime import Runtime

PASSWORD = "Tiger1234"


def _log_in(client: TestClient, rt: Runtime, email: str, *, operator: bool) -> None:
    make = accounts.create_operator if operator else accounts.register
    make(rt, email, PASSWORD, "Someone")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert csrf
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf.group(1)},
                           follow_redirects=False)
    assert response.status_code == 303


def _record(rt: Runtime, clock: FixedClock, action: str, count: int) -> None:
    for n in range(count):
        clock.advance(timedelta(seconds=1))
        with rt.uow() as uow:
            audit.record(uow, None, action, action.split(".")[0], f"{action}-{n}", {"n": n}, clock.now())
            uow.commit()


def test_the_console_index_links_every_operator_tool(client: TestClient, rt: Runtime) -> None:
    _log_in(client, rt, "ops@example.com", operator=True)
    response = client.get("/ops")
    assert response.status_code == 200
    for section in ("applications", "stores", "brands", "categories", "commission", "words", "reviews", "audit"):
        assert f'href="/ops/{section}"' in response.text


def test_the_audit_page_filters_by_action_and_pages_to_older_entries(client: TestClient, rt: Runtime,
                                                                     clock: FixedClock) -> None:
    _log_in(client, rt, "ops@example.com", operator=True)
    _record(rt, clock, "store.approve", 55)
    _record(rt, clock, "brand.create", 2)
    filtered = client.get("/ops/audit", params={"action": "store."})
    assert filtered.status_code == 200
    assert filtered.text.count('data-testid="audit-row"') == 50
    assert 'data-action="brand.create"' not in filtered.text
    older = re.search(r'href="(/ops/audit\?cursor=[^"]+)" data-testid="audit-next"', filtered.text)
    assert older
    second = client.get(older.group(1).replace("&amp;", "&"))
    assert second.text.count('data-testid="audit-row"') == 5
    assert 'data-testid="audit-next"' not in second.text


def test_a_forged_cursor_shows_the_page_with_the_error(client: TestClient, rt: Runtime) -> None:
    _log_in(client, rt, "ops@example.com", operator=True)
    response = client.get("/ops/audit", params={"cursor": "garbage!"})
    assert response.status_code == 400 and 'data-testid="audit-filter"' in response.text


def test_a_consumer_gets_403_and_an_anonymous_visitor_the_login_page(client: TestClient, rt: Runtime) -> None:
    assert client.get("/ops/audit?action=store", follow_redirects=False).headers["location"] == (
        "/login?next=/ops/audit%3Faction%3Dstore")
    _log_in(client, rt, "li@example.com", operator=False)
    assert client.get("/ops", follow_redirects=False).status_code == 403
    assert client.get("/ops/audit", follow_redirects=False).status_code == 403

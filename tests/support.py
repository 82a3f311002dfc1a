"""Helpers every capability's tests share: people through the accounts use cases, page logins, CSRF, tokens."""

from __future__ import annotations

import re
from typing import Any

from mercato.accounts import service as accounts
from mercato.accounts.model import principal_of
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime

PASSWORD = "Tiger1234"


def person(rt: Runtime, email: str, *, operator: bool = False, name: str = "Someone") -> Principal:
    if operator:
        user = accounts.create_operator(rt, email, PASSWORD, name)
    else:
        user = accounts.register(rt, email, PASSWORD, name)
    return principal_of(user, "token", "test")


def log_in(client: Any, rt: Runtime, principal: Principal) -> None:
    """Make `client` a logged-in browser of `principal` (a real page session, switching users if needed)."""
    result = accounts.login(rt, principal.email, PASSWORD)
    client.cookies.set("mercato_session", result.session_secret)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def bearer(rt: Runtime, principal: Principal) -> dict[str, str]:
    plain, _ = accounts.create_api_token(rt, principal, "tests")
    return {"Authorization": f"Bearer {plain}"}

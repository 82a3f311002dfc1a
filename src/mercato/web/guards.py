"""Page guards any capability's web.py can use: anonymous visitors go to /login?next=..., non-operators get 403.

Build the router with `APIRouter(route_class=PageRoute)` and depend on `page_principal` or `page_operator`.
The route class turns `LoginRequired` into a redirect, which an exception handler cannot do for pages here
(the composition root renders every page error as the error page).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from mercato.kernel.errors import AccessDenied
from mercato.kernel.principal import Principal

NEXT_MAX = 512


def local_redirect_target(raw: str | None, default: str = "/") -> str:
    """`raw` when it is a path on this site, else `default`: never an open redirect to another host."""
    if not raw or len(raw) > NEXT_MAX or not raw.startswith("/") or raw.startswith(("//", "/\\")):
        return default
    if "\\" in raw or any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in raw):
        return default
    return raw


class LoginRequired(Exception):
    """Raised by a page dependency when nobody is logged in; `next_path` is where to come back to."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def login_url(next_path: str) -> str:
    target = local_redirect_target(next_path)
    return "/login" if target == "/" else f"/login?next={quote(target, safe='/')}"


class PageRoute(APIRoute):
    """A page route that answers LoginRequired with 303 to the login page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired as exc:
                return RedirectResponse(login_url(exc.next_path), status_code=303)

        return guarded


def _come_back_to(request: Request) -> str:
    """After logging in: the page itself for a GET, else the page the form was on (a POST cannot be replayed)."""
    if request.method == "GET":
        query = f"?{request.url.query}" if request.url.query else ""
        return request.url.path + query
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.url.netloc:
        return "/"
    return local_redirect_target(referer.path + (f"?{referer.query}" if referer.query else ""))


def page_principal(request: Request) -> Principal:
    """Dependency: the logged-in person, else a redirect to the login page (needs `PageRoute`)."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise LoginRequired(_come_back_to(request))
    return principal


def page_operator(request: Request) -> Principal:
    """Dependency: a logged-in operator; anyone else logged in gets the 403 page."""
    principal = page_principal(request)
    if not principal.is_operator:
        raise AccessDenied("Only platform operators may open this page")
    return principal

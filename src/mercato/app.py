"""The composition root: settings -> database -> runtime -> middleware, routers and pages."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mercato import __version__
from mercato.accounts import api as accounts_api
from mercato.accounts import service as accounts_service
from mercato.accounts import web as accounts_web
from mercato.aftersales import api as aftersales_api
from mercato.aftersales import web as aftersales_web
from mercato.audit import api as audit_api
from mercato.audit import jobs_api, jobs_web
from mercato.audit import web as audit_web
from mercato.catalog import api as catalog_api
from mercato.catalog import web as catalog_web
from mercato.credit import api as credit_api
from mercato.credit import web as credit_web
from mercato.inventory import api as inventory_api
from mercato.inventory import web as inventory_web
from mercato.kernel.clock import Clock, SystemClock
from mercato.kernel.db import make_engine
from mercato.kernel.http import install_api_error_handlers
from mercato.kernel.idgen import new_token
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.kernel.worker import WorkerThreads
from mercato.membership import api as membership_api
from mercato.membership import web as membership_web
from mercato.payments import api as payments_api
from mercato.payments import web as payments_web
from mercato.pricing import api as pricing_api
from mercato.pricing import web as pricing_web
from mercato.recommend import api as recommend_api
from mercato.recommend import service as recommend_service
from mercato.reviews import abuse_api as reviews_abuse_api
from mercato.reviews import abuse_web as reviews_abuse_web
from mercato.reviews import api as reviews_api
from mercato.reviews import web as reviews_web
from mercato.search import api as search_api
from mercato.search import api_shops as search_shops_api
from mercato.search import web_ops as search_ops_web
from mercato.settings import Settings, load_settings
from mercato.storefront import api as storefront_api
from mercato.storefront import feed_web as storefront_feed_web
from mercato.storefront import search_web as storefront_search_web
from mercato.storefront import shop_search_web
from mercato.storefront import web as storefront_web
from mercato.stores import api as stores_api
from mercato.stores import web as stores_web
from mercato.trade import api as trade_api
from mercato.trade import web as trade_web
from mercato.web.guards import local_redirect_target
from mercato.web.i18n import LOCALES, current_locale, pick_locale
from mercato.web.render import CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE, page_error, read_csrf_cookie, sign_csrf
from mercato.wiring import event_bus, job_handlers, segment_sources

STATIC_DIR = Path(__file__).resolve().parent / "web" / "static"

# Shopper routes first: routes are matched in order, and browsing is most of the traffic.
API_ROUTERS = (storefront_api, trade_api, payments_api, accounts_api, stores_api, catalog_api, inventory_api,
               audit_api, jobs_api, pricing_api, membership_api, recommend_api,
               search_shops_api, search_api, credit_api, aftersales_api, reviews_api, reviews_abuse_api)
PAGE_ROUTERS = (storefront_web, trade_web, payments_web, accounts_web, stores_web, catalog_web, inventory_web,
                audit_web, jobs_web, pricing_web, membership_web, storefront_feed_web, shop_search_web,
                storefront_search_web,
                search_ops_web, credit_web, aftersales_web, reviews_web, reviews_abuse_web)


def build_runtime(settings: Settings | None = None, clock: Clock | None = None) -> Runtime:
    settings = settings or load_settings()
    engine = make_engine(settings.resolved_database_url(), pool_size=settings.db_pool_size, echo=settings.sql_echo)
    return Runtime(settings=settings, engine=engine, uow=UnitOfWorkFactory(engine), clock=clock or SystemClock(),
                   events=event_bus(), segments=segment_sources())


class RequestContext:
    """Resolves who is acting (bearer token on /api, session cookie on pages), the language and the CSRF token."""

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        request = Request(scope)
        cookies = request.cookies
        is_api = scope["path"].startswith("/api/")
        state["principal"] = await self._principal(request, is_api)
        new_csrf = None
        if not is_api:
            token = read_csrf_cookie(request, cookies.get(CSRF_COOKIE))
            if token is None:
                token = new_csrf = new_token(24)
            state["csrf_token"] = token
        principal = state["principal"]
        locale = pick_locale(cookies.get(LANG_COOKIE), request.headers.get("accept-language"),
                             principal.locale if principal else None)
        reset = current_locale.set(locale)

        async def send_with_cookie(message: Message) -> None:
            if new_csrf is not None and message["type"] == "http.response.start":
                signed = sign_csrf(request, new_csrf)
                secure = "; Secure" if self.runtime.settings.secure_cookies else ""
                cookie = f"{CSRF_COOKIE}={signed}; Path=/; HttpOnly; SameSite=Lax{secure}"
                message.setdefault("headers", []).append((b"set-cookie", cookie.encode("latin-1")))
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            current_locale.reset(reset)

    async def _principal(self, request: Request, is_api: bool) -> Any:
        if is_api:
            auth = request.headers.get("authorization", "")
            scheme, _, token = auth.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return await run_in_threadpool(accounts_service.principal_for_token, self.runtime, token.strip())
            return None
        secret = request.cookies.get(SESSION_COOKIE)
        if secret:
            return await run_in_threadpool(accounts_service.principal_for_session, self.runtime, secret)
        return None


def _lifespan(rt: Runtime, embedded_worker: bool, warm: bool) -> Any:
    """Starts the job worker thread with the server and stops it (finishing the job in hand) on shutdown; a server
    also decodes the newest recommendation model in the background, so no shopper waits for it."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if warm:
            threading.Thread(target=_warm_quietly, args=(rt,), name="mercato-warm", daemon=True).start()
        threads = WorkerThreads(rt, job_handlers(), 1, label="embedded").start() if embedded_worker else None
        try:
            yield
        finally:
            if threads is not None:
                await run_in_threadpool(threads.stop)

    return lifespan


def _warm_quietly(rt: Runtime) -> None:
    try:
        recommend_service.warm_model(rt)
    except Exception:  # a cold cache is only slower: the first feed request decodes the model itself
        logging.getLogger(__name__).exception("warming the recommendation model failed")


def create_app(runtime: Runtime | None = None, *, embedded_worker: bool | None = None) -> FastAPI:
    """The application. A job worker thread runs inside it when `embedded_worker` says so; left None, that is
    when the app builds its own runtime (as `mercato serve` does) and `settings.embedded_worker` is on. An app
    given a runtime (tests, scripts) runs no worker unless asked: a test's rolled-back runtime is one connection
    that a worker thread must not share."""
    rt = runtime or build_runtime()
    if embedded_worker is None:
        embedded_worker = runtime is None and rt.settings.embedded_worker
    app = FastAPI(
        lifespan=_lifespan(rt, embedded_worker, warm=runtime is None),
        title="Mercato",
        version=__version__,
        description="One marketplace for brand flagship stores and independent stores. Errors are "
        "application/problem+json with a stable `code`.",
        docs_url="/docs",
        openapi_url="/api/v1/openapi.json",
    )
    app.state.runtime = rt
    install_api_error_handlers(app, page_error=page_error)

    @app.get("/api/v1/health", tags=["platform"])
    def health() -> dict[str, str]:
        """Liveness and which database engine this instance runs on."""
        return {"status": "ok", "database": rt.database}

    @app.get("/lang/{code}", include_in_schema=False)
    def switch_language(code: str, next: str = "/") -> RedirectResponse:
        response = RedirectResponse(local_redirect_target(next), status_code=303)
        if code in LOCALES:
            response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", httponly=True)
        return response

    for module in API_ROUTERS:
        app.include_router(module.router, prefix="/api/v1")
    for module in PAGE_ROUTERS:
        app.include_router(module.router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.add_middleware(RequestContext, runtime=rt)
    return app

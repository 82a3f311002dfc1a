"""HTTP plumbing shared by every router: problem+json errors, the runtime and the acting principal.

API routes authenticate with bearer tokens, pages with the session cookie; the composition root's middleware
resolves either into `request.state.principal` before a route runs.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from mercato.kernel.db import is_sqlite_busy
from mercato.kernel.errors import (
    AccessDenied,
    DatabaseBusy,
    DomainError,
    DuplicateEntity,
    InputInvalid,
    NotAuthenticated,
)
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime

PROBLEM = "application/problem+json"


def problem_response(error: DomainError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error.to_problem(), status_code=error.status, media_type=PROBLEM, headers=headers)


def _validation_problem(exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", "")), "type": str(err.get("type"))}
        for err in exc.errors()
    ]
    body = {
        "type": "https://mercato.dev/problems/request_malformed",
        "title": "The request is malformed",
        "status": 422,
        "code": "request_malformed",
        "detail": "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors)[:1000],
        "errors": errors,
    }
    return JSONResponse(body, status_code=422, media_type=PROBLEM)


def _http_problem(exc: StarletteHTTPException) -> JSONResponse:
    codes = {404: "not_found", 405: "method_not_allowed", 401: "not_authenticated", 403: "access_denied"}
    body = {
        "type": "about:blank",
        "title": str(exc.detail),
        "status": exc.status_code,
        "code": codes.get(exc.status_code, f"http_{exc.status_code}"),
        "detail": str(exc.detail),
    }
    return JSONResponse(body, status_code=exc.status_code, media_type=PROBLEM, headers=exc.headers)


def install_api_error_handlers(app: FastAPI, page_error: Any = None) -> None:
    """Render DomainError, validation and HTTP errors as problem+json for /api; pages get `page_error`."""

    def wants_page(request: Request) -> bool:
        return page_error is not None and not request.url.path.startswith("/api")

    async def on_domain(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, DomainError)
        if wants_page(request):
            return page_error(request, exc.status, exc.message, exc.code)
        return problem_response(exc)

    async def on_validation(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, RequestValidationError)
        if wants_page(request):
            return page_error(request, 422, "The form or address is malformed", "request_malformed")
        return _validation_problem(exc)

    async def on_http(request: Request, exc: Exception) -> Any:
        assert isinstance(exc, StarletteHTTPException)
        if wants_page(request):
            return page_error(request, exc.status_code, str(exc.detail), f"http_{exc.status_code}")
        return _http_problem(exc)

    async def on_unstorable(request: Request, exc: Exception) -> Any:
        # The last line of defence: a value the database cannot store (a NUL character in PostgreSQL text, a
        # number past the column's range) is bad input, not a server fault. The unit of work has rolled back.
        return await on_domain(request, InputInvalid("A value cannot be stored (control characters or out of range)"))

    async def on_conflict(request: Request, exc: Exception) -> Any:
        # Two requests raced past a use case's own uniqueness check and the database's constraint settled it.
        return await on_domain(request, DuplicateEntity("It was just created by another request; reload and retry"))

    async def on_operational(request: Request, exc: Exception) -> Any:
        # SQLite's write lock stayed taken past every retry: tell the client to come back rather than fail bare.
        assert isinstance(exc, OperationalError)
        if not is_sqlite_busy(exc):
            raise exc
        response = await on_domain(request, DatabaseBusy())
        response.headers["Retry-After"] = "1"
        return response

    app.add_exception_handler(DomainError, on_domain)
    app.add_exception_handler(OperationalError, on_operational)
    app.add_exception_handler(DataError, on_unstorable)
    app.add_exception_handler(IntegrityError, on_conflict)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)


def runtime(request: Request) -> Runtime:
    """FastAPI dependency: the application's runtime."""
    rt: Runtime = request.app.state.runtime
    return rt


def optional_principal(request: Request) -> Principal | None:
    """FastAPI dependency: who is acting, or None for an anonymous visitor."""
    return getattr(request.state, "principal", None)


def require_principal(request: Request) -> Principal:
    """FastAPI dependency: an authenticated person, else 401."""
    principal = optional_principal(request)
    if principal is None:
        raise NotAuthenticated()
    return principal


def require_operator(request: Request) -> Principal:
    """FastAPI dependency: an operator, else 401/403."""
    principal = require_principal(request)
    if not principal.is_operator:
        raise AccessDenied("Only platform operators may do this")
    return principal


def idempotency_key(request: Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not (1 <= len(key) <= 128):
        from mercato.kernel.errors import InputInvalid

        raise InputInvalid("Idempotency-Key must be 1-128 characters", field="Idempotency-Key")
    return key


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Refused by a business rule (problem+json with a stable `code`)"},
    401: {"description": "Not authenticated"},
    403: {"description": "Not allowed"},
    404: {"description": "Unknown id"},
    409: {"description": "Conflicting state or duplicate"},
}

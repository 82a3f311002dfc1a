"""The accounts pages: log in, register, log out, and the account page (profile, language, API tokens)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.accounts import service
from mercato.accounts.model import (
    DISPLAY_NAME_MAX,
    EMAIL_MAX,
    PASSWORD_MAX,
    SUPPORTED_LOCALES,
    TOKEN_NAME_MAX,
    TokenExpiryInvalid,
)
from mercato.accounts.sessions import LoginResult
from mercato.kernel.errors import DomainError
from mercato.kernel.http import runtime
from mercato.kernel.idgen import new_token
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.web import current_locale, gettext, render, verify_csrf
from mercato.web.guards import NEXT_MAX, PageRoute, local_redirect_target, page_principal
from mercato.web.render import CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE, sign_csrf

router = APIRouter(route_class=PageRoute)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(page_principal)]
Csrf = Annotated[str, Form(max_length=128)]
Next = Annotated[str, Form(max_length=NEXT_MAX)]


def _start_session(rt: Runtime, request: Request, result: LoginResult, target: str) -> RedirectResponse:
    response = RedirectResponse(local_redirect_target(target), status_code=303)
    response.set_cookie(SESSION_COOKIE, result.session_secret, max_age=rt.settings.session_days * 86400,
                        path="/", httponly=True, samesite="lax", secure=rt.settings.secure_cookies)
    # A new CSRF token with the new session: a token seen before login is worth nothing after it.
    response.set_cookie(CSRF_COOKIE, sign_csrf(request, new_token(24)), path="/", httponly=True, samesite="lax",
                        secure=rt.settings.secure_cookies)
    return response


# --- logging in and out -------------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    if getattr(request.state, "principal", None) is not None:
        return RedirectResponse(local_redirect_target(next), status_code=303)
    return render(request, "accounts/login.html", next=local_redirect_target(next), email="")


@router.post("/login", response_class=HTMLResponse)
def login_submit(request: Request, rt: Rt, csrf_token: Csrf = "",
                 email: Annotated[str, Form(max_length=EMAIL_MAX)] = "",
                 password: Annotated[str, Form(max_length=PASSWORD_MAX)] = "", next: Next = "/") -> Response:
    verify_csrf(request, csrf_token)
    try:
        result = service.login(rt, email, password)
    except DomainError as exc:
        return render(request, "accounts/login.html", status_code=exc.status, error=gettext(exc.message),
                      error_code=exc.code, next=local_redirect_target(next), email=email)
    return _start_session(rt, request, result, next)


@router.post("/logout")
def logout(request: Request, rt: Rt, csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is not None and principal.via == "session":
        service.logout(rt, principal.credential_id)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=rt.settings.secure_cookies)
    return response


# --- registering --------------------------------------------------------------------------------------------------


@router.get("/register", response_class=HTMLResponse)
def register_page(request: Request, next: str = "/") -> Response:
    return render(request, "accounts/register.html", next=local_redirect_target(next), email="", display_name="")


@router.post("/register", response_class=HTMLResponse)
def register_submit(request: Request, rt: Rt, csrf_token: Csrf = "",
                    email: Annotated[str, Form(max_length=EMAIL_MAX)] = "",
                    password: Annotated[str, Form(max_length=PASSWORD_MAX)] = "",
                    display_name: Annotated[str, Form(max_length=DISPLAY_NAME_MAX * 2)] = "",
                    next: Next = "/") -> Response:
    verify_csrf(request, csrf_token)
    try:
        result = service.register_and_login(rt, email, password, display_name, locale=current_locale.get())
    except DomainError as exc:
        return render(request, "accounts/register.html", status_code=exc.status, error=gettext(exc.message),
                      error_code=exc.code, next=local_redirect_target(next), email=email,
                      display_name=display_name)
    return _start_session(rt, request, result, next)


# --- the account page ---------------------------------------------------------------------------------------------


def _account(request: Request, rt: Runtime, principal: Principal, status_code: int = 200,
             **context: object) -> HTMLResponse:
    user = service.get_user(rt, principal.user_id)
    tokens = service.list_api_tokens(rt, principal)
    return render(request, "accounts/account.html", status_code=status_code, user=user, tokens=tokens,
                  now=rt.clock.now(), supported_locales=SUPPORTED_LOCALES, **context)


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, rt: Rt, principal: Me, saved: str = "") -> Response:
    # Literal gettext calls, so the message extractor finds them; `saved` only picks one, never shows its text.
    flash = {"profile": gettext("Your profile is saved"), "revoked": gettext("The token is revoked")}.get(saved)
    return _account(request, rt, principal, flash=flash)


@router.post("/account/profile", response_class=HTMLResponse)
def account_profile(request: Request, rt: Rt, principal: Me, csrf_token: Csrf = "",
                    display_name: Annotated[str, Form(max_length=DISPLAY_NAME_MAX * 2)] = "",
                    locale: Annotated[str, Form(max_length=8)] = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        user = service.update_profile(rt, principal, display_name, locale)
    except DomainError as exc:
        return _account(request, rt, principal, exc.status, error=gettext(exc.message), error_code=exc.code)
    response = RedirectResponse("/account?saved=profile", status_code=303)
    # The language cookie outranks the account's preference, so it follows the new choice at once.
    response.set_cookie(LANG_COOKIE, user.locale, max_age=365 * 86400, samesite="lax", httponly=True,
                        secure=rt.settings.secure_cookies)
    return response


def _expiry_days(raw: str) -> int | None:
    if not raw.strip():
        return None
    if not raw.strip().isdigit():
        raise TokenExpiryInvalid()
    return int(raw.strip())


@router.post("/account/tokens", response_class=HTMLResponse)
def account_token_create(request: Request, rt: Rt, principal: Me, csrf_token: Csrf = "",
                         name: Annotated[str, Form(max_length=TOKEN_NAME_MAX * 2)] = "",
                         expires_days: Annotated[str, Form(max_length=8)] = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        plain, token = service.create_api_token(rt, principal, name, _expiry_days(expires_days))
    except DomainError as exc:
        return _account(request, rt, principal, exc.status, error=gettext(exc.message), error_code=exc.code)
    return _account(request, rt, principal, new_token=plain, new_token_view=token)


@router.post("/account/tokens/{token_id}/revoke")
def account_token_revoke(request: Request, rt: Rt, principal: Me, token_id: str, csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    service.revoke_api_token(rt, principal, token_id[:64])
    return RedirectResponse("/account?saved=revoked", status_code=303)

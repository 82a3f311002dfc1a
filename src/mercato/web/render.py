"""Rendering pages: one Jinja2 environment over every capability's templates, with i18n and CSRF helpers."""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

from mercato.kernel.errors import AccessDenied
from mercato.kernel.money import Money
from mercato.web.i18n import LOCALES, current_locale, gettext, ngettext

PACKAGE_DIR = Path(__file__).resolve().parent.parent
CSRF_COOKIE = "mercato_csrf"
SESSION_COOKIE = "mercato_session"
LANG_COOKIE = "mercato_lang"
CAPABILITIES = ("web", "accounts", "stores", "catalog", "inventory", "storefront", "audit", "payments", "trade",
                "pricing", "membership", "search", "credit", "aftersales", "reviews")


def _loader() -> ChoiceLoader:
    dirs = [PACKAGE_DIR / name / "templates" for name in CAPABILITIES]
    return ChoiceLoader([FileSystemLoader(str(d)) for d in dirs if d.exists()])


def _money(minor: int | None, currency: str = "CNY") -> str:
    if minor is None:
        return ""
    return Money(int(minor), currency).format()


def localized(obj: Any, field: str) -> str:
    """obj.<field>_zh in Chinese (falling back to English), else obj.<field>_en; dicts work too."""
    def get(name: str) -> Any:
        return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)

    if current_locale.get() == "zh-CN":
        value = get(f"{field}_zh")
        if value:
            return str(value)
    return str(get(f"{field}_en") or get(f"{field}_zh") or "")


def _environment() -> Environment:
    env = Environment(loader=_loader(), autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"],
                      auto_reload=False, cache_size=400)
    env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["money"] = _money
    env.globals["loc"] = localized
    env.globals["LOCALES"] = LOCALES
    env.globals["current_locale"] = current_locale.get
    return env


templates = Jinja2Templates(env=_environment())


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.runtime.settings.resolved_secret_key(), salt="csrf")


def csrf_token(request: Request) -> str:
    """The visitor's CSRF token (set as a signed cookie by the composition root's middleware)."""
    token: str = request.state.csrf_token
    return token


def verify_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a state-changing page request whose form or X-CSRF-Token header lacks the visitor's token."""
    expected = getattr(request.state, "csrf_token", None)
    submitted = submitted or request.headers.get("X-CSRF-Token")
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise AccessDenied("The form has expired; reload the page and try again", reason="csrf")


def read_csrf_cookie(request: Request, raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        value = _serializer(request).loads(raw)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def sign_csrf(request: Request, token: str) -> str:
    return _serializer(request).dumps(token)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("principal", getattr(request.state, "principal", None))
    context["request"] = request
    context["csrf_token"] = getattr(request.state, "csrf_token", "")
    context["locale"] = current_locale.get()
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def page_error(request: Request, status: int, message: str, code: str) -> HTMLResponse:
    return render(request, "error.html", status_code=status, status=status, message=gettext(message), code=code)

"""The operator's stores pages: the application review queue, the store list with suspend and reinstate, brands."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.kernel.errors import DomainError
from mercato.kernel.http import runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import service
from mercato.stores.model import ApplicationStatus, StoreStatus
from mercato.web import render, verify_csrf
from mercato.web.forms import flash_of, refusal
from mercato.web.guards import PageRoute, page_operator

router = APIRouter(route_class=PageRoute)

Rt = Annotated[Runtime, Depends(runtime)]
Ops = Annotated[Principal, Depends(page_operator)]
Csrf = Annotated[str, Form(max_length=128)]
Short = Annotated[str, Form(max_length=1000)]
DONE = {"approved": "The store is open", "rejected": "The application is rejected",
        "suspended": "The store is suspended", "reinstated": "The store is reinstated",
        "brand_created": "The brand is created", "brand_updated": "The brand is saved"}
STATUSES = {s.value: s for s in ApplicationStatus}


def _flash(done: str) -> str | None:
    return flash_of(DONE, done)


def _failed(exc: DomainError) -> dict[str, Any]:
    return refusal(exc)


def _applications_page(request: Request, rt: Runtime, ops: Principal, status: str = "pending",
                       cursor: str | None = None, **context: Any) -> HTMLResponse:
    wanted = STATUSES.get(status, ApplicationStatus.PENDING)
    page = service.list_applications(rt, ops, wanted, cursor, 50)
    brands = service.list_brands(rt)
    return render(request, "stores/ops_applications.html", page=page, status=wanted.value,
                  statuses=list(STATUSES), brands={b.id: b for b in brands}, **context)


@router.get("/ops/applications", response_class=HTMLResponse)
def applications_page(request: Request, rt: Rt, ops: Ops, status: str = "pending", cursor: str | None = None,
                      done: str = "") -> Response:
    return _applications_page(request, rt, ops, status, cursor, flash=_flash(done))


@router.post("/ops/applications/{app_id}/approve", response_class=HTMLResponse)
def approve(request: Request, rt: Rt, ops: Ops, app_id: str, csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.approve_application(rt, ops, app_id)
    except DomainError as exc:
        return _applications_page(request, rt, ops, **_failed(exc))
    return RedirectResponse("/ops/applications?done=approved", status_code=303)


@router.post("/ops/applications/{app_id}/reject", response_class=HTMLResponse)
def reject(request: Request, rt: Rt, ops: Ops, app_id: str, csrf_token: Csrf = "", reason: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.reject_application(rt, ops, app_id, reason)
    except DomainError as exc:
        return _applications_page(request, rt, ops, **_failed(exc))
    return RedirectResponse("/ops/applications?done=rejected", status_code=303)


# --- stores -------------------------------------------------------------------------------------------------------


def _stores_page(request: Request, rt: Runtime, ops: Principal, status: str = "", cursor: str | None = None,
                 **context: Any) -> HTMLResponse:
    wanted = StoreStatus(status) if status in {s.value for s in StoreStatus} else None
    page = service.list_stores(rt, status=wanted, cursor=cursor, limit=50)
    return render(request, "stores/ops_stores.html", page=page, status=status if wanted else "",
                  statuses=[s.value for s in StoreStatus], **context)


@router.get("/ops/stores", response_class=HTMLResponse)
def stores_page(request: Request, rt: Rt, ops: Ops, status: str = "", cursor: str | None = None,
                done: str = "") -> Response:
    return _stores_page(request, rt, ops, status, cursor, flash=_flash(done))


@router.post("/ops/stores/{store_id}/suspend", response_class=HTMLResponse)
def suspend(request: Request, rt: Rt, ops: Ops, store_id: str, csrf_token: Csrf = "", reason: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.suspend_store(rt, ops, store_id, reason)
    except DomainError as exc:
        return _stores_page(request, rt, ops, **_failed(exc))
    return RedirectResponse("/ops/stores?done=suspended", status_code=303)


@router.post("/ops/stores/{store_id}/reinstate", response_class=HTMLResponse)
def reinstate(request: Request, rt: Rt, ops: Ops, store_id: str, csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.reinstate_store(rt, ops, store_id)
    except DomainError as exc:
        return _stores_page(request, rt, ops, **_failed(exc))
    return RedirectResponse("/ops/stores?done=reinstated", status_code=303)


# --- brands -------------------------------------------------------------------------------------------------------


def _brands_page(request: Request, rt: Runtime, q: str = "", **context: Any) -> HTMLResponse:
    context.setdefault("form", {})
    return render(request, "stores/ops_brands.html", brands=service.list_brands(rt, q[:80] or None), q=q[:80],
                  **context)


@router.get("/ops/brands", response_class=HTMLResponse)
def brands_page(request: Request, rt: Rt, ops: Ops, q: str = "", done: str = "") -> Response:
    return _brands_page(request, rt, q, flash=_flash(done))


@router.post("/ops/brands", response_class=HTMLResponse)
def brand_create(request: Request, rt: Rt, ops: Ops, csrf_token: Csrf = "", slug: Short = "", name_en: Short = "",
                 name_zh: Short = "", logo_url: Short = "", protected: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.create_brand(rt, ops, slug, name_en, name_zh, protected == "on", logo_url or None)
    except DomainError as exc:
        form = {"slug": slug, "name_en": name_en, "name_zh": name_zh, "logo_url": logo_url,
                "protected": protected == "on"}
        return _brands_page(request, rt, form=form, **_failed(exc))
    return RedirectResponse("/ops/brands?done=brand_created", status_code=303)


@router.post("/ops/brands/{brand_id}", response_class=HTMLResponse)
def brand_update(request: Request, rt: Rt, ops: Ops, brand_id: str, csrf_token: Csrf = "", name_en: Short = "",
                 name_zh: Short = "", logo_url: Short = "", protected: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.update_brand(rt, ops, brand_id, name_en=name_en, name_zh=name_zh, protected=protected == "on",
                             logo_url=logo_url)
    except DomainError as exc:
        return _brands_page(request, rt, **_failed(exc))
    return RedirectResponse("/ops/brands?done=brand_updated", status_code=303)

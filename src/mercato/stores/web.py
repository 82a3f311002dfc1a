"""The stores pages for applicants and merchants: apply for a store, the workbench home, a store's profile and
tags, its staff. The operator pages live in `_web_ops` and are included here."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.kernel.errors import DomainError, InputInvalid
from mercato.kernel.http import runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.stores import service
from mercato.stores._web_ops import router as ops_router
from mercato.stores.model import GRANTABLE_PERMISSIONS, ApplicationDraft, Permission
from mercato.web import render, verify_csrf
from mercato.web.forms import flash_of, refusal
from mercato.web.guards import PageRoute, page_principal

router = APIRouter(route_class=PageRoute)

Rt = Annotated[Runtime, Depends(runtime)]
Me = Annotated[Principal, Depends(page_principal)]
Csrf = Annotated[str, Form(max_length=128)]
Short = Annotated[str, Form(max_length=300)]
Long = Annotated[str, Form(max_length=4000)]
Permissions = Annotated[list[str], Form(max_length=10)]
DONE = {"applied": "Your application is submitted; we will review it soon", "profile": "The profile is saved",
        "tags": "The tags are saved", "staff_added": "The person is added to the staff",
        "staff_updated": "The permissions are saved", "staff_removed": "The person is removed from the staff"}
STAFF_PERMISSIONS = sorted(GRANTABLE_PERMISSIONS, key=lambda p: list(Permission).index(p))


def _flash(done: str) -> str | None:
    return flash_of(DONE, done)


def _failed(exc: DomainError) -> dict[str, Any]:
    return refusal(exc)


# --- applying -----------------------------------------------------------------------------------------------------


def _apply_page(request: Request, rt: Runtime, form: dict[str, str], **context: Any) -> HTMLResponse:
    return render(request, "stores/apply.html", brands=service.list_brands(rt), form=form, **context)


@router.get("/apply", response_class=HTMLResponse)
def apply_page(request: Request, rt: Rt, me: Me, kind: str = "independent") -> Response:
    return _apply_page(request, rt, {"kind": "flagship" if kind == "flagship" else "independent"})


def _parse_day(raw: str) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise InputInvalid("Give the date as YYYY-MM-DD", field="authorisation_until") from None


@router.post("/apply", response_class=HTMLResponse)
def apply_submit(request: Request, rt: Rt, me: Me, csrf_token: Csrf = "", kind: Short = "", slug: Short = "",
                 name_en: Short = "", name_zh: Short = "", description: Long = "", contact_phone: Short = "",
                 brand_id: Short = "", authorisation_ref: Short = "", authorisation_until: Short = "",
                 owner_legal_name: Short = "", owner_id_number: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    # The id number is never sent back into the page: the applicant retypes it after an error.
    form = {"kind": kind, "slug": slug, "name_en": name_en, "name_zh": name_zh, "description": description,
            "contact_phone": contact_phone, "brand_id": brand_id, "authorisation_ref": authorisation_ref,
            "authorisation_until": authorisation_until, "owner_legal_name": owner_legal_name}
    try:
        draft = ApplicationDraft(
            kind=kind, slug=slug, name_en=name_en, name_zh=name_zh, contact_phone=contact_phone,
            description=description, brand_id=brand_id or None, authorisation_ref=authorisation_ref,
            authorisation_until=_parse_day(authorisation_until), owner_legal_name=owner_legal_name,
            owner_id_number=owner_id_number)
        service.apply_for_store(rt, me, draft)
    except DomainError as exc:
        return _apply_page(request, rt, form, **_failed(exc))
    return RedirectResponse("/merchant?done=applied", status_code=303)


# --- the workbench ------------------------------------------------------------------------------------------------


@router.get("/merchant", response_class=HTMLResponse)
def merchant_home(request: Request, rt: Rt, me: Me, done: str = "") -> Response:
    return render(request, "stores/merchant_home.html", memberships=service.my_stores(rt, me),
                  applications=service.my_applications(rt, me), flash=_flash(done))


def _profile_page(request: Request, rt: Runtime, me: Principal, store_id: str, **context: Any) -> HTMLResponse:
    membership = service.membership(rt, me, store_id)
    return render(request, "stores/store_profile.html", membership=membership, store=membership.store,
                  can_edit=Permission.PROFILE in membership.permissions, **context)


@router.get("/merchant/stores/{store_id}", response_class=HTMLResponse)
def store_profile_page(request: Request, rt: Rt, me: Me, store_id: str, done: str = "") -> Response:
    return _profile_page(request, rt, me, store_id, flash=_flash(done))


@router.post("/merchant/stores/{store_id}", response_class=HTMLResponse)
def store_profile_submit(request: Request, rt: Rt, me: Me, store_id: str, csrf_token: Csrf = "",
                         name_en: Short = "", name_zh: Short = "", description_en: Long = "",
                         description_zh: Long = "", logo_url: Annotated[str, Form(max_length=1000)] = "") -> Response:
    verify_csrf(request, csrf_token)
    draft = service.ProfileDraft(name_en=name_en, name_zh=name_zh, description_en=description_en,
                                 description_zh=description_zh, logo_url=logo_url)
    try:
        service.update_store_profile(rt, me, store_id, draft)
    except DomainError as exc:
        return _profile_page(request, rt, me, store_id, draft=draft, **_failed(exc))
    return RedirectResponse(f"/merchant/stores/{store_id}?done=profile", status_code=303)


@router.post("/merchant/stores/{store_id}/tags", response_class=HTMLResponse)
def store_tags_submit(request: Request, rt: Rt, me: Me, store_id: str, csrf_token: Csrf = "",
                      tags: Annotated[str, Form(max_length=400)] = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.set_store_tags(rt, me, store_id, [t for t in tags.split(",") if t.strip()])
    except DomainError as exc:
        return _profile_page(request, rt, me, store_id, tags_text=tags, **_failed(exc))
    return RedirectResponse(f"/merchant/stores/{store_id}?done=tags", status_code=303)


# --- staff --------------------------------------------------------------------------------------------------------


def _staff_page(request: Request, rt: Runtime, me: Principal, store_id: str, **context: Any) -> HTMLResponse:
    membership = service.membership(rt, me, store_id)
    return render(request, "stores/staff.html", membership=membership, store=membership.store,
                  staff=service.list_staff(rt, me, store_id), all_permissions=STAFF_PERMISSIONS,
                  can_manage=Permission.STAFF in membership.permissions, **context)


@router.get("/merchant/stores/{store_id}/staff", response_class=HTMLResponse)
def staff_page(request: Request, rt: Rt, me: Me, store_id: str, done: str = "") -> Response:
    return _staff_page(request, rt, me, store_id, flash=_flash(done))


@router.post("/merchant/stores/{store_id}/staff", response_class=HTMLResponse)
def staff_add(request: Request, rt: Rt, me: Me, store_id: str, csrf_token: Csrf = "", email: Short = "",
              permissions: Permissions = []) -> Response:  # noqa: B006 (FastAPI copies form defaults)
    verify_csrf(request, csrf_token)
    try:
        service.add_staff(rt, me, store_id, email, permissions)
    except DomainError as exc:
        return _staff_page(request, rt, me, store_id, email=email, **_failed(exc))
    return RedirectResponse(f"/merchant/stores/{store_id}/staff?done=staff_added", status_code=303)


@router.post("/merchant/stores/{store_id}/staff/{user_id}", response_class=HTMLResponse)
def staff_update(request: Request, rt: Rt, me: Me, store_id: str, user_id: str, csrf_token: Csrf = "",
                 permissions: Permissions = []) -> Response:  # noqa: B006
    verify_csrf(request, csrf_token)
    try:
        service.update_staff_permissions(rt, me, store_id, user_id, permissions)
    except DomainError as exc:
        return _staff_page(request, rt, me, store_id, **_failed(exc))
    return RedirectResponse(f"/merchant/stores/{store_id}/staff?done=staff_updated", status_code=303)


@router.post("/merchant/stores/{store_id}/staff/{user_id}/remove", response_class=HTMLResponse)
def staff_remove(request: Request, rt: Rt, me: Me, store_id: str, user_id: str, csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.remove_staff(rt, me, store_id, user_id)
    except DomainError as exc:
        return _staff_page(request, rt, me, store_id, **_failed(exc))
    return RedirectResponse(f"/merchant/stores/{store_id}/staff?done=staff_removed", status_code=303)


router.include_router(ops_router)

"""The operator catalog pages: the category tree with attributes, the commission matrix, prohibited words and
the review queue. Every change is audited by the service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.catalog import service
from mercato.catalog.forms import format_attribute_line, parse_attribute_lines, parse_count
from mercato.catalog.taxonomy import STORE_KINDS, check_attribute_defs
from mercato.kernel.errors import DomainError
from mercato.kernel.http import runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.web import gettext, render, verify_csrf
from mercato.web.forms import refusal
from mercato.web.guards import PageRoute, page_operator

router = APIRouter(route_class=PageRoute)

Rt = Annotated[Runtime, Depends(runtime)]
Ops = Annotated[Principal, Depends(page_operator)]
Csrf = Annotated[str, Form(max_length=128)]
Short = Annotated[str, Form(max_length=1000)]
Long = Annotated[str, Form(max_length=20_000)]
DONE = {"created": "The category is created", "saved": "The changes are saved", "rate": "The rate is saved",
        "word": "The word list is saved", "approved": "The product is approved", "rejected": "The product is rejected"}


def _flash(done: str) -> str | None:
    return gettext(DONE[done]) if done in DONE else None


def _failed(exc: DomainError) -> dict[str, Any]:
    return refusal(exc)


# --- categories ---------------------------------------------------------------------------------------------------

def _categories(request: Request, rt: Runtime, **context: Any) -> HTMLResponse:
    tree = service.category_tree(rt)
    return render(request, "catalog/ops_categories.html", tree=tree, rows=tree.walk(),
                  parents=[c for c in tree.walk() if c.level < 3], form=context.pop("form", {}), **context)


@router.get("/ops/categories", response_class=HTMLResponse)
def categories_page(request: Request, rt: Rt, me: Ops, done: str = "") -> Response:
    return _categories(request, rt, flash=_flash(done))


@router.post("/ops/categories", response_class=HTMLResponse)
def category_create(request: Request, rt: Rt, me: Ops, csrf_token: Csrf = "", parent_id: Short = "",
                    slug: Short = "", name_en: Short = "", name_zh: Short = "", restricted: Short = "",
                    position: Short = "0") -> Response:
    verify_csrf(request, csrf_token)
    form = {"parent_id": parent_id, "slug": slug, "name_en": name_en, "name_zh": name_zh, "restricted": restricted,
            "position": position}
    try:
        service.create_category(rt, me, parent_id or None, slug.strip(), name_en.strip(), name_zh.strip(),
                                restricted == "1", parse_count(position, "position"))
    except DomainError as exc:
        return _categories(request, rt, form=form, **_failed(exc))
    return RedirectResponse("/ops/categories?done=created", status_code=303)


@router.post("/ops/categories/{category_id}/restricted", response_class=HTMLResponse)
def category_restrict(request: Request, rt: Rt, me: Ops, category_id: str, csrf_token: Csrf = "",
                      restricted: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.update_category(rt, me, category_id, restricted=restricted == "1")
    except DomainError as exc:
        return _categories(request, rt, **_failed(exc))
    return RedirectResponse("/ops/categories?done=saved", status_code=303)


def _category(request: Request, rt: Runtime, category_id: str, **context: Any) -> HTMLResponse:
    tree = service.category_tree(rt)
    category = tree.get(category_id)
    text = context.pop("text", None)
    if text is None:
        text = "\n".join(format_attribute_line(a) for a in category.attributes)
    return render(request, "catalog/ops_category.html", tree=tree, category=category, text=text,
                  inherited=tree.attributes_for(category_id), **context)


@router.get("/ops/categories/{category_id}", response_class=HTMLResponse)
def category_page(request: Request, rt: Rt, me: Ops, category_id: str, done: str = "") -> Response:
    return _category(request, rt, category_id, flash=_flash(done))


@router.post("/ops/categories/{category_id}", response_class=HTMLResponse)
def category_save(request: Request, rt: Rt, me: Ops, category_id: str, csrf_token: Csrf = "",
                  name_en: Short = "", name_zh: Short = "", attributes: Long = "", active: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        defs = parse_attribute_lines(attributes)
        check_attribute_defs(defs)  # before the first write, so a bad line leaves the names unsaved too
        service.update_category(rt, me, category_id, name_en=name_en.strip(), name_zh=name_zh.strip(),
                                active=active == "1")
        service.set_category_attributes(rt, me, category_id, defs)
    except DomainError as exc:
        return _category(request, rt, category_id, text=attributes, **_failed(exc))
    return RedirectResponse(f"/ops/categories/{category_id}?done=saved", status_code=303)


# --- commission -----------------------------------------------------------------------------------------------------

def _commission(request: Request, rt: Runtime, **context: Any) -> HTMLResponse:
    tree = service.category_tree(rt)
    rates = {(r.vertical_id, r.store_kind): r for r in service.commission_rates(rt)}
    return render(request, "catalog/ops_commission.html", verticals=tree.roots, kinds=STORE_KINDS, rates=rates,
                  **context)


@router.get("/ops/commission", response_class=HTMLResponse)
def commission_page(request: Request, rt: Rt, me: Ops, done: str = "") -> Response:
    return _commission(request, rt, flash=_flash(done))


@router.post("/ops/commission", response_class=HTMLResponse)
def commission_save(request: Request, rt: Rt, me: Ops, csrf_token: Csrf = "", vertical_id: Short = "",
                    store_kind: Short = "", rate_bp: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.set_commission_rate(rt, me, vertical_id, store_kind, parse_count(rate_bp, "rate_bp"))
    except DomainError as exc:
        return _commission(request, rt, **_failed(exc))
    return RedirectResponse("/ops/commission?done=rate", status_code=303)


# --- prohibited words -----------------------------------------------------------------------------------------------

def _words(request: Request, rt: Runtime, me: Principal, **context: Any) -> HTMLResponse:
    return render(request, "catalog/ops_words.html", words=service.prohibited_words(rt, me), **context)


@router.get("/ops/words", response_class=HTMLResponse)
def words_page(request: Request, rt: Rt, me: Ops, done: str = "") -> Response:
    return _words(request, rt, me, flash=_flash(done))


@router.post("/ops/words", response_class=HTMLResponse)
def word_add(request: Request, rt: Rt, me: Ops, csrf_token: Csrf = "", word: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.add_prohibited_word(rt, me, word)
    except DomainError as exc:
        return _words(request, rt, me, word=word, **_failed(exc))
    return RedirectResponse("/ops/words?done=word", status_code=303)


@router.post("/ops/words/{word_id}/remove", response_class=HTMLResponse)
def word_remove(request: Request, rt: Rt, me: Ops, word_id: str, csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    service.remove_prohibited_word(rt, me, word_id)
    return RedirectResponse("/ops/words?done=word", status_code=303)


# --- reviews --------------------------------------------------------------------------------------------------------

def _reviews(request: Request, rt: Runtime, me: Principal, cursor: str = "", **context: Any) -> HTMLResponse:
    page = service.review_queue(rt, me, cursor or None)
    return render(request, "catalog/ops_reviews.html", page=page, tree=service.category_tree(rt), **context)


@router.get("/ops/reviews", response_class=HTMLResponse)
def reviews_page(request: Request, rt: Rt, me: Ops, cursor: str = "", done: str = "") -> Response:
    return _reviews(request, rt, me, cursor, flash=_flash(done))


@router.post("/ops/reviews/{product_id}/{decision}", response_class=HTMLResponse)
def review_decide(request: Request, rt: Rt, me: Ops, product_id: str, decision: str, csrf_token: Csrf = "",
                  reason: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        if decision == "approve":
            service.approve_product(rt, me, product_id)
        elif decision == "reject":
            service.reject_product(rt, me, product_id, reason)
        else:
            return _reviews(request, rt, me, status_code=404, error=gettext("Not found"))
    except DomainError as exc:
        return _reviews(request, rt, me, **_failed(exc))
    return RedirectResponse(f"/ops/reviews?done={decision}d", status_code=303)

"""The operator's synonym page: list, add, edit and delete the words search treats as meaning the same."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.kernel.errors import DomainError
from mercato.kernel.http import runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.search import synonyms
from mercato.web import gettext, render, verify_csrf
from mercato.web.forms import N_
from mercato.web.guards import PageRoute, page_operator

router = APIRouter(route_class=PageRoute)

Rt = Annotated[Runtime, Depends(runtime)]
Ops = Annotated[Principal, Depends(page_operator)]
Csrf = Annotated[str, Form(max_length=128)]
Short = Annotated[str, Form(max_length=2000)]


DONE = {"added": N_("The synonyms are added"), "saved": N_("The synonyms are saved"),
        "deleted": N_("The synonyms are deleted")}
def _page(request: Request, rt: Runtime, ops: Principal, **context: Any) -> HTMLResponse:
    context.setdefault("form", {})
    return render(request, "search/ops_synonyms.html", entries=synonyms.list_synonyms(rt, ops), **context)


def _failed(exc: DomainError, **form: str) -> dict[str, Any]:
    return {"status_code": exc.status, "error": gettext(exc.message), "error_code": exc.code, "form": form}


@router.get("/ops/search/synonyms", response_class=HTMLResponse)
def synonyms_page(request: Request, rt: Rt, ops: Ops, done: str = "") -> Response:
    message = DONE.get(done)
    return _page(request, rt, ops, flash=gettext(message) if message else None)


@router.post("/ops/search/synonyms", response_class=HTMLResponse)
def synonym_add(request: Request, rt: Rt, ops: Ops, csrf_token: Csrf = "", word: Short = "",
                alternatives: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        synonyms.add_synonym(rt, ops, word, synonyms.parse_alternatives(alternatives))
    except DomainError as exc:
        return _page(request, rt, ops, **_failed(exc, word=word, alternatives=alternatives))
    return RedirectResponse("/ops/search/synonyms?done=added", status_code=303)


@router.post("/ops/search/synonyms/{entry_id}", response_class=HTMLResponse)
def synonym_edit(request: Request, rt: Rt, ops: Ops, entry_id: str, csrf_token: Csrf = "", word: Short = "",
                 alternatives: Short = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        synonyms.update_synonym(rt, ops, entry_id, word, synonyms.parse_alternatives(alternatives))
    except DomainError as exc:
        return _page(request, rt, ops, **_failed(exc))
    return RedirectResponse("/ops/search/synonyms?done=saved", status_code=303)


@router.post("/ops/search/synonyms/{entry_id}/delete", response_class=HTMLResponse)
def synonym_delete(request: Request, rt: Rt, ops: Ops, entry_id: str, csrf_token: Csrf = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        synonyms.delete_synonym(rt, ops, entry_id)
    except DomainError as exc:
        return _page(request, rt, ops, **_failed(exc))
    return RedirectResponse("/ops/search/synonyms?done=deleted", status_code=303)

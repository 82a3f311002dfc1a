"""The operator console's pages: the index of operator tools, and the audit log with filter and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from mercato.audit import service
from mercato.kernel.errors import DomainError
from mercato.kernel.http import runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.web import gettext, render
from mercato.web.guards import PageRoute, page_operator

router = APIRouter(route_class=PageRoute)

Operator = Annotated[Principal, Depends(page_operator)]


@router.get("/ops", response_class=HTMLResponse)
def ops_index(request: Request, principal: Operator) -> Response:
    return render(request, "audit/ops_index.html", ops_section="index")


@router.get("/ops/audit", response_class=HTMLResponse)
def audit_page(request: Request, principal: Operator, rt: Annotated[Runtime, Depends(runtime)],
               action: str = "", cursor: str = "") -> Response:
    action, cursor = action[:64], cursor[:512]
    try:
        page = service.list_entries(rt, principal, action_prefix=action or None, cursor=cursor or None)
    except DomainError as exc:
        return render(request, "audit/list.html", status_code=exc.status, ops_section="audit", entries=[],
                      next_cursor=None, action=action, error=gettext(exc.message), error_code=exc.code)
    return render(request, "audit/list.html", ops_section="audit", entries=page.items,
                  next_cursor=page.next_cursor, action=action, first_page=not cursor)

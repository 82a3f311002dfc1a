"""The operator's job-queue pages: counts per kind and status, the running, dead and queued jobs, retry a dead one.

The panel refreshes itself through htmx (`/ops/jobs/panel`); without JavaScript the page is the same, reloaded.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from mercato.audit import jobs_service as service
from mercato.kernel.errors import DomainError
from mercato.kernel.http import runtime
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime
from mercato.web import gettext, render, verify_csrf
from mercato.web.guards import PageRoute, page_operator

router = APIRouter(route_class=PageRoute)

Operator = Annotated[Principal, Depends(page_operator)]
Rt = Annotated[Runtime, Depends(runtime)]
JobId = Annotated[str, Path(min_length=1, max_length=26)]
SECTIONS = ("running", "dead", "queued")  # the overview: what is in hand, what needs a person, what is waiting
SECTION_SIZE = 20
REFRESH_SECONDS = 5


@router.get("/ops/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, principal: Operator, rt: Rt, status: str = "", cursor: str = "",
              done: str = "") -> Response:
    flash = gettext("The job is queued again") if done == "retried" else None
    return _render(request, rt, principal, "ops_jobs.html", status[:16], cursor[:512], flash=flash)


@router.get("/ops/jobs/panel", response_class=HTMLResponse)
def jobs_panel(request: Request, principal: Operator, rt: Rt, status: str = "", cursor: str = "") -> Response:
    return _render(request, rt, principal, "ops_jobs_panel.html", status[:16], cursor[:512])


@router.post("/ops/jobs/{job_id}/retry", response_class=HTMLResponse)
def retry_job(request: Request, principal: Operator, rt: Rt, job_id: JobId,
              csrf_token: Annotated[str, Form(max_length=128)] = "",
              back: Annotated[str, Form(max_length=16)] = "") -> Response:
    verify_csrf(request, csrf_token)
    try:
        service.retry_job(rt, principal, job_id)
    except DomainError as exc:
        return _render(request, rt, principal, "ops_jobs.html", back, "", status_code=exc.status,
                       error=gettext(exc.message), error_code=exc.code)
    query = f"status={back}&done=retried" if back in ("dead", "queued", "running", "done") else "done=retried"
    return RedirectResponse(f"/ops/jobs?{query}", status_code=303)


def _render(request: Request, rt: Runtime, principal: Principal, template: str, status: str, cursor: str,
            status_code: int = 200, **context: Any) -> HTMLResponse:
    try:
        lists = _lists(rt, principal, status, cursor)
    except DomainError as exc:  # a bad status or cursor in the address: show the overview with the reason
        status, cursor = "", ""
        lists = _lists(rt, principal, "", "")
        status_code = exc.status
        context.setdefault("error", gettext(exc.message))
        context.setdefault("error_code", exc.code)
    return render(request, template, status_code=status_code, ops_section="jobs",
                  counts=service.queue_counts(rt, principal), status=status, cursor=cursor, first_page=not cursor,
                  refresh_seconds=REFRESH_SECONDS, **lists, **context)


def _lists(rt: Runtime, principal: Principal, status: str, cursor: str) -> dict[str, Any]:
    """One status, paged; or the overview: a section per status in SECTIONS, each its first jobs."""
    if status or cursor:
        page = service.list_jobs(rt, principal, status=status or None, cursor=cursor or None)
        return {"sections": [(status, page.items)], "next_cursor": page.next_cursor}
    sections = [(s, service.list_jobs(rt, principal, status=s, limit=SECTION_SIZE)) for s in SECTIONS]
    return {"sections": [(s, page.items) for s, page in sections], "next_cursor": None,
            "more": {s for s, page in sections if page.next_cursor}}

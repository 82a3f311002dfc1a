"""The job-queue HTTP API under /api/v1/ops/jobs: operators read the queue and retry dead jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel

from mercato.audit import jobs_service as service
from mercato.kernel.http import ERROR_RESPONSES, require_operator, runtime
from mercato.kernel.jobs import JobView
from mercato.kernel.pagination import MAX_PAGE_SIZE
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime

router = APIRouter(prefix="/ops/jobs", tags=["jobs"], responses=ERROR_RESPONSES)

Operator = Annotated[Principal, Depends(require_operator)]
Rt = Annotated[Runtime, Depends(runtime)]


class JobRead(BaseModel):
    id: str
    kind: str
    key: str | None
    payload: dict[str, Any]
    status: str
    run_at: datetime
    attempts: int
    max_attempts: int
    locked_by: str | None
    locked_until: datetime | None
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: JobView) -> JobRead:
        return cls(id=job.id, kind=job.kind, key=job.key, payload=job.payload, status=job.status, run_at=job.run_at,
                   attempts=job.attempts, max_attempts=job.max_attempts, locked_by=job.locked_by,
                   locked_until=job.locked_until, last_error=job.last_error, created_at=job.created_at,
                   finished_at=job.finished_at)


class KindCountsRead(BaseModel):
    kind: str
    by_status: dict[str, int]


class JobCountsRead(BaseModel):
    totals: dict[str, int]
    kinds: list[KindCountsRead]


class JobPage(BaseModel):
    counts: JobCountsRead
    items: list[JobRead]
    next_cursor: str | None


@router.get("", response_model=JobPage)
def list_jobs(
    principal: Operator,
    rt: Rt,
    status: Annotated[str | None, Query(max_length=16, description="queued | running | done | dead")] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = service.DEFAULT_PAGE,
) -> JobPage:
    """Counts per status and kind, and one page of jobs: queued and running soonest first, done and dead newest
    first (page with `next_cursor`)."""
    page = service.list_jobs(rt, principal, status=status, cursor=cursor, limit=limit)
    counts = service.queue_counts(rt, principal)
    return JobPage(
        counts=JobCountsRead(totals=dict(counts.totals),
                             kinds=[KindCountsRead(kind=k.kind, by_status=dict(k.by_status)) for k in counts.kinds]),
        items=[JobRead.of(job) for job in page.items], next_cursor=page.next_cursor)


@router.post("/{job_id}/retry", response_model=JobRead)
def retry_job(principal: Operator, rt: Rt, job_id: Annotated[str, Path(min_length=1, max_length=26)]) -> JobRead:
    """Queue a dead job again, due now, with a fresh set of attempts (recorded in the audit log).
    A job that is not dead is refused with 409 `job_not_dead`."""
    return JobRead.of(service.retry_job(rt, principal, job_id))

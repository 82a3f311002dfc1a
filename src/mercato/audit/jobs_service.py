"""The operator's job-queue use cases: read the queue (counts and lists) and retry a dead job, audited.

They live in `audit` because a retry is a privileged action recorded in the audit log, and `web` (below audit)
cannot record one; the queue itself belongs to `kernel.jobs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mercato.audit.service import record
from mercato.kernel import jobs
from mercato.kernel.errors import AccessDenied
from mercato.kernel.jobs import JobView
from mercato.kernel.pagination import Page, clamp_limit, decode_time_cursor, encode_time_cursor
from mercato.kernel.principal import Principal
from mercato.kernel.runtime import Runtime

DEFAULT_PAGE = 50


@dataclass(frozen=True, slots=True)
class KindCounts:
    """How many jobs of one kind are in each status."""

    kind: str
    by_status: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@dataclass(frozen=True, slots=True)
class QueueCounts:
    kinds: list[KindCounts]
    totals: Mapping[str, int]  # per status, every status present


def queue_counts(rt: Runtime, principal: Principal) -> QueueCounts:
    """Jobs per kind and status, kinds in name order."""
    _require_operator(principal)
    with rt.uow(read_only=True) as uow:
        counted = jobs.counts(uow)
    return _group(counted)


def list_jobs(rt: Runtime, principal: Principal, status: str | None = None, cursor: str | None = None,
              limit: int | None = DEFAULT_PAGE) -> Page[JobView]:
    """One page of jobs of `status` (None: all): queued and running soonest first, done and dead newest first."""
    _require_operator(principal)
    status = jobs.check_status(status)
    size = clamp_limit(limit, DEFAULT_PAGE)
    after = decode_time_cursor(cursor) if cursor else None
    with rt.uow(read_only=True) as uow:
        rows = jobs.list_jobs(uow, status, after=after, limit=size + 1)
    items = rows[:size]
    return Page(items, encode_time_cursor(items[-1].run_at, items[-1].id) if len(rows) > size else None)


def retry_job(rt: Runtime, principal: Principal, job_id: str) -> JobView:
    """Queue a dead job again with fresh attempts (404 unknown, 409 not dead); returns the job as it is now."""
    _require_operator(principal)
    now = rt.clock.now()
    with rt.uow() as uow:
        before = jobs.retry_dead(uow, job_id, now)
        record(uow, principal, "job.retry", "job", job_id,
               {"kind": before.kind, "attempts": before.attempts, "last_error": (before.last_error or "")[:500]},
               now)
        after = jobs.get_job(uow, job_id)
        uow.commit()
    assert after is not None
    return after


def _group(counted: Mapping[tuple[str, str], int]) -> QueueCounts:
    kinds = sorted({kind for _status, kind in counted})
    rows = [KindCounts(kind, {s: counted.get((s, kind), 0) for s in jobs.STATUSES}) for kind in kinds]
    totals = {s: sum(n for (status, _kind), n in counted.items() if status == s) for s in jobs.STATUSES}
    return QueueCounts(rows, totals)


def _require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise AccessDenied("Only platform operators may see the job queue")



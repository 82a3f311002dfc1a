"""The durable job queue: a table in the same database (transactional outbox), no broker.

A use case enqueues a job inside its own unit of work, so the job exists exactly when the business change commits.
Workers claim due jobs (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite the claim is one IMMEDIATE write
transaction, so claims are serialised by the single writer), run them, and mark them done; a failure is retried
with exponential backoff and the job is dead after `max_attempts`. A claim that outlives its lease (a crashed
worker) is claimed again. A job keyed by its business source (`key`) is enqueued at most once.

The operator's reads (counts, lists) and repairs (retry a dead job, purge old done ones) live here too, so the
table has one owner; `kernel.worker` runs the claim loop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from mercato.kernel.db import id_column, metadata, timestamp
from mercato.kernel.errors import EntityNotFound, InputInvalid, StateConflict
from mercato.kernel.idgen import new_id
from mercato.kernel.uow import UnitOfWork

jobs = sa.Table(
    "jobs", metadata,
    id_column(),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("key", sa.String(200), nullable=True, unique=True),  # the business source, for at-most-once enqueue
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # queued | running | done | dead
    timestamp("run_at"),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("max_attempts", sa.Integer, nullable=False),
    sa.Column("locked_by", sa.String(64), nullable=True),
    timestamp("locked_until", nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    timestamp("created_at"),
    timestamp("finished_at", nullable=True),
    sa.Index("ix_jobs_due", "status", "run_at"),
)

DEFAULT_MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_CAP = timedelta(hours=1)

STATUSES = ("queued", "running", "done", "dead")
ACTIVE = ("queued", "running")  # listed soonest first; done and dead ones newest first

Handler = Callable[[Any, Mapping[str, Any]], None]


class JobNotFound(EntityNotFound):
    code = "job_not_found"
    title = "No such job"


class JobNotDead(StateConflict):
    code = "job_not_dead"
    title = "Only a dead job can be retried"


class JobStatusInvalid(InputInvalid):
    code = "job_status_invalid"
    title = "A job status is one of queued, running, done or dead"


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int


@dataclass(frozen=True, slots=True)
class JobView:
    """A job as the operator sees it."""

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


def enqueue(uow: UnitOfWork, kind: str, payload: Mapping[str, Any], *, now: datetime,
            run_at: datetime | None = None, key: str | None = None,
            max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> None:
    """Add a job inside the caller's unit of work; a second job with the same `key` is ignored."""
    values = {"id": new_id(), "kind": kind, "key": key, "payload": dict(payload), "status": "queued",
              "run_at": run_at or now, "attempts": 0, "max_attempts": max_attempts, "created_at": now}
    insert = pg_insert if uow.conn.dialect.name == "postgresql" else sqlite_insert
    uow.conn.execute(insert(jobs).values(**values).on_conflict_do_nothing(index_elements=["key"]))


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s, ... doubling per failed attempt, at most an hour."""
    delay: timedelta = BACKOFF_BASE * (2 ** min(max(attempts - 1, 0), 20))
    return delay if delay < BACKOFF_CAP else BACKOFF_CAP


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(sa.and_(jobs.c.status == "queued", jobs.c.run_at <= now),
                  sa.and_(jobs.c.status == "running", jobs.c.locked_until < now))


def due_exists(uow: UnitOfWork, now: datetime) -> bool:
    """Whether any job is due: a read, so an idle worker need not take SQLite's write lock to find out."""
    return uow.conn.execute(sa.select(jobs.c.id).where(_due(now)).limit(1)).first() is not None


def claim(uow: UnitOfWork, worker: str, now: datetime, limit: int = 10) -> list[Job]:
    """Lease up to `limit` due jobs to `worker`; commit the unit of work to make the lease visible."""
    pick = sa.select(jobs.c.id).where(_due(now)).order_by(jobs.c.run_at, jobs.c.id).limit(limit)
    if uow.conn.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    ids = list(uow.conn.execute(pick).scalars())
    if not ids:
        return []
    uow.conn.execute(jobs.update().where(jobs.c.id.in_(ids)).values(
        status="running", locked_by=worker, locked_until=now + LEASE, attempts=jobs.c.attempts + 1))
    rows = uow.conn.execute(sa.select(jobs.c.id, jobs.c.kind, jobs.c.payload, jobs.c.attempts,
                                      jobs.c.max_attempts).where(jobs.c.id.in_(ids)).order_by(jobs.c.run_at, jobs.c.id))
    return [Job(r.id, r.kind, dict(r.payload), r.attempts, r.max_attempts) for r in rows]


def complete(uow: UnitOfWork, job: Job, worker: str, now: datetime) -> bool:
    """Mark done; False when the lease was lost to another worker (the other run's result stands)."""
    result = uow.conn.execute(jobs.update().where(jobs.c.id == job.id, jobs.c.locked_by == worker,
                                                  jobs.c.status == "running")
                              .values(status="done", finished_at=now, locked_by=None, locked_until=None))
    return result.rowcount == 1


def fail(uow: UnitOfWork, job: Job, worker: str, error: str, now: datetime) -> None:
    """Schedule a retry after the backoff, or bury the job once it has used every attempt."""
    dead = job.attempts >= job.max_attempts
    values: dict[str, Any] = {"last_error": error[:4000], "locked_by": None, "locked_until": None}
    values.update({"status": "dead", "finished_at": now} if dead else
                  {"status": "queued", "run_at": now + backoff(job.attempts)})
    uow.conn.execute(jobs.update().where(jobs.c.id == job.id, jobs.c.locked_by == worker).values(**values))


def release(uow: UnitOfWork, job: Job, worker: str) -> None:
    """Give back a job this worker claimed but did not start (it is stopping), uncounted, for another worker."""
    uow.conn.execute(jobs.update().where(jobs.c.id == job.id, jobs.c.locked_by == worker, jobs.c.status == "running")
                     .values(status="queued", locked_by=None, locked_until=None, attempts=jobs.c.attempts - 1))


def run_due(runtime: Any, handlers: Mapping[str, Handler], worker: str, limit: int = 10) -> int:
    """Claim due jobs and run each; returns how many ran (successfully or not).

    Delivery is at least once (a worker may die between a handler's commit and `complete`), so handlers are
    idempotent on their business source.
    """
    with runtime.uow() as uow:
        claimed = claim(uow, worker, runtime.clock.now(), limit)
        uow.commit()
    for job in claimed:
        run_job(runtime, handlers, worker, job)
    return len(claimed)


def run_job(runtime: Any, handlers: Mapping[str, Handler], worker: str, job: Job) -> None:
    """Run one claimed job and record the outcome (done, or failed and retried or buried)."""
    handler = handlers.get(job.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
        handler(runtime, job.payload)
    except Exception as exc:  # a job's failure must not stop the worker; it is recorded and retried
        with runtime.uow() as uow:
            fail(uow, job, worker, f"{type(exc).__name__}: {exc}", runtime.clock.now())
            uow.commit()
        return
    with runtime.uow() as uow:
        complete(uow, job, worker, runtime.clock.now())
        uow.commit()


# --- the operator's view and repairs --------------------------------------------------------------------------------

def check_status(status: str | None) -> str | None:
    """`status` when it is a job status, None for blank (every status)."""
    if status is None or not status.strip():
        return None
    if status not in STATUSES:
        raise JobStatusInvalid(field="status")
    return status


def counts(uow: UnitOfWork) -> dict[tuple[str, str], int]:
    """How many jobs there are of each (status, kind)."""
    query = sa.select(jobs.c.status, jobs.c.kind, sa.func.count()).group_by(jobs.c.status, jobs.c.kind)
    return {(status, kind): int(n) for status, kind, n in uow.conn.execute(query)}


def list_jobs(uow: UnitOfWork, status: str | None, *, after: tuple[datetime, str] | None = None,
              limit: int = 50) -> list[JobView]:
    """Jobs of `status` (None: all) by run_at: queued and running soonest first, the others newest first.

    `after` is the (run_at, id) of the last job of the previous page.
    """
    soonest_first = status in ACTIVE
    query = sa.select(jobs)
    if status is not None:
        query = query.where(jobs.c.status == status)
    if after is not None:
        at, job_id = after
        if soonest_first:
            query = query.where(sa.or_(jobs.c.run_at > at, sa.and_(jobs.c.run_at == at, jobs.c.id > job_id)))
        else:
            query = query.where(sa.or_(jobs.c.run_at < at, sa.and_(jobs.c.run_at == at, jobs.c.id < job_id)))
    order = (jobs.c.run_at, jobs.c.id) if soonest_first else (jobs.c.run_at.desc(), jobs.c.id.desc())
    return [_view(row) for row in uow.conn.execute(query.order_by(*order).limit(limit))]


def get_job(uow: UnitOfWork, job_id: str) -> JobView | None:
    row = uow.conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).first()
    return _view(row) if row is not None else None


def retry_dead(uow: UnitOfWork, job_id: str, now: datetime) -> JobView:
    """Queue a dead job again, due now, with a fresh set of attempts; returns the job as it was (dead).

    The last error stays on the job until the next attempt replaces it, so the operator sees why it died.
    """
    before = get_job(uow, job_id)
    if before is None:
        raise JobNotFound(field="job_id")
    revived = uow.conn.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.status == "dead").values(
        status="queued", run_at=now, attempts=0, finished_at=None, locked_by=None, locked_until=None))
    if revived.rowcount != 1:
        raise JobNotDead(status=before.status)
    return before


def purge_done(uow: UnitOfWork, finished_before: datetime) -> int:
    """Delete done jobs finished before the given instant; returns how many.

    A purged job's `key` is free again, so keep done jobs for longer than any business source could be
    enqueued twice (handlers are idempotent in any case).
    """
    result = uow.conn.execute(jobs.delete().where(jobs.c.status == "done", jobs.c.finished_at < finished_before))
    return int(result.rowcount)


def _view(row: Any) -> JobView:
    return JobView(id=row.id, kind=row.kind, key=row.key, payload=dict(row.payload), status=row.status,
                   run_at=row.run_at, attempts=row.attempts, max_attempts=row.max_attempts, locked_by=row.locked_by,
                   locked_until=row.locked_until, last_error=row.last_error, created_at=row.created_at,
                   finished_at=row.finished_at)

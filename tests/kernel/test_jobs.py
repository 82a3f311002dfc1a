"""The durable job queue on both engines: enqueued with the business change, run once, retried, buried."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from mercato.kernel.clock import FixedClock
from mercato.kernel.jobs import LEASE, backoff, claim, enqueue, jobs, run_due
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWorkFactory
from mercato.settings import Settings


def _rows(rt: Runtime) -> list[Any]:
    with rt.uow(read_only=True) as uow:
        return list(uow.conn.execute(sa.select(jobs).order_by(jobs.c.created_at, jobs.c.id)))


def _enqueue(rt: Runtime, kind: str = "greet", payload: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
    with rt.uow() as uow:
        enqueue(uow, kind, payload or {"n": 1}, now=rt.clock.now(), **kwargs)
        uow.commit()


def test_a_job_exists_only_when_its_business_change_commits(rt: Runtime) -> None:
    with rt.uow() as uow:
        enqueue(uow, "greet", {"n": 1}, now=rt.clock.now())
    assert _rows(rt) == []
    _enqueue(rt)
    assert [(r.kind, r.status, r.payload) for r in _rows(rt)] == [("greet", "queued", {"n": 1})]


def test_a_job_keyed_by_its_business_source_is_enqueued_once(rt: Runtime) -> None:
    _enqueue(rt, key="order:42:close")
    _enqueue(rt, key="order:42:close", payload={"n": 2})
    assert [r.payload for r in _rows(rt)] == [{"n": 1}]


def test_due_jobs_run_once_and_scheduled_ones_wait_for_their_time(rt: Runtime, clock: FixedClock) -> None:
    seen: list[int] = []
    handlers = {"greet": lambda _rt, payload: seen.append(payload["n"])}
    _enqueue(rt, payload={"n": 1})
    _enqueue(rt, payload={"n": 2}, run_at=clock.now() + timedelta(minutes=15))
    assert run_due(rt, handlers, "w1") == 1
    assert run_due(rt, handlers, "w1") == 0
    clock.advance(timedelta(minutes=15))
    assert run_due(rt, handlers, "w1") == 1
    assert seen == [1, 2]
    assert [r.status for r in _rows(rt)] == ["done", "done"]


def test_a_failing_job_is_retried_with_backoff_then_buried(rt: Runtime, clock: FixedClock) -> None:
    def broken(_rt: Runtime, _payload: Mapping[str, Any]) -> None:
        raise RuntimeError("gateway down")

    _enqueue(rt, kind="broken", max_attempts=3)
    assert run_due(rt, {"broken": broken}, "w1") == 1
    row = _rows(rt)[0]
    assert (row.status, row.attempts, row.run_at) == ("queued", 1, clock.now() + backoff(1))
    assert row.last_error == "RuntimeError: gateway down"
    assert run_due(rt, {"broken": broken}, "w1") == 0  # not before its backoff
    for attempt in (2, 3):
        clock.advance(backoff(attempt - 1))
        assert run_due(rt, {"broken": broken}, "w1") == 1
    row = _rows(rt)[0]
    assert (row.status, row.attempts, row.finished_at) == ("dead", 3, clock.now())


def test_a_job_of_an_unknown_kind_fails_instead_of_stopping_the_worker(rt: Runtime) -> None:
    _enqueue(rt, kind="nobody-handles-this")
    assert run_due(rt, {}, "w1") == 1
    assert _rows(rt)[0].last_error == "LookupError: no handler for job kind 'nobody-handles-this'"


def test_a_lease_that_a_crashed_worker_left_behind_is_claimed_again(rt: Runtime, clock: FixedClock) -> None:
    _enqueue(rt)
    with rt.uow() as uow:
        assert len(claim(uow, "crashed", clock.now())) == 1
        uow.commit()
    with rt.uow() as uow:
        assert claim(uow, "w2", clock.now()) == []
    clock.advance(LEASE + timedelta(seconds=1))
    assert run_due(rt, {"greet": lambda _rt, _p: None}, "w2") == 1
    assert (_rows(rt)[0].status, _rows(rt)[0].attempts) == ("done", 2)


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff(100) == timedelta(hours=1)


def test_concurrent_workers_run_every_job_exactly_once(private_engine: Engine, tmp_path: Path) -> None:
    rt = Runtime(settings=Settings(var_dir=tmp_path, secret_key="k" * 32), engine=private_engine,
                 uow=UnitOfWorkFactory(private_engine), clock=FixedClock(datetime(2026, 11, 11, tzinfo=UTC)))
    for n in range(60):
        _enqueue(rt, payload={"n": n})
    seen: list[int] = []
    lock = threading.Lock()

    def record(_rt: Runtime, payload: Mapping[str, Any]) -> None:
        with lock:
            seen.append(payload["n"])

    def work(worker: str) -> None:
        while run_due(rt, {"greet": record}, worker, limit=4):
            pass

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(work, [f"w{i}" for i in range(4)]))
    assert sorted(seen) == list(range(60))
    assert {r.status for r in _rows(rt)} == {"done"}

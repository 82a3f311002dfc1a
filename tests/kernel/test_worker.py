"""The job worker on both engines: runs due jobs, retries and buries, survives crashes and database errors, stops."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from mercato.app import create_app
from mercato.kernel.clock import FixedClock
from mercato.kernel.events import EventBus
from mercato.kernel.jobs import LEASE, backoff, enqueue, jobs
from mercato.kernel.runtime import Runtime
from mercato.kernel.uow import UnitOfWork, UnitOfWorkFactory
from mercato.kernel.worker import Worker, WorkerThreads, worker_name
from mercato.settings import Settings

T0 = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)


class Crash(BaseException):
    """Stands for the worker process dying in the middle of a job (nothing after it runs)."""


def _rows(rt: Runtime) -> list[Any]:
    with rt.uow(read_only=True) as uow:
        return list(uow.conn.execute(sa.select(jobs).order_by(jobs.c.created_at, jobs.c.id)))


def _enqueue(rt: Runtime, n: int = 1, kind: str = "greet", **kwargs: Any) -> None:
    with rt.uow() as uow:
        for i in range(n):
            enqueue(uow, kind, {"n": i}, now=rt.clock.now(), **kwargs)
        uow.commit()


def _private_runtime(engine: Engine, tmp_path: Path) -> Runtime:
    return Runtime(settings=Settings(var_dir=tmp_path, secret_key="k" * 32, worker_poll_seconds=0.01),
                   engine=engine, uow=UnitOfWorkFactory(engine), clock=FixedClock(T0))


def _wait_for(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def _new_embedded(before: set[threading.Thread]) -> list[str]:
    """Embedded worker threads started since `before` (a session's live server may run one of its own)."""
    return [t.name for t in threading.enumerate() if t.name.startswith("mercato-embedded") and t not in before]


def test_a_worker_runs_due_jobs_and_leaves_scheduled_ones(rt: Runtime, clock: FixedClock) -> None:
    seen: list[int] = []
    worker = Worker(rt, {"greet": lambda _rt, p: seen.append(p["n"])}, "w1", poll_seconds=0.01)
    _enqueue(rt, 3)
    _enqueue(rt, 1, kind="later", run_at=clock.now() + timedelta(minutes=15))
    assert [worker.run_once(), worker.run_once(), worker.run_once(), worker.run_once()] == [1, 1, 1, 0]
    assert seen == [0, 1, 2]
    assert worker.ran == 3
    assert [r.status for r in _rows(rt)] == ["done", "done", "done", "queued"]


def test_a_worker_claims_in_batches(rt: Runtime) -> None:
    seen: list[int] = []
    worker = Worker(rt, {"greet": lambda _rt, p: seen.append(p["n"])}, "w1", batch=2)
    _enqueue(rt, 5)
    assert [worker.run_once(), worker.run_once(), worker.run_once(), worker.run_once()] == [2, 2, 1, 0]
    assert seen == [0, 1, 2, 3, 4]


def test_a_failing_job_is_retried_after_its_backoff_and_buried_after_max_attempts(
        rt: Runtime, clock: FixedClock) -> None:
    def broken(_rt: Runtime, _payload: Mapping[str, Any]) -> None:
        raise RuntimeError("gateway down")

    worker = Worker(rt, {"broken": broken}, "w1")
    _enqueue(rt, kind="broken", max_attempts=3)
    assert worker.run_once() == 1
    row = _rows(rt)[0]
    assert (row.status, row.attempts, row.run_at, row.last_error) == (
        "queued", 1, T0 + backoff(1), "RuntimeError: gateway down")
    clock.advance(backoff(1) - timedelta(seconds=1))
    assert worker.run_once() == 0
    clock.advance(timedelta(seconds=1))
    assert worker.run_once() == 1
    assert (_rows(rt)[0].status, _rows(rt)[0].run_at) == ("queued", clock.now() + backoff(2))
    clock.advance(backoff(2))
    assert worker.run_once() == 1
    row = _rows(rt)[0]
    assert (row.status, row.attempts, row.finished_at, row.locked_by) == ("dead", 3, clock.now(), None)
    clock.advance(timedelta(days=1))
    assert worker.run_once() == 0


def test_a_job_whose_worker_crashed_mid_run_is_run_by_another_after_the_lease(
        rt: Runtime, clock: FixedClock) -> None:
    def crash(_rt: Runtime, _payload: Mapping[str, Any]) -> None:
        raise Crash()

    seen: list[int] = []
    _enqueue(rt)
    with pytest.raises(Crash):
        Worker(rt, {"greet": crash}, "crashed").run_once()
    assert (_rows(rt)[0].status, _rows(rt)[0].locked_by) == ("running", "crashed")
    survivor = Worker(rt, {"greet": lambda _rt, p: seen.append(p["n"])}, "survivor")
    clock.advance(LEASE)
    assert survivor.run_once() == 0  # the lease still holds
    clock.advance(timedelta(seconds=1))
    assert survivor.run_once() == 1
    row = _rows(rt)[0]
    assert (row.status, row.attempts, row.locked_by, seen) == ("done", 2, None, [0])


def test_a_stop_lets_the_job_in_hand_finish_and_hands_back_the_rest_of_the_batch(rt: Runtime) -> None:
    stop = threading.Event()
    seen: list[int] = []

    def finish_then_stop(_rt: Runtime, payload: Mapping[str, Any]) -> None:
        stop.set()
        seen.append(payload["n"])

    worker = Worker(rt, {"greet": finish_then_stop}, "w1", batch=3)
    _enqueue(rt, 3)
    worker.run_until(stop)
    assert seen == [0]
    assert [(r.status, r.attempts, r.locked_by) for r in _rows(rt)] == [
        ("done", 1, None), ("queued", 0, None), ("queued", 0, None)]


def test_a_stopped_worker_does_not_start(rt: Runtime) -> None:
    stop = threading.Event()
    stop.set()
    _enqueue(rt)
    Worker(rt, {"greet": lambda _rt, _p: None}, "w1").run_until(stop)
    assert _rows(rt)[0].status == "queued"


def test_database_errors_are_logged_and_waited_out(rt: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    failures = [2]

    @contextmanager
    def flaky_uow(*, read_only: bool = False) -> Iterator[UnitOfWork]:
        if failures[0]:
            failures[0] -= 1
            raise OperationalError("SELECT 1", {}, Exception("the database is restarting"))
        with rt.uow(read_only=read_only) as uow:
            yield uow

    flaky = Runtime(settings=rt.settings, engine=rt.engine, uow=flaky_uow, clock=rt.clock, events=EventBus())
    stop = threading.Event()
    seen: list[int] = []

    def record_then_stop(_rt: Runtime, payload: Mapping[str, Any]) -> None:
        seen.append(payload["n"])
        stop.set()

    _enqueue(rt)
    worker = Worker(flaky, {"greet": record_then_stop}, "w1", poll_seconds=0.01)
    with caplog.at_level(logging.ERROR, logger="mercato.worker"):
        worker.run_until(stop)
    assert (seen, worker.errors, _rows(rt)[0].status) == ([0], 2, "done")
    assert [r.getMessage() for r in caplog.records] == [
        "job worker w1: round failed, retrying in 0.0 s", "job worker w1: round failed, retrying in 0.0 s"]


def test_the_error_backoff_doubles_up_to_thirty_seconds(rt: Runtime) -> None:
    worker = Worker(rt, {}, "w1", poll_seconds=1.0)
    assert [worker._error_delay(n) for n in (1, 2, 3, 5, 6, 50)] == [1.0, 2.0, 4.0, 16.0, 30.0, 30.0]


def test_a_worker_name_fits_the_lock_column() -> None:
    name = worker_name("embedded0")
    assert name.endswith(":embedded0") and len(name) <= 64


def test_concurrent_worker_threads_never_run_one_job_twice_or_at_once(private_engine: Engine,
                                                                      tmp_path: Path) -> None:
    rt = _private_runtime(private_engine, tmp_path)
    _enqueue(rt, 40)
    lock = threading.Lock()
    in_hand: set[int] = set()
    seen: list[int] = []
    overlaps: list[int] = []

    def slow(_rt: Runtime, payload: Mapping[str, Any]) -> None:
        with lock:
            if payload["n"] in in_hand:
                overlaps.append(payload["n"])
            in_hand.add(payload["n"])
        time.sleep(0.005)
        with lock:
            in_hand.discard(payload["n"])
            seen.append(payload["n"])

    threads = WorkerThreads(rt, {"greet": slow}, 4)
    for i, worker in enumerate(threads.workers):
        worker.batch = 1 + i % 3
    threads.start()
    try:
        _wait_for(lambda: len(seen) >= 40 and all(r.status == "done" for r in _rows(rt)))
    finally:
        threads.stop(timeout=10)
    assert not threads.alive()
    assert (sorted(seen), overlaps) == (list(range(40)), [])
    assert {(r.status, r.attempts) for r in _rows(rt)} == {("done", 1)}
    assert threads.ran == 40


def test_a_stop_ends_an_idle_worker_thread_without_waiting_for_its_poll(private_engine: Engine,
                                                                        tmp_path: Path) -> None:
    rt = _private_runtime(private_engine, tmp_path)
    threads = WorkerThreads(rt, {}, 2, poll_seconds=60).start()
    time.sleep(0.1)
    assert threads.alive()
    started = time.monotonic()
    threads.stop(timeout=10)
    assert not threads.alive()
    assert time.monotonic() - started < 5


def test_the_app_runs_a_worker_thread_only_when_asked(private_engine: Engine, tmp_path: Path) -> None:
    rt = _private_runtime(private_engine, tmp_path)
    _enqueue(rt, kind="nobody-handles-this")
    before = set(threading.enumerate())
    with TestClient(create_app(rt)):
        time.sleep(0.3)
        assert _new_embedded(before) == []
    assert _rows(rt)[0].attempts == 0
    with TestClient(create_app(rt, embedded_worker=True)):
        _wait_for(lambda: _rows(rt)[0].attempts == 1)
        assert _new_embedded(before) == ["mercato-embedded0"]
    assert _new_embedded(before) == []
    assert _rows(rt)[0].last_error == "LookupError: no handler for job kind 'nobody-handles-this'"


@pytest.mark.parametrize("setting", ["true", "false"])
def test_a_served_app_follows_the_embedded_worker_setting(setting: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from mercato.kernel.db import make_engine
    from mercato.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'served.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("MERCATO_DATABASE_URL", url)
    monkeypatch.setenv("MERCATO_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("MERCATO_EMBEDDED_WORKER", setting)
    before = set(threading.enumerate())
    app = create_app()
    try:
        with TestClient(app):
            assert _new_embedded(before) == (["mercato-embedded0"] if setting == "true" else [])
    finally:
        app.state.runtime.engine.dispose()

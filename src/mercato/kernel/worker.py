"""The job worker: a loop that claims due jobs from `kernel.jobs` and runs them until told to stop.

`mercato serve` runs one in a thread of each server process; `mercato worker` runs N of them in a process of its
own. A database that goes away (a restart, a failover) is logged and waited out with backoff; the loop never dies.
A stop lets the job in hand finish and hands back any job claimed but not yet started.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from mercato.kernel import jobs
from mercato.kernel.jobs import Handler

log = logging.getLogger("mercato.worker")

ERROR_BACKOFF_CAP = timedelta(seconds=30)


def worker_name(suffix: str) -> str:
    """`host:pid:suffix`, at most 64 characters (the width of jobs.locked_by)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{suffix}"[-64:]


class Worker:
    """Claims up to `batch` due jobs at a time as `name` and runs them; idle, it looks again every `poll_seconds`."""

    def __init__(self, runtime: Any, handlers: Mapping[str, Handler], name: str, poll_seconds: float = 1.0,
                 batch: int = 1) -> None:
        self.runtime = runtime
        self.handlers = handlers
        self.name = name
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.ran = 0
        self.errors = 0

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Claim due jobs and run them; returns how many ran. Database errors propagate to the caller."""
        now = self.runtime.clock.now()
        with self.runtime.uow(read_only=True) as uow:
            if not jobs.due_exists(uow, now):
                return 0
        with self.runtime.uow() as uow:
            claimed = jobs.claim(uow, self.name, now, self.batch)
            uow.commit()
        for index, job in enumerate(claimed):
            if stop is not None and stop.is_set():
                self._release(claimed[index:])
                return index
            jobs.run_job(self.runtime, self.handlers, self.name, job)
            self.ran += 1
        return len(claimed)

    def run_until(self, stop: threading.Event) -> None:
        """Run jobs until `stop` is set; an idle or failing round waits (interruptibly) before the next."""
        failures = 0
        while not stop.is_set():
            try:
                ran = self.run_once(stop)
            except Exception:  # the database is down or refused us: the worker waits and tries again
                failures += 1
                self.errors += 1
                delay = self._error_delay(failures)
                log.exception("job worker %s: round failed, retrying in %.1f s", self.name, delay)
                stop.wait(delay)
                continue
            failures = 0
            if ran == 0:
                stop.wait(self.poll_seconds)

    def drain(self, stop: threading.Event | None = None) -> int:
        """Run jobs until none is due (or `stop`); returns how many ran. For scripts and tests."""
        total = 0
        while stop is None or not stop.is_set():
            ran = self.run_once(stop)
            if ran == 0:
                break
            total += ran
        return total

    def _error_delay(self, failures: int) -> float:
        delay = float(self.poll_seconds) * 2.0 ** min(failures - 1, 16)
        return min(delay, ERROR_BACKOFF_CAP.total_seconds())

    def _release(self, unstarted: list[jobs.Job]) -> None:
        with self.runtime.uow() as uow:
            for job in unstarted:
                jobs.release(uow, job, self.name)
            uow.commit()


class WorkerThreads:
    """`count` workers, each in a daemon thread, sharing one stop event."""

    def __init__(self, runtime: Any, handlers: Mapping[str, Handler], count: int = 1, *, label: str = "worker",
                 poll_seconds: float | None = None) -> None:
        poll = poll_seconds if poll_seconds is not None else runtime.settings.worker_poll_seconds
        self.stop_event = threading.Event()
        self.workers = [Worker(runtime, handlers, worker_name(f"{label}{i}"), poll) for i in range(count)]
        self.threads = [threading.Thread(target=w.run_until, args=(self.stop_event,), name=f"mercato-{label}{i}",
                                         daemon=True) for i, w in enumerate(self.workers)]

    def start(self) -> WorkerThreads:
        for thread in self.threads:
            thread.start()
        return self

    def stop(self, timeout: float | None = 30.0) -> None:
        """Ask every worker to stop and wait for the jobs in hand to finish."""
        self.stop_event.set()
        self.join(timeout)

    def join(self, timeout: float | None = None) -> None:
        for thread in self.threads:
            thread.join(timeout)

    def alive(self) -> bool:
        return any(thread.is_alive() for thread in self.threads)

    @property
    def ran(self) -> int:
        return sum(w.ran for w in self.workers)

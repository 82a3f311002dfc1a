"""The worker and ledger commands on a temporary SQLite file: drain, stop on a signal, verify, purge."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import mercato.trade.service
import mercato.wiring
from mercato.app import build_runtime
from mercato.cli import app, describe_problem
from mercato.kernel.clock import FixedClock
from mercato.kernel.jobs import Handler, enqueue, jobs
from mercato.kernel.runtime import Runtime
from mercato.settings import Settings

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite file; the commands find it through --database-url."""
    monkeypatch.setenv("MERCATO_VAR_DIR", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(app, ["db", "upgrade", "--database-url", url])
    assert result.exit_code == 0, result.output
    return url


@pytest.fixture
def rt(db: str, tmp_path: Path) -> Iterator[Runtime]:
    runtime = build_runtime(Settings(database_url=db, var_dir=tmp_path, secret_key="k" * 32))
    yield runtime
    runtime.engine.dispose()


def _handlers(monkeypatch: pytest.MonkeyPatch, handlers: Mapping[str, Handler]) -> None:
    monkeypatch.setattr(mercato.wiring, "job_handlers", lambda: dict(handlers))


def _enqueue(rt: Runtime, n: int, kind: str = "greet") -> None:
    with rt.uow() as uow:
        for i in range(n):
            enqueue(uow, kind, {"n": i}, now=rt.clock.now() - timedelta(seconds=n - i))
        uow.commit()


def _statuses(rt: Runtime) -> list[tuple[str, int]]:
    with rt.uow(read_only=True) as uow:
        rows = uow.conn.execute(sa.select(jobs.c.status, jobs.c.attempts).order_by(jobs.c.run_at))
        return [(r.status, r.attempts) for r in rows]


def test_worker_drain_runs_every_due_job_with_several_threads_and_exits(
        rt: Runtime, db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    lock = threading.Lock()

    def record(_rt: Any, payload: Mapping[str, Any]) -> None:
        with lock:
            seen.append(payload["n"])

    _handlers(monkeypatch, {"greet": record})
    _enqueue(rt, 12)
    result = runner.invoke(app, ["worker", "--drain", "--concurrency", "3", "--database-url", db])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "worker stopped: 12 job(s) run"
    assert sorted(seen) == list(range(12))
    assert _statuses(rt) == [("done", 1)] * 12


def test_worker_stops_on_sigterm_after_finishing_the_job_in_hand(
        rt: Runtime, db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    started = threading.Event()
    finished: list[int] = []

    def slow(_rt: Any, payload: Mapping[str, Any]) -> None:
        started.set()
        time.sleep(0.5)
        finished.append(payload["n"])

    _handlers(monkeypatch, {"greet": slow})
    _enqueue(rt, 3)

    def terminate_when_busy() -> None:
        assert started.wait(20)
        os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=terminate_when_busy)
    killer.start()
    previous = signal.getsignal(signal.SIGTERM)
    result = runner.invoke(app, ["worker", "--database-url", db])
    killer.join()
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "worker stopped: 1 job(s) run"
    assert finished == [0]
    assert _statuses(rt) == [("done", 1), ("queued", 0), ("queued", 0)]
    assert signal.getsignal(signal.SIGTERM) is previous


def test_ledger_verify_says_ok_when_there_is_no_problem(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mercato.trade.service, "verify_ledger", lambda _rt: [])
    result = runner.invoke(app, ["ledger", "verify", "--database-url", db])
    assert (result.exit_code, result.output) == (0, "ledger ok\n")


def test_ledger_verify_prints_each_problem_and_fails(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    problems = [
        SimpleNamespace(check="conservation", where="entry capture:P1", detail="the lines sum to 5",
                        expected=0, actual=5),
        SimpleNamespace(check="escrow_order", where="order O1", detail="escrow holds [less]", expected=None,
                        actual=None),
    ]
    monkeypatch.setattr(mercato.trade.service, "verify_ledger", lambda _rt: problems)
    result = runner.invoke(app, ["ledger", "verify", "--database-url", db])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "conservation entry capture:P1: the lines sum to 5 (expected 0, actual 5)",
        "escrow_order order O1: escrow holds [less]",
        "ledger: 2 problem(s)",
    ]


def test_a_payments_ledger_problem_is_described_on_one_line() -> None:
    from mercato.payments.model import LedgerProblem

    problem = LedgerProblem("merchant_balance", "store S1", "balance row against the ledger", expected=900, actual=800)
    assert describe_problem(problem) == (
        "merchant_balance store S1: balance row against the ledger (expected 900, actual 800)")


def test_a_problem_with_only_some_fields_is_still_described() -> None:
    assert describe_problem(SimpleNamespace(check="merchant_balance", detail="store S1 off by 3")) == (
        "merchant_balance: store S1 off by 3")
    assert describe_problem("free text") == "free text"


def test_ledger_verify_on_a_fresh_database_is_ok(db: str) -> None:
    result = runner.invoke(app, ["ledger", "verify", "--database-url", db])
    assert (result.exit_code, result.output) == (0, "ledger ok\n"), result.output


def test_jobs_purge_deletes_only_old_done_jobs(rt: Runtime, db: str) -> None:
    now = datetime.now(UTC)
    old = Runtime(settings=rt.settings, engine=rt.engine, uow=rt.uow, clock=FixedClock(now - timedelta(days=40)))
    with old.uow() as uow:
        for kind in ("old-done", "old-dead"):
            enqueue(uow, kind, {}, now=old.clock.now(), max_attempts=1)
        uow.commit()

    def broken(_rt: Any, _payload: Mapping[str, Any]) -> None:
        raise RuntimeError("no")

    from mercato.kernel.jobs import run_due

    assert run_due(old, {"old-done": lambda _rt, _p: None, "old-dead": broken}, "w1") == 2
    _enqueue(rt, 1, kind="new")
    assert run_due(rt, {"new": lambda _rt, _p: None}, "w1") == 1
    result = runner.invoke(app, ["jobs", "purge", "--days", "30", "--database-url", db])
    assert (result.exit_code, result.output) == (0, "1 done job(s) purged\n"), result.output
    with rt.uow(read_only=True) as uow:
        left = sorted(uow.conn.execute(sa.select(jobs.c.kind, jobs.c.status)).all())
    assert left == [("new", "done"), ("old-dead", "dead")]


def test_ledger_verify_finds_an_entry_whose_lines_do_not_balance(rt: Runtime, db: str) -> None:
    from mercato.payments.tables import ledger_entries, ledger_lines

    with rt.uow() as uow:
        uow.conn.execute(ledger_entries.insert().values(id="E" * 26, source="capture:lopsided", kind="capture",
                                                        memo="a capture missing its escrow line",
                                                        created_at=rt.clock.now()))
        uow.conn.execute(ledger_lines.insert().values(id="L" * 26, entry_id="E" * 26, account="gateway",
                                                      amount=500))
        uow.commit()
    result = runner.invoke(app, ["ledger", "verify", "--database-url", db])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "entry_balanced entry capture:lopsided: the lines of the entry do not sum to zero (expected 0, actual 500)",
        "ledger: 1 problem(s)",
    ]

"""The unit of work commits only when told, on both engines; timestamps stay UTC-aware."""

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from mercato.audit.tables import audit_log
from mercato.kernel import db
from mercato.kernel.db import UTCDateTime, make_engine
from mercato.kernel.http import install_api_error_handlers
from mercato.kernel.idgen import new_id
from mercato.kernel.uow import UnitOfWorkFactory


def _count(engine: Engine, marker: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(audit_log)
                                .where(audit_log.c.target_id == marker)).scalar_one())


def _insert(conn: sa.Connection, marker: str, at: datetime) -> None:
    conn.execute(audit_log.insert().values(id=new_id(), at=at, actor_id=None, action="test.write",
                                           target_type="test", target_id=marker, detail={"k": "v"}))


def test_unit_of_work_rolls_back_unless_committed(engine: Engine) -> None:
    uow = UnitOfWorkFactory(engine)
    marker = new_id()
    with uow() as work:
        _insert(work.conn, marker, datetime.now(UTC))
    assert _count(engine, marker) == 0
    with uow() as work:
        _insert(work.conn, marker, datetime.now(UTC))
        work.commit()
    assert _count(engine, marker) == 1
    with engine.begin() as conn:
        conn.execute(audit_log.delete().where(audit_log.c.target_id == marker))


def test_unit_of_work_rolls_back_on_error_and_drops_after_commit_work(engine: Engine) -> None:
    uow = UnitOfWorkFactory(engine)
    marker = new_id()
    ran: list[str] = []
    with pytest.raises(RuntimeError), uow() as work:
        _insert(work.conn, marker, datetime.now(UTC))
        work.after_commit(lambda: ran.append("x"))
        raise RuntimeError("boom")
    assert _count(engine, marker) == 0
    assert ran == []


def test_read_only_unit_of_work_cannot_commit(engine: Engine) -> None:
    with UnitOfWorkFactory(engine)(read_only=True) as work, pytest.raises(RuntimeError):
        work.commit()


def test_timestamps_come_back_timezone_aware_in_utc(engine: Engine) -> None:
    marker = new_id()
    shanghai = timezone(timedelta(hours=8))
    written = datetime(2026, 11, 11, 20, 0, 0, 123000, tzinfo=shanghai)
    with engine.begin() as conn:
        _insert(conn, marker, written)
    with engine.connect() as conn:
        read = conn.execute(sa.select(audit_log.c.at).where(audit_log.c.target_id == marker)).scalar_one()
    assert read == written
    assert read.tzinfo is not None and read.utcoffset() == timedelta(0)
    with engine.begin() as conn:
        conn.execute(audit_log.delete().where(audit_log.c.target_id == marker))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), make_engine("sqlite://").dialect)


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def _short_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA busy_timeout=20")


@pytest.fixture
def impatient_sqlite(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite engine whose connections give up on the write lock after 20 ms (the product waits 10 s)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}", pool_size=2)
    sa.event.listen(engine, "connect", _short_busy_timeout)
    yield engine
    engine.dispose()


def test_a_writer_kept_waiting_past_the_busy_timeout_asks_again_until_the_lock_frees(
        impatient_sqlite: Engine) -> None:
    holder = impatient_sqlite.connect()
    holder.begin()  # BEGIN IMMEDIATE: the write lock is taken
    threading.Timer(0.3, holder.rollback).start()
    started = time.monotonic()
    with impatient_sqlite.connect() as conn, conn.begin():
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    assert time.monotonic() - started >= 0.25
    holder.close()


def test_past_its_patience_a_writer_gives_up_as_busy_and_the_api_answers_503(
        impatient_sqlite: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "WRITE_LOCK_PATIENCE_SECONDS", 0.1)
    holder = impatient_sqlite.connect()
    holder.begin()
    app = FastAPI()
    install_api_error_handlers(app)

    @app.post("/api/write")
    def write() -> None:
        with impatient_sqlite.connect() as conn, conn.begin():
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")

    try:
        response = TestClient(app).post("/api/write")
    finally:
        holder.rollback()
        holder.close()
    assert (response.status_code, response.json()["code"], response.headers["retry-after"]) == (
        503, "database_busy", "1")
    assert response.headers["content-type"].startswith("application/problem+json")

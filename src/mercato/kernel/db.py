"""The database layer shared by every capability: one MetaData, engine creation for SQLite and PostgreSQL, types."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect, Engine

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware UTC instant on both engines (SQLite keeps it as naive UTC text)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def id_column(name: str = "id", **kwargs: Any) -> sa.Column[str]:
    """An opaque 26-character id (see kernel.ids)."""
    return sa.Column(name, sa.String(26), primary_key=True, **kwargs)


def fk(name: str, target: str, *, nullable: bool = False, index: bool = True,
       ondelete: str | None = None) -> sa.Column[str]:
    """A reference to another table's opaque id."""
    return sa.Column(name, sa.String(26), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


def timestamp(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def is_sqlite_url(url: str) -> bool:
    return url.startswith("sqlite")


WRITE_LOCK_PATIENCE_SECONDS = 30.0


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # A deferred BEGIN lets two writers both read and then fail to upgrade to the write lock (SQLITE_BUSY
    # with no wait). Write transactions therefore begin IMMEDIATE, taking the lock up front so that
    # busy_timeout queues them; read-only units of work keep a deferred BEGIN and never block writers (WAL).
    # Under a burst of writers one may wait past busy_timeout; it asks again until WRITE_LOCK_PATIENCE_SECONDS.
    if conn.get_execution_options().get("mercato_read_only"):
        conn.exec_driver_sql("BEGIN")
        return
    deadline = time.monotonic() + WRITE_LOCK_PATIENCE_SECONDS
    while True:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except sa.exc.OperationalError as exc:
            if not is_sqlite_busy(exc) or time.monotonic() >= deadline:
                raise


def is_sqlite_busy(exc: BaseException) -> bool:
    """SQLite's write lock stayed taken past the busy timeout (SQLITE_BUSY)."""
    return isinstance(exc, sa.exc.OperationalError) and "database is locked" in str(exc.orig)


def make_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> Engine:
    """An engine for `url`: SQLite in WAL mode with foreign keys and a busy timeout, or PostgreSQL via psycopg 3."""
    if is_sqlite_url(url):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        pool_args = {"pool_size": pool_size, "max_overflow": pool_size} if path and path != ":memory:" else {}
        engine = sa.create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "isolation_level": None}, **pool_args,
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    parsed = sa.engine.make_url(url)
    options = " ".join(filter(None, [str(parsed.query.get("options", "")), "-c jit=off"]))
    # JIT compilation costs PostgreSQL 20-50 ms on short OLTP queries (measured by bench/browse.py); a pre-ping
    # per checkout is a round trip per request, so stale connections are recycled by age instead.
    return sa.create_engine(parsed.update_query_dict({"options": options}), echo=echo, pool_size=pool_size,
                            max_overflow=pool_size, pool_recycle=1800)


def dialect_name(engine: Engine) -> str:
    return "postgresql" if engine.dialect.name == "postgresql" else "sqlite"

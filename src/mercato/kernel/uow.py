"""The unit of work: one use case, one transaction. It rolls back unless the use case commits it.

Work to run after the commit (jobs, index refreshes) is buffered with `after_commit` and dropped on rollback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine


class UnitOfWork:
    """Owns one transaction on `conn`. Only `commit()` makes its writes durable."""

    def __init__(self, conn: Connection, transaction: sa.Transaction, *, read_only: bool = False) -> None:
        self.conn = conn
        self._transaction = transaction
        self.read_only = read_only
        self._after_commit: list[Callable[[], None]] = []
        self.committed = False

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    def commit(self) -> None:
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        self._transaction.commit()
        self.committed = True
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def rollback(self) -> None:
        if self._transaction.is_active:
            self._transaction.rollback()
        self._after_commit.clear()

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self.committed:
            self.rollback()


class UnitOfWorkFactory:
    """Opens units of work on an engine: `with factory() as uow: ...; uow.commit()`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def __call__(self, *, read_only: bool = False) -> Iterator[UnitOfWork]:
        conn = self.engine.connect()
        if read_only:
            conn = conn.execution_options(mercato_read_only=True)
        try:
            with UnitOfWork(conn, conn.begin(), read_only=read_only) as uow:
                yield uow
        finally:
            conn.close()


class SavepointUnitOfWorkFactory:
    """For tests: every unit of work is a savepoint inside one outer transaction that the test rolls back."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.engine = conn.engine

    @contextmanager
    def __call__(self, *, read_only: bool = False) -> Iterator[UnitOfWork]:
        with UnitOfWork(self.conn, self.conn.begin_nested(), read_only=False) as uow:
            uow.read_only = read_only
            yield uow

"""Bulk writing of generated rows: COPY through psycopg 3 on PostgreSQL, large executemany batches on SQLite.

Rows are dicts keyed by column name; each is shaped into a tuple in the Table's column order and converted by the
column type's own bind processor, so the stored values match what SQLAlchemy Core would write. A row whose keys
differ from the table's columns stops the load: a schema change must break the demo loudly, not silently.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from mercato.demo.records import Row

Shaper = Callable[[Row], Sequence[Any]]


class DemoSchemaMismatch(RuntimeError):
    """The generator and a table disagree about the columns (the schema changed; update mercato.demo)."""


def shaper_for(table: sa.Table, dialect: Dialect) -> Shaper:
    names = [column.name for column in table.columns]
    getter = operator.itemgetter(*names)
    processors = [(i, proc) for i, column in enumerate(table.columns)
                  if (proc := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None]

    def shape(row: Row) -> Sequence[Any]:
        values = list(getter(row))
        for i, proc in processors:
            values[i] = proc(values[i])
        return tuple(values)

    return shape


def check_columns(table: sa.Table, row: Row) -> None:
    expected = {column.name for column in table.columns}
    if set(row) != expected:
        missing, unknown = sorted(expected - set(row)), sorted(set(row) - expected)
        raise DemoSchemaMismatch(f"{table.name}: generator lacks {missing} and has unknown {unknown}")


class BulkWriter(Protocol):
    def write(self, table: sa.Table, rows: list[Row]) -> int:
        """Write `rows` into `table` inside the connection's current transaction; return how many."""
        ...


class _Shaping:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._shapers: dict[str, Shaper] = {}
        self._checked: set[str] = set()

    def shaped(self, table: sa.Table, rows: list[Row]) -> Iterable[Sequence[Any]]:
        if table.name not in self._checked:
            check_columns(table, rows[0])
            self._checked.add(table.name)
        shape = self._shapers.get(table.name) or self._shapers.setdefault(
            table.name, shaper_for(table, self.conn.dialect))
        return map(shape, rows)

    def column_list(self, table: sa.Table) -> str:
        quote = self.conn.dialect.identifier_preparer.quote
        return ", ".join(quote(column.name) for column in table.columns)


class SqliteWriter(_Shaping):
    def write(self, table: sa.Table, rows: list[Row]) -> int:
        if not rows:
            return 0
        marks = ", ".join("?" for _ in table.columns)
        name = self.conn.dialect.identifier_preparer.format_table(table)
        sql = f"INSERT INTO {name} ({self.column_list(table)}) VALUES ({marks})"
        self.conn.exec_driver_sql(sql, list(self.shaped(table, rows)))
        return len(rows)


class PostgresCopyWriter(_Shaping):
    def write(self, table: sa.Table, rows: list[Row]) -> int:
        if not rows:
            return 0
        name = self.conn.dialect.identifier_preparer.format_table(table)
        raw: Any = self.conn.connection.dbapi_connection  # psycopg 3's own connection, which has COPY
        with raw.cursor() as cursor, cursor.copy(f"COPY {name} ({self.column_list(table)}) FROM STDIN") as copy:
            for values in self.shaped(table, rows):
                copy.write_row(values)
        return len(rows)


def writer_for(conn: Connection) -> BulkWriter:
    return PostgresCopyWriter(conn) if conn.dialect.name == "postgresql" else SqliteWriter(conn)

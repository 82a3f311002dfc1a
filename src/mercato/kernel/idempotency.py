"""Idempotency keys: a retried POST that creates money or orders returns the first answer instead of acting twice.

The key row is written in the business unit of work, so it exists exactly when the business change commits. A
concurrent retry with the same key waits on the row's unique index (PostgreSQL) or on the single writer (SQLite)
and then sees the stored answer. A key reused with a different request body is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from mercato.kernel.db import metadata, timestamp
from mercato.kernel.errors import IdempotencyKeyReused
from mercato.kernel.uow import UnitOfWork

idempotency_keys = sa.Table(
    "idempotency_keys", metadata,
    sa.Column("owner", sa.String(64), primary_key=True),  # who sent it: a user id, or a store id for payouts
    sa.Column("scope", sa.String(64), primary_key=True),  # the operation, e.g. "trade.place_order"
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("response", sa.JSON, nullable=True),  # None while the first request is in flight
    timestamp("created_at"),
)


def fingerprint(request: Mapping[str, Any]) -> str:
    """A stable digest of the request's meaningful fields (key order does not matter)."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay(uow: UnitOfWork, *, owner: str, scope: str, key: str | None,
           request: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any] | None:
    """The stored answer of an earlier identical request with this key, or None when the key is new (or absent).

    A new key is claimed at once (a row without an answer), so a retry racing the first request waits on the row's
    primary key (PostgreSQL) or the single writer (SQLite) until the first commits, then reads its answer; if the
    first rolls back, the retry claims the key and does the work itself.
    """
    if key is None:
        return None
    table = idempotency_keys
    insert = pg_insert if uow.conn.dialect.name == "postgresql" else sqlite_insert
    claimed = uow.conn.execute(
        insert(table).values(owner=owner, scope=scope, key=key, fingerprint=fingerprint(request), response=None,
                             created_at=now or datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=["owner", "scope", "key"]).returning(table.c.key)).first()
    if claimed is not None:
        return None
    row = uow.conn.execute(sa.select(table.c.fingerprint, table.c.response).where(
        table.c.owner == owner, table.c.scope == scope, table.c.key == key)).one()
    if row.fingerprint != fingerprint(request) or row.response is None:
        raise IdempotencyKeyReused(field="Idempotency-Key")
    return dict(row.response)


def remember(uow: UnitOfWork, *, owner: str, scope: str, key: str | None, response: Mapping[str, Any],
             request: Mapping[str, Any] | None = None) -> None:
    """Store the answer of the request whose key `replay` claimed, in the same unit of work (nothing without a key).

    `request` is accepted for symmetry with `replay`; the fingerprint was recorded when the key was claimed.
    """
    if key is None:
        return
    table = idempotency_keys
    uow.conn.execute(table.update().where(table.c.owner == owner, table.c.scope == scope, table.c.key == key)
                     .values(response=json.loads(json.dumps(response, default=str))))

"""Every query of the audit log: append an entry, read a page newest first."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mercato.audit.model import AuditEntry
from mercato.audit.tables import audit_log


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(id=row.id, at=row.at, actor_id=row.actor_id, action=row.action,
                      target_type=row.target_type, target_id=row.target_id, detail=dict(row.detail or {}))


class AuditRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def append(self, entry: AuditEntry) -> None:
        self.conn.execute(audit_log.insert().values(
            id=entry.id, at=entry.at, actor_id=entry.actor_id, action=entry.action,
            target_type=entry.target_type, target_id=entry.target_id, detail=dict(entry.detail)))

    def page(self, *, action_prefix: str | None, after: tuple[datetime, str] | None,
             limit: int) -> list[AuditEntry]:
        """Up to `limit` entries newest first, strictly after the keyset position `after` = (at, id)."""
        query = sa.select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
        if action_prefix:
            query = query.where(audit_log.c.action.startswith(action_prefix, autoescape=True))
        if after is not None:
            at, entry_id = after
            query = query.where(sa.or_(audit_log.c.at < at,
                                       sa.and_(audit_log.c.at == at, audit_log.c.id < entry_id)))
        return [_entry(row) for row in self.conn.execute(query)]

    def for_target(self, target_type: str, target_id: str, limit: int) -> list[AuditEntry]:
        query = (sa.select(audit_log)
                 .where(audit_log.c.target_type == target_type, audit_log.c.target_id == target_id)
                 .order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit))
        return [_entry(row) for row in self.conn.execute(query)]

    def count(self, filters: Mapping[str, str] | None = None) -> int:
        query = sa.select(sa.func.count()).select_from(audit_log)
        for column, value in (filters or {}).items():
            query = query.where(audit_log.c[column] == value)
        return int(self.conn.execute(query).scalar_one())

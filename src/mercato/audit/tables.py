"""Audit log table: append-only."""

import sqlalchemy as sa

from mercato.kernel.db import fk, id_column, metadata, timestamp

audit_log = sa.Table(
    "audit_log", metadata,
    id_column(),
    timestamp("at"),
    fk("actor_id", "users.id", nullable=True),
    sa.Column("action", sa.String(64), nullable=False),  # e.g. "store.approve", "category.create"
    sa.Column("target_type", sa.String(32), nullable=False),
    sa.Column("target_id", sa.String(64), nullable=False),
    sa.Column("detail", sa.JSON, nullable=False),
    sa.Index("ix_audit_log_at", "at"),
    sa.Index("ix_audit_log_target", "target_type", "target_id"),
)

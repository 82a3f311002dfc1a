"""membership tables: the paid memberships consumers hold (one row per year bought)."""

import sqlalchemy as sa

from mercato.kernel.db import fk, id_column, metadata, timestamp

memberships = sa.Table(
    "memberships", metadata,
    id_column(),
    fk("consumer_id", "users.id", index=False),
    sa.Column("status", sa.String(10), nullable=False),  # pending (awaiting payment) | active | cancelled
    sa.Column("price", sa.BigInteger, nullable=False),
    sa.Column("points", sa.Integer, nullable=False),  # the member points the price was set by
    sa.Column("payment_id", sa.String(26), nullable=True, index=True),
    timestamp("starts_at", nullable=True),
    timestamp("ends_at", nullable=True),
    timestamp("created_at"),
    sa.Index("ix_memberships_consumer_ends", "consumer_id", "ends_at"),
)
